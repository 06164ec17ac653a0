"""The Chinese edition (中文版) of the built site, beside the English one.

Run by `make test-site` after `make test-book`, which builds both editions and extracts
the English prose again (_build/gettext). The page-by-page browser checks of test_site.py
run on the Chinese pages too (its page list includes them); here:

* every English page has its Chinese twin, and at least 95 % of the prose paragraphs of
  every Chinese page are Chinese (code, outputs and math are not prose; the API
  reference stays English by design);
* the catalogs hold every message of today's English prose, translated (a paragraph
  changed in English without `make translations` fails here, by name);
* the language switch: on every page of both editions, a relative link to the twin,
  which exists; on a phone, in the header's row of buttons, and clicked, it leads there
  and back;
* Chinese search (jieba, with the glossary's terms as its dictionary) finds the pages
  that teach 交叉熵, 对数几率 and 焦点损失.
"""

from __future__ import annotations

import html.parser
import importlib.util
import posixpath
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from test_site import CHROMIUM, HTML, PHONE, ROOT, _open, _pages, browser, server  # noqa: F401

ZH = HTML / "zh_CN"
GETTEXT = ROOT / "_build" / "gettext"
ENGLISH_BY_DESIGN = {"chapters/api_reference.html"}  # generated from the docstrings
CJK = re.compile(r"[\u4e00-\u9fff]")

_spec = importlib.util.spec_from_file_location("zh_catalog", ROOT / "tools" / "zh_catalog.py")
zh_catalog = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zh_catalog)


class _Paragraphs(html.parser.HTMLParser):
    """The text of each <p> in the article, without math, code and cell outputs."""

    SKIP_CLASSES = {"cell_output", "highlight", "math", "citation", "output"}

    def __init__(self):
        super().__init__()
        self.stack, self.in_article, self.current, self.paragraphs = [], 0, None, []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        skip = bool(classes & self.SKIP_CLASSES) or tag in {"code", "pre", "script", "style"}
        if tag in {"br", "img", "hr", "input", "meta", "link", "wbr"}:
            return
        self.stack.append((tag, skip))
        if tag == "article":
            self.in_article += 1
        if tag == "p" and self.in_article and not any(s for _, s in self.stack):
            self.current = []

    def handle_endtag(self, tag):
        if all(t != tag for t, _ in self.stack):
            return  # an end tag whose start was implied or never there
        while self.stack:
            top, _ = self.stack.pop()
            if top == "article":
                self.in_article -= 1
            if top == "p" and self.current is not None:
                self.paragraphs.append(" ".join("".join(self.current).split()))
                self.current = None
            if top == tag:
                break

    def handle_data(self, data):
        if self.current is not None and not any(s for _, s in self.stack):
            self.current.append(re.sub(r"\\\(.*?\\\)|\$[^$]*\$", " ", data))


def _prose(page: Path) -> list[str]:
    parser = _Paragraphs()
    parser.feed(page.read_text(encoding="utf-8"))
    # prose: any Chinese, or at least three English words (not a name such as "PyTorch"
    # in a table cell)
    return [p for p in parser.paragraphs if CJK.search(p) or len(re.findall(r"[A-Za-z]{2,}", p)) >= 3]


def test_every_english_page_has_a_chinese_twin():
    pages = _pages()
    assert pages, "no built book in _build/html: run `make test-book` first"
    missing = [p for p in pages if not (ZH / p).is_file()]
    assert missing == []


@pytest.mark.parametrize("name", [p for p in _pages() if p not in ENGLISH_BY_DESIGN])
def test_chinese_pages_are_chinese(name):
    prose = _prose(ZH / name)
    english = [p for p in prose if not CJK.search(p)]
    assert prose, f"{name}: no prose paragraphs found"
    share = 1 - len(english) / len(prose)
    assert share >= 0.95, (f"{name}: {share:.0%} of {len(prose)} paragraphs are Chinese; "
                           f"English: {english[:5]}")


def test_the_paragraph_counter_tells_english_from_chinese():
    """The measure above, on the English edition: its pages must come out English."""
    prose = _prose(HTML / "chapters" / "02_binary_cross_entropy.html")
    chinese = [p for p in prose if CJK.search(p)]
    assert len(prose) > 30 and len(chinese) / len(prose) < 0.5


def _pot_messages():
    for pot in sorted(GETTEXT.rglob("*.pot")):
        page = pot.relative_to(GETTEXT).with_suffix("").as_posix()
        with pot.open("rb") as f:
            for message in read_po(f):
                if message.id:
                    yield page, message.id


def test_catalogs_hold_todays_english_prose():
    if not GETTEXT.is_dir():
        pytest.fail("no _build/gettext: `make test-book` extracts it (tools/build_zh.py gettext)")
    catalogs, stale = {}, []
    for page, msgid in _pot_messages():
        if page not in catalogs:
            path = zh_catalog.CATALOGS / f"{page}.po"
            with path.open("rb") as f:
                catalogs[page] = read_po(f)
        message = catalogs[page].get(msgid)
        if page in zh_catalog.BY_DESIGN or (message is not None and zh_catalog._by_design(page, message)):
            continue
        if message is None or not message.string or message.fuzzy:
            stale.append(f"{page}: {msgid[:80]}")
    assert stale == [], (f"{len(stale)} messages of the English prose are not translated "
                         "(run `make translations`, then translate them):\n" + "\n".join(stale[:20]))


def _switch_href(page: Path) -> str:
    match = re.search(r'<a class="btn btn-sm language-switch" href="([^"]+)"', page.read_text(encoding="utf-8"))
    assert match, f"{page}: no language switch"
    return match.group(1)


@pytest.mark.parametrize("edition", ["", "zh_CN"])
def test_language_switch_leads_to_the_twin(edition):
    for name in _pages():
        page = HTML / edition / name
        href = _switch_href(page)
        assert not href.startswith(("/", "http")), f"{page}: the switch must be relative: {href}"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(f"{edition}/{name}".lstrip("/")), href))
        twin = f"zh_CN/{name}" if edition == "" else name
        assert target == twin, f"{edition or 'en'}/{name}: the switch leads to {target}"
        assert (HTML / target).is_file()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_language_switch_clicked_on_a_phone(server, browser):  # noqa: F811
    page, errors = _open(browser, f"{server}/chapters/02_binary_cross_entropy.html", viewport=PHONE)
    # in the header's row of buttons (not wrapped above it, half off the screen)
    box = page.locator("a.language-switch:visible").first.bounding_box()
    buttons = page.locator(".article-header-buttons").first.bounding_box()
    assert box["y"] >= 0 and abs((box["y"] + box["height"] / 2) - (buttons["y"] + buttons["height"] / 2)) < 8
    page.locator("a.language-switch:visible").first.click()
    page.wait_for_url("**/zh_CN/chapters/02_binary_cross_entropy.html")
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    page.locator("a.language-switch:visible").first.click()
    page.wait_for_url(re.compile(r".*/chapters/02_binary_cross_entropy\.html$"))
    assert "/zh_CN/" not in page.url
    page.close()
    assert errors == [], errors


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("query, chapter", [
    ("交叉熵", "01_information_theory"),
    ("对数几率", "02_binary_cross_entropy"),
    ("焦点损失", "07_class_imbalance"),
])
def test_chinese_search_finds_the_chapter_that_teaches_it(query, chapter, server, browser):  # noqa: F811
    page, errors = _open(browser, f"{server}/zh_CN/chapters/01_information_theory.html", viewport=PHONE)
    page.locator(".search-button:visible").first.click()
    field = page.locator("#pst-search-dialog input[name=q]")
    field.fill(query)
    field.press("Enter")
    page.wait_for_url("**/zh_CN/search.html?q=*")
    page.wait_for_selector("#search-results li", timeout=30_000)
    links = page.evaluate("() => [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    page.close()
    assert any(f"chapters/{chapter}.html" in link for link in links), links
    assert errors == [], errors


def test_the_sidebar_captions_are_translated():
    """The captions of _toc.yml ("Chapters", "Appendix") in the Chinese sidebar."""
    for name in ["intro.html", "chapters/02_binary_cross_entropy.html"]:
        captions = re.findall(r'caption-text">([^<]*)<', (ZH / name).read_text(encoding="utf-8"))
        assert captions and all(CJK.search(c) for c in captions), (name, captions)


def test_the_interface_speaks_chinese():
    """The themes' and the site's own strings (locale/zh_CN/LC_MESSAGES/sphinx.po,
    booktheme.po, _ext/zh_edition.py, _ext/site_fixes.py) on a Chinese chapter."""
    page = (ZH / "chapters" / "02_binary_cross_entropy.html").read_text(encoding="utf-8")
    for english in ["Suggest edit", "Open issue", "Color mode", "Search this book",
                    "Click to show", "student notebook", "Chapters", "Appendix"]:
        assert english not in page, english
    for chinese in ["提出修改", "提交问题", "搜索本书", "点击显示", "学生版笔记本"]:
        assert chinese in page, chinese
