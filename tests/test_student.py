"""`make student`: no solution survives, every exercise does, the notebooks run, and every
self-check says "not attempted yet" until the student answers."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), str(out)],
                   check=True, capture_output=True)
    return out


def _solution_cells(nb):
    return [c for c in nb.cells if "solution" in c.get("metadata", {}).get("tags", [])]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_survives(chapter, student_dir):
    original = nbformat.read(chapter, as_version=4)
    student = nbformat.read(student_dir / chapter.name, as_version=4)
    assert len(_solution_cells(original)) >= 6  # the source does have solutions
    assert _solution_cells(student) == []
    text = "\n".join(c.source for c in student.cells)
    for marker in ("{solution", "solution-start", "solution-end"):
        assert marker not in text
    exercises = [c for c in original.cells if "```{exercise}" in c.source]
    assert len(exercises) >= 3
    assert sum("```{exercise}" in c.source for c in student.cells) == len(exercises)
    # every line of every solution cell's source is gone (ignoring short or shared lines)
    kept = {line.strip() for c in student.cells for line in c.source.splitlines()}
    solution_lines = {line.strip() for c in _solution_cells(original)
                      for line in c.source.splitlines() if len(line.strip()) > 40}
    main_lines = {line.strip() for c in original.cells
                  if "solution" not in c.get("metadata", {}).get("tags", [])
                  for line in c.source.splitlines()}
    leaked = (solution_lines - main_lines) & kept
    assert not leaked, leaked
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_runs(chapter, student_dir):
    nb = nbformat.read(student_dir / chapter.name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(student_dir)}}).execute()
    assert all(o.get("output_type") != "error" for c in nb.cells for o in c.get("outputs", []))
    # every self-check runs and, with the placeholders untouched, says "not attempted yet"
    for cell in nb.cells:
        if "check" in cell.get("metadata", {}).get("tags", []):
            lines = "".join(o.get("text", "") for o in cell.outputs).splitlines()
            assert lines, cell.source
            assert all(line.startswith("not attempted yet — ") for line in lines), lines


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_checks_come_with_placeholders(chapter, student_dir):
    """Each check cell follows its exercise's answer cell, which assigns ... to every answer name."""
    from xentlib.exercises import answer_names

    cells = nbformat.read(student_dir / chapter.name, as_version=4).cells
    for i, cell in enumerate(cells):
        if "check" in cell.get("metadata", {}).get("tags", []):
            label = cell.source.split('check("')[1].split('"')[0]
            answer, exercise = cells[i - 1], cells[i - 2]
            assert "```{exercise}" in exercise.source and f":label: {label}" in exercise.source
            for name in answer_names(label):
                assert f"\n{name} = ...  # " in "\n" + answer.source, name
