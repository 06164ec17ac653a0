"""Write solution-free copies of the chapter notebooks, for students.

Usage: python tools/make_student.py [OUTDIR]   (default _build/student; `make student`)

There is one source: every cell that belongs to a solution (the gated
``solution-start`` / ``solution-end`` directives and everything between them) carries
the cell tag ``solution`` in the chapter notebook. This script drops those cells,
puts an empty "your solution" code cell after each exercise, clears every output,
and writes ``chapters/NN_*.ipynb`` to OUTDIR under the same names.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
TAG = "solution"


def is_solution(cell) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def is_exercise(cell) -> bool:
    return cell.cell_type == "markdown" and "```{exercise}" in cell.source


def student_version(nb):
    """A copy of ``nb`` without solutions, with room for answers and no outputs."""
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        if is_solution(cell):
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
        if is_exercise(cell):
            answer = new_code_cell("# Your solution here\n")
            answer.id = f"{cell.id}-answer"[:64]
            cells.append(answer)
    nb.cells = cells
    return nb


def main(argv: list[str]) -> int:
    outdir = Path(argv[0]) if argv else ROOT / "_build" / "student"
    outdir.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        nb = student_version(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        nbformat.write(nb, outdir / path.name)
        print(f"{outdir / path.name}: {sum(is_exercise(c) for c in nb.cells)} exercises, "
              "no solutions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
