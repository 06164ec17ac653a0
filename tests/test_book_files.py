"""The book's notebooks: each opens with the current install cell, and the list the
Makefile tests (from _toc.yml) holds every notebook of chapters/ and nothing else."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from install_cell import book_notebooks  # noqa: E402


def test_install_cells_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "install_cell.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_notebook_is_in_the_book():
    committed = subprocess.run(["git", "ls-files", "chapters/*.ipynb"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
    assert sorted(committed) == sorted(str(p.relative_to(ROOT)) for p in book_notebooks())


def test_makefile_tests_the_book_notebooks():
    listed = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "print-notebooks"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert listed == [str(p.relative_to(ROOT)) for p in book_notebooks()]


def test_api_page_documents_all_of_xentlib():
    import re

    import xentlib
    import xentlib.plotting

    page = (ROOT / "chapters" / "api_reference.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. auto(?:function|class|data):: (\w+)", page, flags=re.M))
    assert documented == set(xentlib.__all__) | set(xentlib.plotting.__all__)


def test_public_docstrings_have_see_also_and_references():
    import inspect

    import xentlib

    for name in xentlib.__all__:
        doc = inspect.getdoc(getattr(xentlib, name))
        assert "See Also\n--------" in doc, name
        if name != "subsample_class":  # a utility with no source to cite
            assert "References\n----------" in doc, name
