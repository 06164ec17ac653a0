"""Write (or check) the install cell that opens every notebook of the book.

Usage: python tools/install_cell.py [--check]

On Colab, Binder or any Python without xentlib, the notebooks' first code cell
installs xentlib with the extra ``notebooks`` (everything the chapters import) from
the book's repository; where xentlib is installed it does nothing. The repository URL
has one home, ``repository.url`` in ``_config.yml``: adopters who change it run this
script to rewrite the cell in every notebook. ``--check`` (used by the tests) exits
non-zero if a notebook's cell is missing or out of date. The cell carries the tag
``remove-cell``, so the book's pages do not show it; the front page explains it once.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = "install-xentlib"
TAGS = ["remove-cell"]


def book_notebooks() -> list[Path]:
    """The notebooks listed in _toc.yml, in order."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"^\s*- file:\s*(\S+)\s*$", toc, flags=re.M)
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def cell_source() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    return (
        "# Colab, Binder or any Python without xentlib: install it, with what the\n"
        "# chapters use, from the book's repository. Where it is installed: nothing.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("xentlib") is None:\n'
        f'    %pip install --quiet "xentlib[notebooks] @ git+{url}"'
    )


def is_install_cell(cell) -> bool:
    return cell.get("id") == CELL_ID


def first_code_cell(nb):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def up_to_date(nb) -> bool:
    cell = first_code_cell(nb)
    return (cell is not None and is_install_cell(cell) and cell.source == cell_source()
            and cell.metadata.get("tags") == TAGS)


def write(path: Path) -> bool:
    """Put the current install cell first among the code cells; True if it changed."""
    nb = nbformat.read(path, as_version=4)
    if up_to_date(nb):
        return False
    nb.cells = [c for c in nb.cells if not is_install_cell(c)]
    cell = nbformat.v4.new_code_cell(cell_source(), metadata={"tags": TAGS})
    cell.id = CELL_ID
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells.insert(code[0] if code else len(nb.cells), cell)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return True


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        stale = [p for p in book_notebooks() if not up_to_date(nbformat.read(p, as_version=4))]
        for p in stale:
            print(f"{p.relative_to(ROOT)}: install cell missing or out of date "
                  "(run python tools/install_cell.py)")
        return 1 if stale else 0
    if argv:
        print(__doc__)
        return 2
    for p in book_notebooks():
        if write(p):
            print(f"{p.relative_to(ROOT)}: install cell written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
