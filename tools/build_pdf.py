"""Build the printed book: _build/pdf/book.pdf and _build/pdf/book-student.pdf (``make pdf``).

Usage: python tools/build_pdf.py [book|student ...]   (default: both)

Each edition goes through Jupyter Book's LaTeX route: Sphinx's LaTeX builder, run with the
book's own _config.yml and _toc.yml, warnings as errors and nitpicky (like the HTML build),
writes _build/latex (or _build/latex-student); then Sphinx's own Makefile runs latexmk with
xelatex there. The notebooks' outputs come from the execution cache the HTML build fills
(_build/.jupyter_cache), so a PDF after ``make book`` executes nothing again. The student
edition sets ``student_edition`` (see _ext/latex_edition.py): the cells tagged
``solution`` are dropped, as in the student notebooks. Where the HTML book has been
built, both PDFs are also copied to _build/html/pdf/, which its download menu links.

Needs TeX: Debian's texlive-xetex, texlive-latex-extra, texlive-lang-chinese, latexmk,
fonts-noto-cjk, fonts-freefont-otf, texlive-fonts-recommended, tex-gyre, poppler-utils
(the README lists them; .ci/run installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
EDITIONS = {"book": ("latex", "book.pdf"), "student": ("latex-student", "book-student.pdf")}


def build(edition: str) -> Path:
    from jupyter_book.sphinx import build_sphinx

    folder, pdf_name = EDITIONS[edition]
    latex_dir = BUILD / folder
    shutil.rmtree(latex_dir, ignore_errors=True)
    overrides = {
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "nitpicky": True,
        "student_edition": edition == "student",
    }
    result = build_sphinx(
        ROOT, latex_dir, noconfig=True, path_config=str(ROOT / "_config.yml"),
        confoverrides=overrides, builder="latex", doctreedir=str(BUILD / f".doctrees-{folder}"),
        warningiserror=True, keep_going=True, freshenv=True,
    )
    if result:
        raise SystemExit(f"the LaTeX build of the {edition} edition failed ({result}); see above")
    env = dict(os.environ, LATEXOPTS="-interaction=nonstopmode -halt-on-error")
    subprocess.run(["make", "all-pdf"], cwd=latex_dir, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    out = BUILD / "pdf" / pdf_name
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(latex_dir / "book.pdf", out)
    if (BUILD / "html").is_dir():  # the site's download menu links here
        (BUILD / "html" / "pdf").mkdir(exist_ok=True)
        shutil.copyfile(out, BUILD / "html" / "pdf" / pdf_name)
    return out


def main(argv: list[str]) -> int:
    editions = argv or list(EDITIONS)
    unknown = set(editions) - set(EDITIONS)
    if unknown:
        print(__doc__)
        return 2
    if shutil.which("xelatex") is None or shutil.which("latexmk") is None:
        print("xelatex or latexmk is not installed: see the README for the Debian packages")
        return 1
    for edition in editions:
        start = time.perf_counter()
        out = build(edition)
        print(f"{out.relative_to(ROOT)}: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
