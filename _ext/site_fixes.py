"""Small fixes to the HTML that Jupyter Book 1 produces, so that the site loads with a
clean browser console (the browser test in tests/site checks it).

* The theme's colour mode: pydata-sphinx-theme logs an error when the
  ``default_mode`` of its HTML context is empty, which is what Jupyter Book leaves; the
  book is light by default (readers can still switch).
* Duplicate inline scripts: sphinx-thebe registers its configuration script twice,
  and the second ``const THEBE_JS_URL`` declaration is a JavaScript error; identical
  scripts are kept once.
* A favicon (``_ext/favicon.png``), so browsers do not request a missing
  ``/favicon.ico``.
"""

from __future__ import annotations

from pathlib import Path


def _config_inited(app, config):
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")  # how pydata-sphinx-theme reads it
    config.html_context = context
    if not config.html_favicon:
        config.html_favicon = str(Path(__file__).with_name("favicon.png"))


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    render = context.get("js_tag", str)
    seen, unique = set(), []
    for script in scripts:
        key = render(script)  # the <script> tag as it will be written
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
