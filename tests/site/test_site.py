"""The built book, tested in a real browser (Debian's chromium, driven by Playwright).

Run by `make test-site` (part of `make test`) after the strict book build. It serves
_build/html on localhost and tries the site as a new reader would, on a desktop
(1280 x 900, light system) and on a phone (390 x 844, dark system):

* every page of both editions (English, and Chinese in zh_CN/; test_zh.py checks what
  is particular to the Chinese one): no console errors, every equation typeset without a math error, no raw
  TeX in the text outside code and math, every image loaded with an alt text that says
  what it shows (not a file name), one viewport tag, a meta description and Open Graph
  tags, a <title> that does not repeat itself, the colour mode that follows the system;
* on the phone: no page scrolls sideways and no equation is cut off (a wide display
  equation scrolls inside its own box); no inline equation is wider than its column
  (a long one is display math, or split into shorter inline pieces); a full-page
  dark-mode screenshot of every page goes to
  _build/screenshots/phone-dark/ (desktop, light: _build/screenshots/) for review;
* the navigation, clicked: the ☰ and contents buttons open their drawers on a phone,
  the ☰ hides and shows the sidebar on a desktop;
* paper: no interface text, code lines wrap;
* the buttons: edit this page, open an issue, the student notebook (no solutions);
* weight: no fontawesome.js, no search index outside the search page, a page budget;
  MathJax typesets lazily (an equation when the reader scrolls near it).

Skipped, with a message saying so, where chromium is not installed; .ci/run installs
it (apt-get install chromium), so CI always runs it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
REPOSITORY = re.search(r"^repository:\s*\n\s+url:\s*(\S+)",
                       (ROOT / "_config.yml").read_text(encoding="utf-8"), re.M).group(1)
# what a page may weigh, every file it loads gzipped as a static host serves it
# (before the fixes of _ext/site_fixes.py: 1.32 MB for the front page, 1.55-1.58 MB for
# chapters; after: 0.48 and 0.76-0.78 MB)
PAGE_BUDGET = 1_000_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium); the browser test is skipped",
)


def _pages():
    """The English edition's pages (tests/site/test_zh.py checks their Chinese twins)."""
    if not HTML.is_dir():
        return []
    pages = ["intro.html"] + sorted(
        str(p.relative_to(HTML)) for p in (HTML / "chapters").glob("*.html"))
    return pages


# the page-by-page checks run on both editions: English at the root, Chinese in zh_CN/
BOTH_EDITIONS = _pages() + [f"zh_CN/{p}" for p in _pages() if (HTML / "zh_CN" / p).is_file()]


CHAPTERS = [p for p in _pages() if Path(p).name[:2].isdigit()]


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").is_file():
        pytest.fail("no built book in _build/html: run `make test-book` (or `make book`) first")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _open(browser, url, viewport=DESKTOP, scheme="light", requests=None):
    page = browser.new_page(viewport=viewport, color_scheme=scheme)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    if requests is not None:
        page.on("requestfinished", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    return page, errors


def _typeset(page):
    """Wait for MathJax and site.js's check of wide inline math; pages without math do
    not load MathJax at all. MathJax typesets lazily (an equation when it nears the
    screen), so every equation is typeset here first, as before printing, and checked."""
    if page.evaluate("() => document.querySelectorAll('.math').length") == 0:
        return
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    page.wait_for_function("() => document.documentElement.dataset.mathFitted === 'true'",
                           timeout=10_000)
    page.evaluate("() => MathJax.startup.document.lazyTypesetAll()")


def test_math_is_typeset_lazily(server, browser):
    """A chapter loads MathJax's lazy typesetting: the first screen's equations are typeset
    at once, those far below wait until the reader scrolls near them (a phone's CPU is
    spared a second of typesetting when the page loads), and they are typeset, with no
    error, when the reader gets there."""
    page, errors = _open(browser, f"{server}/{CHAPTERS[0]}", viewport=PHONE)
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    waiting = page.evaluate("() => document.querySelectorAll('mjx-lazy').length")
    total = page.evaluate("() => document.querySelectorAll('.math').length")
    # the first screen is typeset at once (lazyAlwaysTypeset), so its lines do not move
    first_screen = page.evaluate(f"""() => [...document.querySelectorAll('.bd-article .math')]
        .filter(e => e.getBoundingClientRect().top < {PHONE["height"]})
        .map(e => e.querySelector('mjx-lazy') === null)""")
    last = "[...document.querySelectorAll('.bd-article .math')].pop()"
    assert page.evaluate(f"() => {last}.querySelector('mjx-lazy') !== null")
    page.evaluate(f"() => {last}.scrollIntoView()")
    page.wait_for_function(f"() => {last}.querySelector('mjx-lazy') === null"
                           f" && {last}.querySelector('mjx-math') !== null", timeout=30_000)
    math_errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
    page.close()
    assert 0 < waiting < total, (waiting, total)
    assert first_screen and all(first_screen), first_screen
    assert math_errors == 0
    assert errors == [], errors


def _scroll_through(page):
    """Scroll through the page so that lazily loaded images load."""
    page.evaluate("async () => { for (let y = 0; y < document.body.scrollHeight; y += 800) {"
                  " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 20)); } }")
    page.wait_for_load_state("networkidle")


def _shot(page, name, folder=SHOTS):
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / (name.replace("/", "_").replace(".html", ".png"))),
                    full_page=True)


# raw TeX in the text a reader sees: text nodes outside code, math and scripts
RAW_TEX = """() => {
  const commands = "frac|begin|end|left|right|sum|prod|mathrm|mathbb|operatorname|qquad|quad"
                   + "|log|exp|sigma|max|min";
  const tex = new RegExp("\\\\$\\\\$|\\\\\\\\(?:" + commands + ")(?![A-Za-z])|\\\\\\\\[A-Za-z]+\\\\{");
  const skip = "pre, code, kbd, samp, script, style, textarea, .math, mjx-container, .highlight";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const hits = [];
  for (let node; (node = walker.nextNode());) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (tex.test(node.textContent)) hits.push(node.textContent.trim().slice(0, 100));
  }
  return hits;
}"""

# on a phone: the page's width and every equation that leaves the screen without a
# scroll box of its own (one that fits the screen) to read it in
FIT = """() => {
  const W = document.documentElement.clientWidth;
  const scrollBox = el => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === "auto" || o === "scroll") return a;
    }
    return null;
  };
  const clipped = [];
  for (const m of document.querySelectorAll(".bd-article mjx-container")) {
    const r = m.getBoundingClientRect();
    if (r.width === 0 || (r.left >= -1 && r.right <= W + 1)) continue;
    const box = scrollBox(m);
    const b = box && box.getBoundingClientRect();
    if (!box || b.left < -1 || b.right > W + 1)
      clipped.push((m.getAttribute("display") ? "display: " : "inline: ") +
                   (m.querySelector("mjx-assistive-mml") || m).textContent.slice(0, 60));
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, clipped};
}"""

# on a phone: every inline equation wider than the column of text it sits in (MathJax
# does not break inline math, so a wider one could only be read by scrolling it)
WIDE_INLINE = """() => {
  const wide = [];
  for (const m of document.querySelectorAll(".bd-article mjx-container:not([display])")) {
    const math = m.querySelector("mjx-math");
    if (!math) continue;
    let block = m.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) continue;
    const s = getComputedStyle(block);
    const column = block.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    const width = math.getBoundingClientRect().width;
    if (width > column + 1)
      wide.push(`${Math.round(width)} px in ${Math.round(column)} px: ` +
                (m.querySelector("mjx-assistive-mml") || m).textContent.slice(0, 60));
  }
  return wide;
}"""

METADATA = """() => ({
  viewports: document.querySelectorAll('meta[name="viewport"]').length,
  description: (document.querySelector('meta[name="description"]') || {}).content || "",
  ogTitle: (document.querySelector('meta[property="og:title"]') || {}).content || "",
  ogDescription: (document.querySelector('meta[property="og:description"]') || {}).content || "",
  title: document.title,
  theme: document.documentElement.dataset.theme,
  mode: document.documentElement.dataset.mode,
  images: [...document.querySelectorAll(".bd-article img")].map(i => [i.getAttribute("src"), i.alt]),
})"""


def test_pages_exist():
    assert "intro.html" in _pages() and len(CHAPTERS) >= 7


@pytest.mark.parametrize("name", BOTH_EDITIONS)
def test_page(name, server, browser):
    """Desktop, light system: errors, math, raw TeX, images and their alt texts, metadata."""
    page, errors = _open(browser, f"{server}/{name}")
    _typeset(page)
    math = page.evaluate("() => document.querySelectorAll('.math').length")
    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('.math')].filter("
        "e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80))")
    math_errors = page.evaluate(
        "() => [...document.querySelectorAll('mjx-merror')].map(e => e.textContent)")
    raw_tex = page.evaluate(RAW_TEX)
    meta = page.evaluate(METADATA)
    _scroll_through(page)
    broken = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)")
    _shot(page, name)
    page.close()
    assert errors == [], errors
    assert untypeset == [], f"{len(untypeset)} of {math} equations not typeset: {untypeset[:3]}"
    assert math_errors == [], math_errors
    assert raw_tex == [], f"raw TeX on the page: {raw_tex[:5]}"
    assert broken == [], broken
    if Path(name).name[:2].isdigit():
        assert math > 0  # every chapter has equations, and they were all typeset
    # metadata
    assert meta["viewports"] == 1
    assert len(meta["description"]) >= 40, meta["description"]
    assert "\\" not in meta["description"] and "$" not in meta["description"]
    assert meta["ogTitle"] and meta["ogDescription"] == meta["description"]
    site = "Cross-Entropy, Executable"
    assert meta["title"].count(site) == 1, meta["title"]
    # the colour mode follows the system: "auto" by default, light on a light system
    assert (meta["mode"], meta["theme"]) == ("auto", "light")
    # every figure says what it shows, in a sentence, not with its file name
    for src, alt in meta["images"]:
        assert len(alt) >= 20 and alt.rstrip(".").count(" ") >= 3, (src, alt)
        assert not re.search(r"\.(png|jpe?g|svg|gif)\b|_images/", alt), (src, alt)


@pytest.mark.parametrize("name", BOTH_EDITIONS)
def test_page_on_a_phone_in_dark_mode(name, server, browser):
    """390 px, dark system: no sideways scrolling, no equation cut off, no inline
    equation wider than its column, dark theme."""
    page, errors = _open(browser, f"{server}/{name}", viewport=PHONE, scheme="dark")
    _typeset(page)
    fit = page.evaluate(FIT)
    wide = page.evaluate(WIDE_INLINE)
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    _scroll_through(page)
    _shot(page, name, SHOTS / "phone-dark")
    page.close()
    assert errors == [], errors
    assert theme == "dark"
    assert fit["scrollWidth"] <= fit["width"], f"the page scrolls sideways: {fit}"
    assert fit["clipped"] == [], f"equations cut off at {fit['width']} px: {fit['clipped']}"
    assert wide == [], f"inline equations wider than their column at 390 px: {wide}"


def test_sidebar_links_every_chapter(server, browser):
    page, _ = _open(browser, f"{server}/intro.html")
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('nav.bd-docs-nav a')].map(a => a.href)")
    page.close()
    for chapter in CHAPTERS:
        assert any(h.endswith(chapter) for h in hrefs), (chapter, hrefs)


def test_navigation_on_a_phone(server, browser):
    """☰ opens the site navigation as a drawer, and a chapter can be reached from it;
    the contents button opens the page's table of contents; Escape closes it."""
    first, second = CHAPTERS[0], CHAPTERS[1]
    page, errors = _open(browser, f"{server}/{first}", viewport=PHONE)
    assert not page.locator("#pst-primary-sidebar").is_visible()
    page.locator(".primary-toggle:visible").first.click()
    drawer = page.locator("#pst-primary-sidebar-modal")
    drawer.wait_for(state="visible", timeout=5_000)
    link = drawer.locator(f'nav.bd-docs-nav a[href$="{Path(second).name}"]')
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"**/{second}")
    page.locator(".secondary-toggle:visible").first.click()
    contents = page.locator("#pst-secondary-sidebar-modal")
    contents.wait_for(state="visible", timeout=5_000)
    assert contents.locator("nav a").count() >= 3
    page.keyboard.press("Escape")
    contents.wait_for(state="hidden", timeout=5_000)
    page.close()
    assert errors == [], errors


def test_navigation_on_a_desktop(server, browser):
    """☰ hides the sidebar and shows it again."""
    page, errors = _open(browser, f"{server}/{CHAPTERS[0]}")
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    toggle = page.locator(".primary-toggle:visible").first
    toggle.click()
    page.wait_for_function(
        "() => document.getElementById('pst-primary-sidebar').getBoundingClientRect().width < 2"
        " || getComputedStyle(document.getElementById('pst-primary-sidebar')).visibility"
        " === 'hidden'", timeout=5_000)
    toggle.click()
    sidebar.wait_for(state="visible", timeout=5_000)
    assert sidebar.bounding_box()["width"] > 100
    page.close()
    assert errors == [], errors


def test_search_finds_entropy(server, browser):
    """From a chapter (which loads no search index), the search dialog leads to the
    search page, which finds the chapters."""
    page, errors = _open(browser, f"{server}/{CHAPTERS[0]}", viewport=PHONE)
    page.locator(".search-button:visible").first.click()
    field = page.locator("#pst-search-dialog input[name=q]")
    field.fill("entropy")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=entropy*")
    page.wait_for_selector("#search-results li", timeout=30_000)
    hits = page.evaluate("() => document.querySelectorAll('#search-results li').length")
    text = page.inner_text("#search-results")
    page.close()
    assert hits >= 3 and "Information theory" in text
    assert errors == [], errors


def test_solution_dropdown_opens(server, browser):
    page, _ = _open(browser, f"{server}/chapters/01_information_theory.html")
    solution = page.locator(".solution.dropdown").first
    page.wait_for_selector(".solution.dropdown button.toggle-button")
    assert "toggle-hidden" in (solution.get_attribute("class") or "")
    body = solution.locator("section p").first
    assert not body.is_visible()
    solution.locator("button.toggle-button").click()
    page.wait_for_function(
        "() => !document.querySelector('.solution.dropdown').classList.contains('toggle-hidden')")
    assert body.is_visible()
    page.close()


def test_print(server, browser):
    """On paper: no buttons or "Click to hide", solutions open, code lines wrap."""
    page, _ = _open(browser, f"{server}/{CHAPTERS[0]}")
    page.wait_for_selector(".solution.dropdown button.toggle-button")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    shown = page.evaluate("""() => [...document.querySelectorAll(
        'button, .toggle-button, .header-article, .bd-sidebar-primary, .copybtn')]
        .filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))""")
    hints = page.evaluate("""() => [...document.querySelectorAll('*')].filter(e =>
        /Click to/.test(getComputedStyle(e, '::before').content) &&
        e.getClientRects().length > 0).length""")
    cut = page.evaluate("""() => [...document.querySelectorAll('pre')]
        .filter(p => p.getClientRects().length > 0 && p.scrollWidth > p.clientWidth + 1)
        .map(p => p.textContent.slice(0, 60))""")
    closed = page.evaluate(
        "() => document.querySelectorAll('.solution.dropdown.toggle-hidden').length")
    page.close()
    assert shown == [], shown
    assert hints == 0
    assert cut == [], cut
    assert closed == 0


def test_buttons(server, browser):
    """Edit this page and open an issue, from the repository of _config.yml; the
    download menu offers the student notebook, and no ".pdf" print item."""
    chapter = CHAPTERS[0]
    page, _ = _open(browser, f"{server}/{chapter}")
    hrefs = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    pdf = page.locator(".btn-download-pdf-button").count()
    student = page.locator("a.btn-download-student-button").get_attribute("href")
    notebook = page.request.get(f"{server}/chapters/{student}").json()
    page.close()
    stem = Path(chapter).stem
    assert f"{REPOSITORY}/edit/main/chapters/{stem}.ipynb" in hrefs
    assert any(h.startswith(f"{REPOSITORY}/issues/new") for h in hrefs)
    assert pdf == 0
    assert student.endswith(f"student/{stem}.ipynb")
    source = json.dumps(notebook)
    tags = [t for c in notebook["cells"] for t in c.get("metadata", {}).get("tags", [])]
    assert "solution" not in tags and "solution-start" not in source
    assert "Your solution here" in source
    assert all(not c.get("outputs") for c in notebook["cells"])


def test_weight(server, browser):
    """What a reader's phone downloads: no fontawesome.js, no search index outside the
    search page, the icon fonts subset, and every page within budget."""
    for name in ["intro.html", CHAPTERS[-1]]:
        urls = []
        page, _ = _open(browser, f"{server}/{name}", viewport=PHONE, requests=urls)
        _typeset(page)
        page.wait_for_load_state("networkidle")
        page.close()
        files = [HTML / unquote(urlparse(u).path).lstrip("/") for u in urls]
        total = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file())
        names = [f.name for f in files]
        assert "fontawesome.js" not in names and "searchindex.js" not in names, names
        # the icon fonts: the build's subsets, never the theme's full fonts
        assert not any("vendor/fontawesome" in u for u in urls), urls
        assert any("icon-fonts/fa-solid-900.woff" in u for u in urls), urls
        assert total < PAGE_BUDGET, (name, total)
