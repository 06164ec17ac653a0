"""The printed book, as `make pdf` leaves it in _build/pdf (run by `make test-pdf`).

Where TeX is not installed the tests skip and say so; where it is (CI always), both PDFs
must exist and pass: every chapter and appendix page present, no unresolved reference,
every font embedded, the Chinese terms typeset, English quotes kept out of the CJK font,
and the student edition without a single solution but with every exercise.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf"
EDITIONS = {"book.pdf": ROOT / "_build" / "latex", "book-student.pdf": ROOT / "_build" / "latex-student"}

pytestmark = pytest.mark.skipif(
    shutil.which("xelatex") is None or shutil.which("pdftotext") is None,
    reason="TeX (xelatex) or poppler-utils is not installed, so the PDF is not built: see the README",
)


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def text(name: str) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(PDF / name), "-")


def pages(name: str) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(PDF / name)), re.M).group(1))


def heading(path: Path) -> str:
    """The first level-1 heading of a Markdown page or notebook."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        lines = [line for c in cells if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines()]
    else:
        lines = path.read_text().splitlines()
    return next(line[2:].strip().replace("`", "") for line in lines if line.startswith("# "))


def toc_titles() -> list[str]:
    """The title of every page of _toc.yml but the front page, as the sources write it."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    paths = [next(p for p in (ROOT / (f + ".md"), ROOT / (f + ".ipynb")) if p.exists()) for f in files]
    return [heading(p) for p in paths]


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def edition(request):
    path = PDF / request.param
    assert path.exists(), f"{path} is missing: run make pdf"
    return request.param


def test_every_page_of_the_book_is_in_it(edition):
    flat = " ".join(text(edition).split())
    missing = [t for t in toc_titles() if " ".join(t.split()) not in flat]
    assert not missing, f"{edition} lacks {missing}"
    print(f"{edition}: {pages(edition)} pages")


def test_no_unresolved_reference(edition):
    assert "??" not in text(edition)
    log = (EDITIONS[edition] / "book.log").read_text(errors="replace")
    assert not re.search(r"undefined references|Reference `[^']*' on page \d+ undefined", log)
    assert not re.search(r"Citation `[^']*' on page \d+ undefined", log)


def test_no_character_is_missing_from_the_fonts(edition):
    # the preamble sets \tracinglostchars=2: a glyph no font has is logged, not dropped
    log = (EDITIONS[edition] / "book.log").read_text(errors="replace")
    assert not re.findall(r"Missing character: There is no .*", log)


def test_every_font_is_embedded(edition):
    rows = run("pdffonts", str(PDF / edition)).splitlines()[2:]
    assert rows
    not_embedded = [r for r in rows if r.split()[-5] != "yes"]
    assert not not_embedded, not_embedded


def test_chinese_terms_are_typeset_with_a_cjk_font(edition):
    body = text(edition)
    for term in ("交叉熵", "熵", "KL 散度"):
        assert term in body, term
    assert "NotoSerifCJK" in run("pdffonts", str(PDF / edition))


def cjk_fonts_used_by(body: str, tmp_path: Path, preamble: str) -> list[str]:
    """Typeset ``body`` with ``preamble`` and return the CJK fonts the PDF embeds."""
    tex = tmp_path / "t.tex"
    tex.write_text("\\documentclass{article}\n\\usepackage{fontspec}\n" + preamble
                   + "\n\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                   cwd=tmp_path, check=True, capture_output=True)
    return [line.split()[0] for line in run("pdffonts", str(tmp_path / "t.pdf")).splitlines()[2:] if "CJK" in line]


def test_english_quotes_are_not_cjk_punctuation(tmp_path):
    # xeCJK sets ’ “ ” — … in the CJK font (full width) unless told otherwise; the book's
    # preamble declares them Latin: English text with them embeds no CJK font at all
    sys.path.insert(0, str(ROOT / "_ext"))
    from latex_edition import CJK_PREAMBLE

    english = "Gibbs’ inequality, “quoted” — and so on… a·b"
    assert cjk_fonts_used_by(english, tmp_path, CJK_PREAMBLE) == []
    without = "\n".join(line for line in CJK_PREAMBLE.splitlines() if "DeclareCharClass" not in line)
    assert cjk_fonts_used_by(english, tmp_path, without), "the check cannot fail: xeCJK changed?"
    assert cjk_fonts_used_by("交叉熵", tmp_path, CJK_PREAMBLE)


def test_student_edition_has_every_exercise_and_no_solution():
    book, student = text("book.pdf"), text("book-student.pdf")
    exercises = re.findall(r"^Exercise (\d+\.\d+) \(", book, re.M)
    assert len(exercises) >= 5 * 7
    assert re.findall(r"^Exercise (\d+\.\d+) \(", student, re.M) == exercises
    assert "Solution to Exercise" in book
    assert "Solution to" not in student
    # the self-checks' output ("passed — …") is shown in the book, not on the sheets
    assert "passed — " in book
    assert "passed — " not in student
    assert pages("book-student.pdf") < pages("book.pdf")


def test_the_site_offers_both_pdfs():
    # make pdf copies them next to the HTML book, whose download menu links them
    html = ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        pytest.skip("the HTML book is not built (make book)")
    page = (html / "chapters" / "01_information_theory.html").read_text()
    for name in EDITIONS:
        assert f'href="../pdf/{name}"' in page, name
        assert (html / "pdf" / name).read_bytes() == (PDF / name).read_bytes()
