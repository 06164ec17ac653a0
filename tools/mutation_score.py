"""Summarize the last `mutmut run` (make mutation) and write benchmarks/mutation.txt.

Reads mutmut's per-file results (mutants/**/*.py.meta). A mutant is killed when the
tests failed or timed out on it, survived when they passed, and not counted when no
test covers its function. Survivors listed in benchmarks/mutation_equivalent.txt
(one per line: the mutant's name, a colon, and why it cannot change a result) are
reported as equivalent and not counted. Ends with the line
``mutation score: K killed of N (P%)``; exits non-zero below 90 %.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.txt"
REPORT = ROOT / "benchmarks" / "mutation.txt"
SURVIVED, NO_TESTS, SKIPPED = 0, 33, 34
TARGET = 90.0


def equivalents() -> dict[str, str]:
    if not EQUIVALENT.exists():
        return {}
    out = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(":")
            out[name.strip()] = reason.strip()
    return out


def main() -> int:
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results: run `make mutation`")
        return 2
    eq = equivalents()
    per_module = collections.defaultdict(lambda: [0, 0])
    survivors, equivalent_found, not_run = [], [], collections.Counter()
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = meta.relative_to(ROOT / "mutants").as_posix().removesuffix(".meta")
        for name, code in codes.items():
            if code is None:  # the run stopped before this mutant
                not_run[module] += 1
                continue
            if code in (NO_TESTS, SKIPPED):
                continue
            if code == SURVIVED and name in eq:
                equivalent_found.append(name)
                continue
            per_module[module][1] += 1
            if code == SURVIVED:
                survivors.append(name)
            else:
                per_module[module][0] += 1
    lines = [f"{m:28s} {k:5d} killed of {n:5d} ({100 * k / n:5.1f}%)" for m, (k, n) in sorted(per_module.items())]
    lines += [f"not run yet (the run was stopped): {sum(not_run.values())}"
              + "".join(f", {m} {n}" for m, n in sorted(not_run.items())),
              f"equivalent (benchmarks/mutation_equivalent.txt): {len(equivalent_found)}",
              f"survivors: {len(survivors)}"] + [f"  {s}" for s in sorted(survivors)]
    killed = sum(k for k, _ in per_module.values())
    total = sum(n for _, n in per_module.values())
    score = 100 * killed / total
    lines.append(f"mutation score: {killed} killed of {total} ({score:.1f}%)"
                 + (" of the mutants run" if not_run else ""))
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[: len(per_module) + 3]))
    print(f"(survivors listed in {REPORT.relative_to(ROOT)})")
    print(lines[-1])
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
