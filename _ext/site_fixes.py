"""Small fixes to the HTML that Jupyter Book 1 produces, for every reader: on a phone, in
dark mode, on a slow network, with a screen reader, on paper. The browser test in
tests/site checks each of them.

* Colour mode: "auto", which follows the reader's system preference (readers can still
  switch); pydata-sphinx-theme logs an error when ``default_mode`` is empty, which is what
  Jupyter Book leaves. The template resolves it before the first paint.
* Theme template (``_ext/templates/layout.html``): no fontawesome.js, one viewport tag,
  the search scripts only on the search page.
* Static files (``_ext/static/``): ``site.js`` makes the visible sidebar buttons work
  (pydata-sphinx-theme issue #2451) and gives inline equations wider than their line a
  scroll box; ``site.css`` lets math scroll in its own box and holds the print stylesheet.
* Metadata: a meta description per page (its front matter's ``description``, else its
  first paragraph of prose without math, else what it is part of), Open Graph and
  Twitter card tags, and the docutils viewport tag dropped (Sphinx writes one). The
  template keeps the front page's ``<title>`` from repeating the book's title.
* Figure alt texts: a notebook figure without one (``mystnb: image: alt:`` in the cell's
  metadata) is described from its code: its title and axis labels, not its file name.
  Every image is loaded lazily (``loading="lazy"``), when the reader scrolls near it.
* Download menu: the ".pdf" item (the browser's print dialog) is replaced by the printed
  book and its student edition (``make pdf`` builds them and copies them to
  ``_build/html/pdf/``; ``make book`` does so where TeX is installed); each chapter
  offers its student notebook (``tools/make_student.py``: no solutions, no outputs),
  written to ``_build/html/student/`` when the book is built.
* Icon fonts: the theme's Font Awesome fonts (274 kB) are subset to the icons the site
  uses, at the end of the build; ``site.css`` points the same font faces at the subsets.
* Duplicate inline scripts: sphinx-thebe registers its configuration script twice,
  and the second ``const THEBE_JS_URL`` declaration is a JavaScript error; identical
  scripts are kept once. The ``<head>`` scripts that wait for the document anyway
  (``DEFERRED_SCRIPTS``) are deferred, so they no longer block the first paint.
* A favicon (``_ext/favicon.png``), so browsers do not request a missing
  ``/favicon.ico``.
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

from docutils import nodes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STUDENT_DIR = "student"  # under the HTML output
PDF_DIR = "pdf"  # under the HTML output: where tools/build_pdf.py copies the PDFs
PDFS = [("book.pdf", "book (PDF)", "The whole book, printable (make pdf)"),
        ("book-student.pdf", "exercises (PDF)", "The book without the solutions, for exercise sheets")]
DESCRIPTION_CHARS = 160
# the download menu's strings in the Chinese edition (_ext/zh_edition.py), whose PDFs are
# the English edition's, one folder up
ZH_STRINGS = {
    "book (PDF)": "全书（PDF，英文）",
    "The whole book, printable (make pdf)": "全书，可打印（make pdf）",
    "exercises (PDF)": "练习（PDF，英文）",
    "The book without the solutions, for exercise sheets": "不含解答的全书，用作练习册",
    ".ipynb with solutions": "含解答的 .ipynb",
    "student notebook": "学生版笔记本",
    "Download the exercises without solutions (.ipynb)": "下载不含解答的练习（.ipynb）",
}
CHAPTER = re.compile(r"^chapters/(\d\d_[A-Za-z0-9_]+)$")


def _config_inited(app, config):
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")  # how pydata-sphinx-theme reads it
    config.html_context = context
    if not config.html_favicon:
        config.html_favicon = str(HERE / "favicon.png")
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


# --- metadata ------------------------------------------------------------------------


def _prose(node) -> str:
    """The text of a paragraph without its math (raw TeX says nothing in a description)."""
    parts = []
    for text in node.findall(nodes.Text):
        if not any(isinstance(a, nodes.math) or a.tagname == "math"
                   for a in _ancestors(text, node)):
            parts.append(text.astext())
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _ancestors(node, stop):
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent


def _description(context, doctree) -> str:
    meta = context.get("meta") or {}
    text = meta.get("description") or ""
    if not text and doctree is not None:
        for paragraph in doctree.findall(nodes.paragraph):
            if paragraph.next_node(nodes.math) is not None:
                continue  # a sentence with a hole where its formula was says little
            if any(isinstance(a, (nodes.admonition, nodes.Admonition, nodes.field_list,
                                  nodes.table, nodes.footnote, nodes.citation))
                   for a in _ancestors(paragraph, None)):
                continue
            if len(_prose(paragraph)) >= 40:
                text = _prose(paragraph)
                break
    text = re.sub(r"\s+", " ", text).strip()
    if not text:  # a page of formulas and tables: say what it is part of
        title = re.sub(r"<[^>]+>", "", context.get("title") or "").strip()
        text = (f"{title}: part of {context.get('docstitle')}, an open textbook on "
                "cross-entropy loss in which every chapter is a notebook you can run.")
    if len(text) > DESCRIPTION_CHARS:
        text = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _page_context(app, pagename, templatename, context, doctree):
    _dedupe_scripts(context, defer=pagename != "search")
    metatags = context.get("metatags", "")
    # docutils' own viewport tag; Sphinx's layout writes one already
    metatags = re.sub(r'<meta name="viewport"[^>]*>\s*', "", metatags)
    docstitle = context.get("docstitle") or app.config.html_title or app.config.project
    title = re.sub(r"<[^>]+>", "", context.get("title") or "").strip()
    description = _description(context, doctree)
    tags = []
    if description:
        tags.append(("name", "description", description))
    tags += [("property", "og:title", title or docstitle),
             ("property", "og:type", "website" if pagename == app.config.root_doc else "article"),
             ("property", "og:site_name", docstitle)]
    if description:
        tags.append(("property", "og:description", description))
    baseurl = (app.config.html_baseurl or "").rstrip("/")
    if baseurl:
        tags.append(("property", "og:url", f"{baseurl}/{pagename}.html"))
    tags.append(("name", "twitter:card", "summary"))
    metatags += "".join(f'\n    <meta {k}="{v}" content="{html.escape(c, quote=True)}" />'
                        for k, v, c in tags)
    context["metatags"] = metatags
    _download_menu(app, pagename, context)


# scripts in the <head> that wait for the page anyway (they run their work when the
# document is ready, and no inline script uses them): deferred, so they do not block the
# first paint. documentation_options.js stays: inline scripts after it use it. Not on
# the search page, whose searchtools.js needs doctools.js as it loads. translations.js
# (the Chinese edition's interface strings) calls doctools.js's Documentation, so it is
# deferred too: deferred scripts run in the order of the page.
DEFERRED_SCRIPTS = ("doctools.js", "sphinx_highlight.js", "translations.js", "clipboard.min.js",
                    "copybutton.js", "scripts/sphinx-book-theme.js", "togglebutton.js", "design-tabs.js")


def _dedupe_scripts(context, defer=True):
    scripts = context.get("script_files")
    if not scripts:
        return
    render = context.get("js_tag", str)
    seen, unique = set(), []
    for script in scripts:
        key = render(script)  # the <script> tag as it will be written
        if key not in seen:
            seen.add(key)
            unique.append(_deferred(script) if defer else script)
    scripts[:] = unique


def _deferred(script):
    filename = str(getattr(script, "filename", script) or "")
    attributes = dict(getattr(script, "attributes", None) or {})
    name = filename.split("?")[0].removeprefix("_static/")  # Sphinx prefixes _static/
    if (name not in DEFERRED_SCRIPTS or "://" in filename
            or attributes.get("async") or attributes.get("defer") or "body" in attributes):
        return script
    from sphinx.builders.html._assets import _JavaScript

    attributes["defer"] = "defer"
    return _JavaScript(filename, priority=script.priority, **attributes)


# --- the download menu and the student notebooks -------------------------------------


def _download_menu(app, pagename, context):
    chinese = (app.config.language or "en").startswith("zh")

    def tr(text):
        return ZH_STRINGS.get(text, text) if chinese else text

    for group in context.get("header_buttons") or []:
        if group.get("label") != "download-buttons":
            continue
        buttons = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        # the printed book (make pdf copies both editions to _build/html/pdf/)
        for name, text, tooltip in PDFS:
            buttons.append({
                "type": "link",
                "url": ("../" if chinese else "") + context["pathto"](f"{PDF_DIR}/{name}", 1),
                "text": tr(text),
                "tooltip": tr(tooltip),
                "icon": "fas fa-file-pdf",
                "label": f"download-{name.replace('.', '-')}-button",
            })
        chapter = CHAPTER.match(pagename)
        if chapter and (ROOT / "chapters" / f"{chapter.group(1)}.ipynb").is_file():
            for button in buttons:
                if button.get("text") == ".ipynb":
                    button["text"] = tr(".ipynb with solutions")
            buttons.insert(0, {
                "type": "link",
                "url": context["pathto"](f"{STUDENT_DIR}/{chapter.group(1)}.ipynb", 1),
                "text": tr("student notebook"),
                "tooltip": tr("Download the exercises without solutions (.ipynb)"),
                "icon": "fas fa-pencil",
                "label": "download-student-button",
            })
        group["buttons"][:] = buttons


def _write_student_notebooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    script = ROOT / "tools" / "make_student.py"
    spec = importlib.util.spec_from_file_location("make_student", script)
    make_student = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_student)
    import nbformat

    outdir = Path(app.outdir) / STUDENT_DIR
    outdir.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = make_student.student_version(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        nbformat.write(nb, outdir / path.name)


# --- icon fonts ----------------------------------------------------------------------

# the Font Awesome fonts of pydata-sphinx-theme (274 kB of woff2 for every page), and the
# @font-face each is in its stylesheet; site.css declares the same faces again, later,
# with the subsets written here, so the browser fetches only those
ICON_FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
ICON_SUBSET_DIR = "_static/icon-fonts"


def _subset_icon_fonts(app, exception):
    """Subset the icon fonts to the icons the site uses (a few kB instead of 274 kB)."""
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset  # a dependency of matplotlib, in the lock
    from fontTools.ttLib import TTFont

    out = Path(app.outdir)
    static = out / "_static"
    used = set()
    for page in [*out.rglob("*.html"), *(static / "scripts").glob("*-theme.js")]:
        used.update(re.findall(r"\bfa-[a-z0-9-]+", page.read_text(encoding="utf-8")))
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    codepoints = set()
    for rule in re.finditer(r"([^{}]+)\{content:\"\\(f[0-9a-f]{3,4})\"\}", css):
        if set(re.findall(r"\.(fa-[a-z0-9-]+):+before", rule.group(1))) & used:
            codepoints.add(int(rule.group(2), 16))
    # icons that stylesheets draw themselves (admonitions, dropdown arrows): private-use
    # characters written out, or escaped outside the theme's table of .fa-* classes
    for sheet in static.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        codepoints.update(ord(c) for c in re.findall("[\ue000-\uf8ff]", text))
        if sheet.name != "pydata-sphinx-theme.css":
            codepoints.update(int(h, 16) for h in re.findall(r"\"\\(f[0-9a-f]{3,4})\"", text))
    target = out / ICON_SUBSET_DIR
    target.mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.flavor = "woff"  # zlib: woff2 would need brotli, which the lock does not have
    for stem in ICON_FONTS:
        font = TTFont(static / "vendor" / "fontawesome" / "webfonts" / f"{stem}.ttf")
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        font.flavor = "woff"
        font.save(target / f"{stem}.woff")


# --- figure alt texts ----------------------------------------------------------------

_CALL = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""


def _strings(call: str, source: str) -> list[list[str]]:
    """The leading string arguments of every ``call(...)`` in ``source``."""
    found = []
    for match in re.finditer(rf"\b{call}\(\s*", source):
        args, rest = [], source[match.end():]
        while True:
            arg = re.match(rf"(?:[rf]?){_CALL}\s*,?\s*", rest)
            if not arg:
                break
            args.append(arg.group(1) if arg.group(1) is not None else arg.group(2))
            rest = rest[arg.end():]
        if args:
            found.append(args)
    return found


def _plain(label: str) -> str:
    """A matplotlib label for a screen reader: mathtext reduced to its letters."""
    label = re.sub(r"\$([^$]*)\$", lambda m: re.sub(r"\\(?:math[a-z]+|operatorname)|[\\{}]",
                                                     "", m.group(1)).replace("_", " "), label)
    label = re.sub(r"\{[^{}]*\}", "…", label)  # an f-string's placeholder
    return re.sub(r"\s+", " ", label).strip()


def _figure_alt(source: str) -> str:
    titles = [t[0] for t in _strings(r"(?:set_title|suptitle|title)", source)]
    xlabels = [t[0] for t in _strings(r"set_xlabel", source)]
    ylabels = [t[0] for t in _strings(r"set_ylabel", source)]
    for args in _strings(r"new_axes", source):  # xentlib.plotting.new_axes(xlabel, ylabel)
        xlabels.append(args[0])
        if len(args) > 1:
            ylabels.append(args[1])
    if not (titles or xlabels or ylabels):
        return ""
    text = "Figure"
    if titles:
        text += ": " + "; ".join(_plain(t) for t in dict.fromkeys(titles))
    axes = []
    if xlabels:
        axes.append("horizontal axis " + ", ".join(_plain(x) for x in dict.fromkeys(xlabels)))
    if ylabels:
        axes.append("vertical axis " + ", ".join(_plain(y) for y in dict.fromkeys(ylabels)))
    if axes:
        text += " (" + "; ".join(axes) + ")"
    return text + "."


def _alt_texts(app, doctree, docname):
    for image in doctree.findall(nodes.image):
        # loaded when the reader scrolls near it: a chapter's figures (150-400 kB) no
        # longer compete with the text and the math for a phone's first seconds
        image.setdefault("loading", "lazy")
        if image.get("alt"):
            continue
        cell = image.parent
        while cell is not None and "cell" not in (cell.get("classes") or []):
            cell = cell.parent
        if cell is None:
            continue
        source = "\n".join(block.astext() for block in cell.findall(nodes.literal_block)
                           if "cell_input" in (block.parent.get("classes") or []))
        alt = _figure_alt(source)
        if alt:
            image["alt"] = alt


def setup(app):
    app.connect("config-inited", _config_inited)
    app.add_css_file("site.css")
    app.add_js_file("site.js", loading_method="defer")
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("doctree-resolved", _alt_texts)
    app.connect("build-finished", _write_student_notebooks)
    app.connect("build-finished", _subset_icon_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
