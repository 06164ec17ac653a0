"""The Chinese edition's catalogs (locale/zh_CN): complete, and their markup intact.

tools/zh_catalog.py is the one tool that writes translations; these tests fail when a
message is untranslated or fuzzy (outside what stays English by design: the API
reference and the glossary's term names), or when a translation lost a piece of markup
the build needs. That the catalogs hold *today's* English prose is checked against the
built book (tests/site/test_zh.py), where the prose has just been extracted.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("zh_catalog", ROOT / "tools" / "zh_catalog.py")
zh_catalog = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zh_catalog)

PAGES = zh_catalog.pages()


def test_every_page_of_the_book_has_a_catalog():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = [line.split("file:", 1)[1].strip() for line in toc.splitlines() if "file:" in line]
    files.append(toc.split("root:", 1)[1].split()[0])
    assert sorted(files) == sorted(PAGES)


@pytest.mark.parametrize("page", zh_catalog.catalogs())
def test_every_message_is_translated(page):
    counts = zh_catalog.counts(page)
    assert counts.get("untranslated", 0) == 0 and counts.get("fuzzy", 0) == 0, counts


def test_every_translation_keeps_its_markup(capsys):
    assert zh_catalog.check() == 0, capsys.readouterr().out


@pytest.mark.parametrize("msgstr, lost", [
    # what the check must refuse (a hand-made translation of the message below)
    ("由 $H(P,U) = \\log C$ 可知，见 {ref}`练习 <ch1-ex-max-entropy>`、"
     "{term}`交叉熵 <cross-entropy>` 与 `xl.entropy`。", "math"),
    ("由 $H(P, U) = \\log C$ 可知，见 {ref}`练习 <ch1-ex-max>`、{term}`交叉熵 <cross-entropy>` 与 `xl.entropy`。",
     "role ref"),
    ("由 $H(P, U) = \\log C$ 可知，见 {ref}`练习 <ch1-ex-max-entropy>`、{term}`交叉熵` 与 `xl.entropy`。",
     "role term"),
    ("由 $H(P, U) = \\log C$ 可知，见 {ref}`练习 <ch1-ex-max-entropy>`、{term}`交叉熵 <cross-entropy>` 与 xl.entropy。",
     "code"),
])
def test_the_markup_check_catches_what_breaks_the_build(msgstr, lost):
    msgid = ("From $H(P, U) = \\log C$, see {ref}`the exercise <ch1-ex-max-entropy>`, "
             "{term}`cross-entropy` and `xl.entropy`.")
    good = ("由 $H(P, U) = \\log C$ 可知，见 {ref}`练习 <ch1-ex-max-entropy>`、"
            "{term}`交叉熵 <cross-entropy>` 与 `xl.entropy`。")
    assert zh_catalog.problems(msgid, good) == []
    found = zh_catalog.problems(msgid, msgstr)
    assert any(p.startswith(f"lost '{lost}") for p in found), found


def test_the_glossary_gives_each_term_its_chinese():
    terms = zh_catalog.glossary()
    assert terms["cross-entropy"] == "交叉熵"
    assert terms["logit"] == "对数几率"
    assert terms["focal loss"] == "焦点损失"
    assert len(terms) >= 100


def test_the_markup_check_catches_an_emphasis_that_does_not_close():
    # CommonMark closes ** after punctuation only before a space or punctuation
    msgid = "**Technique 2 (the maximum's 1 left out)** is what prevents it."
    assert zh_catalog.problems(msgid, "**技术 2（把最大值的 1 留在外面）** 才是避免它的关键。") == []
    found = zh_catalog.problems(msgid, "**技术 2（把最大值的 1 留在外面）**才是避免它的关键。")
    assert any("emphasis" in p for p in found), found
