"""Serve MathJax 3 from the book itself instead of a CDN.

The MathJax files come from the PyPI package ``django-static-mathjax`` (pinned in
requirements.txt; it has no dependencies). This extension points Sphinx's
``mathjax_path`` at ``_static/mathjax/tex-chtml.js`` (TeX input only: the book writes no
MathML, and the MathML input would typeset the hidden MathML that MathJax adds for
screen readers a second time when every lazy equation is typeset) and copies MathJax's ``es5``
build there when the HTML is written, so the book renders its equations offline and
the browser test does not depend on the network.

It also loads MathJax's ``ui/lazy`` extension: an equation is typeset when it comes near
the screen (and every one before printing), not all of them at once when the page loads.
Typesetting a chapter's 100–200 equations at once was one long task of about a second on
a phone, the main cost in its Lighthouse performance score (``make lighthouse``). And
MathJax looks for TeX only in Sphinx's math elements (``ignoreHtmlClass`` on the page's
container, ``processHtmlClass`` "math"), not in every text node of a chapter.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path


def _es5_dir() -> Path:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("django-static-mathjax is not installed (see requirements.txt)")
    es5 = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").is_file():
        raise RuntimeError(f"MathJax's tex-chtml.js not found under {es5}")
    return es5


def _copy(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copytree(_es5_dir(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


# the first blocks of a page's text: at least a phone's and a desktop's first screen
TOP_OF_PAGE = "article.bd-article > section > :nth-child(-n+8)"


def _lazy(app, config):
    mathjax = dict(config.mathjax3_config or {})
    loader = dict(mathjax.get("loader") or {})
    load = list(loader.get("load") or [])
    if "ui/lazy" not in load:
        load.append("ui/lazy")
    loader["load"] = load
    mathjax["loader"] = loader
    # look for TeX only inside Sphinx's math elements (class "math"; myst-parser adds it
    # to processHtmlClass), not in the text of a whole chapter's code and outputs
    options = dict(mathjax.get("options") or {})
    options.setdefault("ignoreHtmlClass", "tex2jax_ignore|mathjax_ignore|bd-container")
    # the top of a page is typeset at once, before it is first painted, so that its
    # lines do not move when their equations appear (Lighthouse measured a layout shift
    # of up to 0.29 on a phone with every equation lazy)
    options.setdefault("lazyAlwaysTypeset", TOP_OF_PAGE)
    mathjax["options"] = options
    config.mathjax3_config = mathjax


def setup(app):
    app.connect("config-inited", _lazy)
    _es5_dir()  # fail early, with a clear message, if the package is missing
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
