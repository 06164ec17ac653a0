"""Write solution-free copies of the chapter notebooks, for students.

Usage: python tools/make_student.py [OUTDIR]   (default _build/student; `make student`)

There is one source: every cell that belongs to a solution (the gated
``solution-start`` / ``solution-end`` directives and everything between them) carries
the cell tag ``solution`` in the chapter notebook. This script drops those cells,
puts a "your solution" code cell after each exercise, clears every output, and
writes ``chapters/NN_*.ipynb`` to OUTDIR under the same names.

The self-check cells (tag ``check``, after each exercise's solution) are kept. The
"your solution" cell of an exercise that has a check holds the placeholders of its
answer variables (``ans_... = ...``, from ``xentlib.exercises``), so that the check says
"not attempted yet" until the student replaces them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # xentlib from this checkout, installed or not
from xentlib import exercises  # noqa: E402

TAG = "solution"


def is_solution(cell) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def is_exercise(cell) -> bool:
    return cell.cell_type == "markdown" and "```{exercise}" in cell.source


def answer_cell_source(exercise_cell) -> str:
    """The "your solution" cell: the placeholders of the exercise's checked answers."""
    label = re.search(r"^:label:\s*(\S+)", exercise_cell.source, flags=re.M)
    if label and label.group(1) in exercises.labels():
        return exercises.placeholder_source(label.group(1))
    return "# Your solution here\n"


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
            answer = new_code_cell(answer_cell_source(cell))
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
        checks = sum("check" in c.get("metadata", {}).get("tags", []) for c in nb.cells)
        print(f"{outdir / path.name}: {sum(is_exercise(c) for c in nb.cells)} exercises, "
              f"{checks} self-checks, no solutions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
