"""The Chinese edition (中文版): message catalogs and the zh_CN build.

Usage: python tools/build_zh.py gettext    extract the book's messages to _build/gettext/*.pot
       python tools/build_zh.py update     gettext, then merge them into locale/zh_CN/LC_MESSAGES
                                           (sphinx-intl; new messages arrive untranslated)
       python tools/build_zh.py html       build the Chinese edition into _build/html/zh_CN
                                           (after the English build: `make book` runs both)
       python tools/build_zh.py status     count translated / untranslated / fuzzy messages

The Chinese edition is built from the same notebooks, _config.yml and _toc.yml as the
English one, with three settings changed here (Jupyter Book 1's command line cannot set
the language): ``language`` (zh_CN), ``locale_dirs`` (locale/) and the search (jieba,
with the glossary's terms as its dictionary: _ext/zh_search.py). The notebooks' outputs
come from the execution cache the English build fills (_build/.jupyter_cache): nothing is
executed twice. Code and its outputs stay English; the prose is translated.

A catalog per page (``gettext_compact = False``), without source locations or uuids, so
that a change to one paragraph changes one message. Messages that are only display math
are left empty by design (they render from the English source): tools/zh_catalog.py
lists them and tests/test_translation.py fails on any other untranslated or fuzzy message.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
LOCALE = ROOT / "locale"
LANGUAGE = "zh_CN"
COMMON = {
    "external_toc_path": (ROOT / "_toc.yml").as_posix(),
    "latex_individualpages": False,
    "nitpicky": True,
    # one execution for both editions: the English build's cache
    "nb_execution_cache_path": (BUILD / ".jupyter_cache").as_posix(),
    "gettext_compact": False,
    "gettext_location": False,
    "gettext_uuid": False,
    "gettext_additional_targets": [],
}


def _sphinx(builder: str, outdir: Path, doctrees: str, overrides: dict) -> None:
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        ROOT, outdir, noconfig=True, path_config=str(ROOT / "_config.yml"),
        confoverrides={**COMMON, **overrides}, builder=builder,
        doctreedir=str(BUILD / doctrees), warningiserror=True, keep_going=True,
    )
    if result:
        raise SystemExit(f"the {builder} build of the Chinese edition failed ({result}); see above")


def gettext() -> None:
    _sphinx("gettext", BUILD / "gettext", ".doctrees-gettext", {})


def update() -> None:
    gettext()
    subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(BUILD / "gettext"),
                    "-d", str(LOCALE), "-l", LANGUAGE, "-w", "0"], check=True)


def html() -> None:
    _sphinx("html", BUILD / "html" / LANGUAGE, ".doctrees-zh", {
        "language": LANGUAGE,
        "locale_dirs": [str(LOCALE)],
    })


def main(argv: list[str]) -> int:
    steps = {"gettext": gettext, "update": update, "html": html}
    if len(argv) != 1 or argv[0] not in {*steps, "status"}:
        print(__doc__)
        return 2
    if argv[0] == "status":
        from zh_catalog import main as status

        return status()
    start = time.perf_counter()
    steps[argv[0]]()
    print(f"build_zh {argv[0]}: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
