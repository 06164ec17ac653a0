"""The pip / Colab route: only `pip install <repository>[notebooks]`, no repository.

A bare virtual environment gets the project as a reader would install it (the
resolver picks the versions, as on Colab, not the lock), plus Jupyter's kernel and
client, which Colab, Binder and JupyterLab bring. Every notebook of the book is
copied into an empty folder, outside the repository, and run top to bottom in that
environment. Slow (an install and eight notebooks): `make test-pip`, part of
`make test`, not of `make test-lib`.
"""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from install_cell import book_notebooks  # noqa: E402

RUNNER = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

for name in sys.argv[1:]:
    path = Path(name)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    print(f"{path.name}: ran", flush=True)
"""


@pytest.fixture(scope="module")
def bare_env(tmp_path_factory):
    root = tmp_path_factory.mktemp("pip-route")
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # no user-level kernel may stand in for the environment's own
    env["JUPYTER_DATA_DIR"] = str(root / "jupyter-data")
    env["MPLBACKEND"] = "Agg"
    subprocess.run([python, "-m", "pip", "install", "--quiet", f"{ROOT}[notebooks]", "ipykernel", "nbclient"],
                   check=True, env=env, cwd=root)
    return python, env, root


def test_pip_route_runs_every_notebook(bare_env):
    python, env, root = bare_env
    # installed as a package, not found through the repository
    where = subprocess.run([python, "-c", "import xentlib; print(xentlib.__file__)"],
                           check=True, env=env, cwd=root, capture_output=True, text=True).stdout
    assert str(ROOT) not in where
    folder = root / "notebooks"
    folder.mkdir()
    notebooks = book_notebooks()
    assert len(notebooks) >= 8
    for nb in notebooks:
        shutil.copy(nb, folder / nb.name)
    result = subprocess.run([python, "-c", RUNNER, *(str(folder / nb.name) for nb in notebooks)],
                            env=env, cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    assert result.stdout.count(": ran") == len(notebooks)
