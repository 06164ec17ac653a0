"""Serve MathJax 3 from the book itself instead of a CDN.

The MathJax files come from the PyPI package ``django-static-mathjax`` (pinned in
requirements.txt; it has no dependencies). This extension points Sphinx's
``mathjax_path`` at ``_static/mathjax/tex-mml-chtml.js`` and copies MathJax's ``es5``
build there when the HTML is written, so the book renders its equations offline and
the browser test does not depend on the network.
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
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise RuntimeError(f"MathJax's tex-mml-chtml.js not found under {es5}")
    return es5


def _copy(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copytree(_es5_dir(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    _es5_dir()  # fail early, with a clear message, if the package is missing
    app.config.mathjax_path = "mathjax/tex-mml-chtml.js"
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
