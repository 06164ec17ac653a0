"""The two editions, English and Chinese (中文版), side by side (tools/build_zh.py).

Loaded by both builds; what it does depends on the build's ``language``:

- **Exercise titles are translatable.** sphinx-exercise builds an exercise's title (its
  subtitle, e.g. "A loaded die") without a source line, and Sphinx's gettext skips any
  text without one; a transform that runs before Sphinx's own i18n transform gives the
  subtitle its exercise's source line, so it is translated like the prose, and for the
  gettext builder a post-transform keeps it extractable.
- **Links to headings** (``page.ipynb#slug``) keep working when the headings are
  translated (the source's slugs are kept: SaveHeadingSlugs).
- **The sidebar's captions** from _toc.yml are translated (TranslateTocCaptions).
- **A language switch** on every page (``language_switch`` in the template context,
  drawn by templates/language-switch.html in the article header): a relative link to the
  same page of the other edition, so it works from a local build too. The English edition
  is the root of _build/html, the Chinese one is _build/html/zh_CN.
- **Chinese search:** Sphinx's Chinese search segments words with jieba; its dictionary
  is given the glossary's Chinese terms (tools/zh_catalog.py reads them: one term list for
  the translation and the search), so 对数几率 or 焦点损失 are indexed as words.
- The interface strings Sphinx's and the themes' catalogs do not cover: the toggle
  buttons' hints here, the themes' strings in locale/zh_CN/LC_MESSAGES/sphinx.po and
  booktheme.po (tools/zh_catalog.py's INTERFACE).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = Path(__file__).resolve().parents[1]
# each edition: its name, the switch's short label (a phone's header has room for two
# characters), its folder under _build/html
EDITIONS = {"en": ("English", "EN", ""), "zh_CN": ("中文", "中文", "zh_CN")}


class ExerciseTitleSource(SphinxTransform):
    """Give exercise subtitles a source line and a raw source, so that gettext extracts them."""

    default_priority = 15  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        from sphinx_exercise.nodes import exercise_subtitle

        for node in self.document.findall(exercise_subtitle):
            if node.source and node.rawsource:
                continue
            node.rawsource = node.rawsource or node.astext()  # the titles are plain text
            parent = node.parent
            while parent is not None and not parent.source:
                parent = parent.parent
            node.source = parent.source if parent is not None else self.document["source"]
            node.line = parent.line if parent is not None else 0


class SaveHeadingSlugs(SphinxTransform):
    """Links to a heading of another page (``page.ipynb#slug``) resolve through the slugs
    MyST records for each page; Sphinx's i18n transform parses each translated heading as
    a small document of its own, and MyST then replaces the page's record with that small
    document's single slug (MyST-Parser #844). The source's slugs are kept here, just
    before the translation, and put back just after it (RestoreHeadingSlugs): the
    English slugs stay the anchors of both editions."""

    default_priority = 19  # just before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        slugs = self.env.metadata.get(self.env.docname, {}).get("myst_slugs")
        if slugs is not None:
            self.document.source_heading_slugs = dict(slugs)


class RestoreHeadingSlugs(SphinxTransform):
    default_priority = 21  # just after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        slugs = getattr(self.document, "source_heading_slugs", None)
        if slugs is not None:
            self.env.metadata[self.env.docname]["myst_slugs"] = slugs
            del self.document.source_heading_slugs


class TranslateTocCaptions(SphinxTransform):
    """The sidebar's captions ("Chapters", "Appendix") come from _toc.yml: the toctrees
    that carry them are inserted (sphinx-external-toc, priority 100) after Sphinx's own
    translation (priority 20). Their messages are extracted like any toctree caption;
    here they are translated from the page's catalog, as Sphinx would have done."""

    default_priority = 101  # just after sphinx_external_toc's InsertToctrees

    def apply(self, **kwargs):
        if not self.config.language or self.config.language == "en":
            return
        from sphinx import addnodes
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [str(Path(self.env.srcdir, d)) for d in self.config.locale_dirs]
        catalog, found = init_locale(dirs, self.config.language, domain)
        if not found:
            return
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption and catalog.gettext(caption) != caption:
                toctree["caption"] = toctree["rawcaption"] = catalog.gettext(caption)


class ExerciseTitleMessages(SphinxPostTransform):
    """For the gettext builder only: keep each exercise subtitle extractable after
    sphinx-exercise dissolves it into the exercise's title (its priority-20 post-transform)."""

    default_priority = 19
    builders = ("gettext",)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import exercise_subtitle

        for node in self.document.findall(exercise_subtitle):
            text = node.rawsource or node.astext()
            inline = nodes.inline(text, text, translatable=True)
            inline.source, inline.line = node.source, node.line
            inline.uid = ""  # what Sphinx's gettext builder does for toctree captions
            node.children = []
            node += inline


def _language(app) -> str:
    return "zh_CN" if (app.config.language or "en").startswith("zh") else "en"


def _page_context(app, pagename, templatename, context, doctree):
    here = _language(app)
    there = "en" if here == "zh_CN" else "zh_CN"
    depth = pagename.count("/")
    up = "../" * depth + ("../" if here == "zh_CN" else "")
    name, label, folder = EDITIONS[there]
    href = up + (folder + "/" if folder else "") + pagename + ".html"
    context["language_switch"] = {
        "href": href,
        "label": label,
        "name": name,
        "hreflang": "zh-CN" if there == "zh_CN" else "en",
    }


def _search_dictionary(app) -> str:
    """A jieba user dictionary of the glossary's Chinese terms (each split at its
    parentheses and enumeration commas), written under the build's doctree folder."""
    spec = importlib.util.spec_from_file_location("zh_catalog", ROOT / "tools" / "zh_catalog.py")
    catalog = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalog)
    words = []
    for chinese in catalog.glossary().values():
        for word in re.split(r"[（）()、，,；;/ ]+", chinese):
            if re.search(r"[\u4e00-\u9fff]", word) and word not in words:
                words.append(word)
    path = Path(app.doctreedir) / "zh-search-terms.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    # jieba's format: word, frequency, (part of speech); a high frequency keeps a term whole
    path.write_text("".join(f"{w} 100000 n\n" for w in words), encoding="utf-8")
    return str(path)


def _config_inited(app, config):
    options = dict(config.html_theme_options or {})
    end = options.get("article_header_end") or ["article-header-buttons.html"]
    if isinstance(end, str):
        end = [s.strip() for s in end.split(",") if s.strip()]
    if "language-switch.html" not in end:
        options["article_header_end"] = ["language-switch.html", *end]
    config.html_theme_options = options
    if _language(app) == "zh_CN":  # interface strings that Sphinx's catalogs do not cover
        config.html_search_language = "zh"
        config.html_search_options = {**(config.html_search_options or {}),
                                      "dict": _search_dictionary(app)}
        options["search_bar_text"] = "搜索本书……"
        config.togglebutton_hint = "点击显示"
        config.togglebutton_hint_hide = "点击隐藏"


def _interface_catalog(app):
    """sphinx-book-theme's strings its own zh_CN catalog lacks ("Suggest edit", …): a
    second "booktheme" catalog beside the pages' (Sphinx merges catalogs of one name).
    Compiled here, since Sphinx compiles the catalogs of locale_dirs only after the
    extensions are set up."""
    po = ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "booktheme.po"
    mo = po.with_suffix(".mo")
    if po.is_file() and (not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
    app.add_message_catalog("booktheme", str(ROOT / "locale"))


def setup(app):
    _interface_catalog(app)
    app.add_transform(ExerciseTitleSource)
    app.add_transform(SaveHeadingSlugs)
    app.add_transform(RestoreHeadingSlugs)
    app.add_transform(TranslateTocCaptions)
    app.add_post_transform(ExerciseTitleMessages)
    # before sphinx-togglebutton's config-inited (it writes its hints into a script then)
    app.connect("config-inited", _config_inited, priority=400)
    # before pydata-sphinx-theme drops the header templates that render empty
    app.connect("html-page-context", _page_context, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
