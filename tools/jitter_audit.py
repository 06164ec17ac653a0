"""Portability audit: run notebooks as if on a machine with a different libm, diff the text outputs.

Usage: python tools/jitter_audit.py VARIANT chapters/01_information_theory.ipynb [...]

VARIANT (0, 1 or 2) picks one of three deterministic "other libms": numpy's exp, log, log1p,
expm1, tanh, log2, exp2 and log10 are replaced by functions whose results move by +1 ulp,
-1 ulp or not at all, as a hash of the result decides. Another CPU's SIMD kernels differ from
this machine's in just this way, so a printed digit that changes here is a digit that is not
portable. Every cell whose text output differs from the committed output is printed, with the
difference. Figures are not compared. Not part of ``make test`` (it executes every notebook);
run it on a notebook whose printed output you changed:

    .venv/bin/python tools/jitter_audit.py 0 chapters/05_maximum_likelihood.ipynb
"""

from __future__ import annotations

import copy
import difflib
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

PATCH = r'''
import numpy as _np
_MULT = [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9][%d]
def _jitter(uf):
    def move(r):
        bits = _np.array(r, dtype=_np.float64).reshape(-1).view(_np.uint64).reshape(_np.shape(r))
        h = ((bits * _np.uint64(_MULT)) >> _np.uint64(61)) & _np.uint64(3)
        up = _np.nextafter(r, _np.array(_np.inf, r.dtype))
        down = _np.nextafter(r, _np.array(-_np.inf, r.dtype))
        ok = _np.isfinite(r) & (r != 0) & (_np.abs(r) != 1)
        return _np.where(ok & (h == 0), up, _np.where(ok & (h == 1), down, r)).astype(r.dtype)
    def f(*a, **k):
        r = uf(*a, **k)
        with _np.errstate(all="ignore"):
            if isinstance(r, _np.ndarray) and r.dtype.kind == "f" and r.size:
                if r.ndim == 0:
                    return r.dtype.type(move(r))
                r[...] = move(r)
                return r
            if isinstance(r, (float, _np.floating)):
                return type(r)(move(_np.asarray(r, dtype=_np.float64)))
        return r
    for attr in ("reduce", "accumulate", "outer", "at", "nin", "nout", "types", "__name__"):
        if hasattr(uf, attr):
            try:
                setattr(f, attr, getattr(uf, attr))
            except Exception:
                pass
    return f
for _n in ("exp", "log", "log1p", "expm1", "tanh", "log2", "exp2", "log10"):
    setattr(_np, _n, _jitter(getattr(_np, _n)))
'''
SANITIZE = [
    (re.compile(r"<Figure size \d+x\d+ with \d+ Axes>"), "<Figure>"),
    (re.compile(r"at 0x[0-9a-f]+"), "at 0xADDRESS"),
]


def text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        if "text" in o:
            out.append("".join(o["text"]))
        elif "data" in o and "text/plain" in o["data"] and "image/png" not in o["data"]:
            out.append("".join(o["data"]["text/plain"]))
        elif o.get("output_type") == "error":
            out.append("ERROR " + o["ename"] + ": " + o["evalue"])
    s = "".join(out)
    for pattern, replacement in SANITIZE:
        s = pattern.sub(replacement, s)
    return s


def audit(path: Path, variant: int) -> int:
    nb = nbformat.read(path, as_version=4)
    committed = [text(c) for c in nb.cells]
    run = copy.deepcopy(nb)
    run.cells.insert(0, nbformat.v4.new_code_cell(PATCH % variant))
    NotebookClient(run, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    got = [text(c) for c in run.cells[1:]]
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(committed, got, strict=True)) if a != b]
    print(f"== {path}: {len(bad)} cells differ", flush=True)
    for i, a, b in bad:
        print(f"-- cell {i}")
        diff = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        print("\n".join(line for line in diff if not line.startswith(("---", "+++", "@@"))))
    return len(bad)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"0", "1", "2"}:
        print(__doc__)
        return 2
    return 1 if sum(audit(Path(p), int(argv[0])) for p in argv[1:]) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
