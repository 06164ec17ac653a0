"""Speed, memory and accuracy of xentlib's losses against the alternatives, in one run.

Usage: python benchmarks/bench_losses.py [--quick] [--out PATH]   (or `make bench`)

Speed: each implementation's median time over several repeats, as a ratio to
xentlib's (> 1: slower than xentlib), with the spread of that ratio: the repeats are
interleaved (every implementation runs once per repeat, in a rotating order), each
repeat gives a paired ratio time / xentlib's time, and the smallest and largest of
these paired ratios are recorded ("ratio_range"), for binary cross-entropy with logits and
softmax cross-entropy, value and gradient, float64 and float32, over a range of
sizes. The alternatives are what a reader would reach for: scipy.special,
sklearn.metrics.log_loss (given probabilities), the naive NumPy formulas of the
usual blog posts, and torch.nn.functional when PyTorch is installed (optional).

Memory: xentlib's peak extra memory (tracemalloc, which sees NumPy's allocations)
as a multiple of the size of the logits, at every timed size and, for softmax
cross-entropy, over C = 2, 3, 10, 100, 1000 classes at n = 1000 and n = 100000.

Accuracy: elementwise (reduction="none") losses on a battery of hard inputs —
logits up to +-1e4, probabilities at 0, 1 and 1e-300, near-ties among 1000
classes — against 60-digit mpmath references: the largest error in units in the
last place (ulp) where the true value is finite, and the number of NaN/inf results
where the true value is finite.

Writes xentlib/data/benchmark_results.json (machine, date, versions and every number printed),
which the appendix page "Numerics and performance" renders.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import mpmath as mp
import numpy as np
import scipy
import scipy.special as sc
import sklearn
from sklearn.metrics import log_loss

import xentlib as xl

try:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(os.cpu_count() or 1)
except ImportError:  # PyTorch is optional
    torch = None

mp.mp.dps = 60
RESULTS = Path(__file__).resolve().parent.parent / "xentlib" / "data" / "benchmark_results.json"


# --------------------------------------------------------------------------- #
# implementations: each takes (y, z) and returns a mean loss or its gradient
# --------------------------------------------------------------------------- #

def _onehot(y, c, dtype):
    out = np.zeros((y.size, c), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out


def naive_softmax_ce(y, z):
    q = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return -np.mean(np.log(q[np.arange(y.size), y]))


def naive_softmax_ce_grad(y, z):
    q = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (q - _onehot(y, z.shape[1], z.dtype)) / y.size


def naive_bce(y, z):
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def naive_bce_grad(y, z):
    return (1 / (1 + np.exp(-z)) - y) / y.size


SOFTMAX_VALUE = {
    "xentlib": lambda y, z: xl.softmax_cross_entropy(y, z),
    "scipy.special": lambda y, z: -np.mean(sc.log_softmax(z, axis=1)[np.arange(y.size), y]),
    "sklearn log_loss": lambda y, z: log_loss(y, sc.softmax(z, axis=1), labels=np.arange(z.shape[1])),
    "naive NumPy": naive_softmax_ce,
}
SOFTMAX_GRAD = {
    "xentlib": lambda y, z: xl.softmax_cross_entropy_grad(y, z),
    "scipy.special": lambda y, z: (sc.softmax(z, axis=1) - _onehot(y, z.shape[1], z.dtype)) / y.size,
    "naive NumPy": naive_softmax_ce_grad,
}
BCE_VALUE = {
    "xentlib": lambda y, z: xl.binary_cross_entropy_with_logits(y, z),
    "scipy.special": lambda y, z: -np.mean(y * sc.log_expit(z) + (1 - y) * sc.log_expit(-z)),
    "sklearn log_loss": lambda y, z: log_loss(y, sc.expit(z), labels=[0, 1]),
    "naive NumPy": naive_bce,
}
BCE_GRAD = {
    "xentlib": lambda y, z: xl.binary_cross_entropy_with_logits_grad(y, z),
    "scipy.special": lambda y, z: (sc.expit(z) - y) / y.size,
    "naive NumPy": naive_bce_grad,
}

if torch is not None:
    def _torch_grad(loss_fn, target):
        def run(y, z):
            zt = torch.from_numpy(z).requires_grad_(True)
            loss_fn(zt, target(y, z)).backward()
            return zt.grad.numpy()
        return run

    SOFTMAX_VALUE["PyTorch"] = lambda y, z: F.cross_entropy(
        torch.from_numpy(z), torch.from_numpy(y)).item()
    SOFTMAX_GRAD["PyTorch"] = _torch_grad(F.cross_entropy, lambda y, z: torch.from_numpy(y))
    BCE_VALUE["PyTorch"] = lambda y, z: F.binary_cross_entropy_with_logits(
        torch.from_numpy(z), torch.from_numpy(y)).item()
    BCE_GRAD["PyTorch"] = _torch_grad(F.binary_cross_entropy_with_logits,
                                      lambda y, z: torch.from_numpy(y))


# --------------------------------------------------------------------------- #
# speed and memory
# --------------------------------------------------------------------------- #

def interleaved_seconds(impls, y, z, repeats):
    """Times of every implementation, ``repeats`` each, interleaved: in repeat k each
    implementation runs once, in an order rotated by k, so that a slow spell of the
    machine hits all of them alike and the paired ratios of repeat k are comparable."""
    names = list(impls)
    for fn in impls.values():
        fn(y, z)  # warm-up
    times = {name: [] for name in names}
    for k in range(repeats):
        for name in names[k % len(names):] + names[:k % len(names)]:
            start = time.perf_counter()
            impls[name](y, z)
            times[name].append(time.perf_counter() - start)
    return {name: np.array(t) for name, t in times.items()}


def peak_extra_memory(fn, y, z):
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn(y, z)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / z.nbytes


def speed(quick):
    rng = np.random.default_rng(0)
    softmax_sizes = [(1_000, 2), (1_000, 1_000), (100_000, 2), (100_000, 100), (10_000, 1_000)]
    bce_sizes = [1_000, 100_000, 1_000_000]
    if not quick:
        softmax_sizes.append((1_000_000, 10))
        bce_sizes.append(10_000_000)
    rows = []
    for dtype in (np.float64, np.float32):
        for n, c in softmax_sizes:
            z = rng.normal(scale=3, size=(n, c)).astype(dtype)
            y = rng.integers(0, c, size=n)
            repeats = 3 if n * c >= 10_000_000 else 7
            for kind, impls in (("softmax CE value", SOFTMAX_VALUE),
                                ("softmax CE gradient", SOFTMAX_GRAD)):
                rows.append(_time_case(kind, f"{n} x {c}", dtype, impls, y, z, repeats))
        for n in bce_sizes:
            z = rng.normal(scale=3, size=n).astype(dtype)
            y = rng.integers(0, 2, size=n).astype(dtype)
            repeats = 3 if n >= 10_000_000 else 7
            for kind, impls in (("binary CE value", BCE_VALUE), ("binary CE gradient", BCE_GRAD)):
                rows.append(_time_case(kind, f"{n}", dtype, impls, y, z, repeats))
    return rows


def memory_sweep():
    """xentlib's peak extra memory for softmax cross-entropy (value and gradient) over
    the number of classes C = 2 .. 1000 at n = 1000 and n = 100000 (up to 10**7
    logits), both dtypes: tracemalloc's peaks are deterministic for a given code path,
    so one run each suffices."""
    rng = np.random.default_rng(2)
    rows = []
    for dtype in (np.float64, np.float32):
        for n in (1_000, 100_000):
            for c in (2, 3, 10, 100, 1_000):
                if n * c > 10_000_000:
                    continue
                z = rng.normal(scale=3, size=(n, c)).astype(dtype)
                y = rng.integers(0, c, size=n)
                for kind, fn in (("softmax CE value", SOFTMAX_VALUE["xentlib"]),
                                 ("softmax CE gradient", SOFTMAX_GRAD["xentlib"])):
                    fn(y, z)  # warm-up: first-call allocations are not the kernel's
                    rows.append({"case": kind, "size": f"{n} x {c}",
                                 "dtype": np.dtype(dtype).name,
                                 "xentlib_peak_memory_x_logits": peak_extra_memory(fn, y, z)})
    for dtype in (np.float64, np.float32):
        print(f"{np.dtype(dtype).name}: " + ", ".join(
            f"{r['size']} {'value' if r['case'].endswith('value') else 'grad'} "
            f"{r['xentlib_peak_memory_x_logits']:.2f}x"
            for r in rows if r["dtype"] == np.dtype(dtype).name), flush=True)
    return rows


def _time_case(kind, size, dtype, impls, y, z, repeats):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        times = interleaved_seconds(impls, y, z, repeats)
        memory = peak_extra_memory(impls["xentlib"], y, z)
    ours = times["xentlib"]
    row = {"case": kind, "size": size, "dtype": np.dtype(dtype).name, "repeats": repeats,
           "xentlib_ms": float(np.median(ours)) * 1e3,
           "ratio": {k: float(np.median(t) / np.median(ours))
                     for k, t in times.items() if k != "xentlib"},
           # the smallest and largest paired ratio over the interleaved repeats
           "ratio_range": {k: [float((t / ours).min()), float((t / ours).max())]
                           for k, t in times.items() if k != "xentlib"},
           "xentlib_peak_memory_x_logits": memory}
    ratios = " ".join(f"{k} {v:6.2f}x [{row['ratio_range'][k][0]:.2f}-{row['ratio_range'][k][1]:.2f}]"
                      for k, v in row["ratio"].items())
    print(f"{kind:20s} {size:>12s} {row['dtype']:8s} xentlib {row['xentlib_ms']:9.2f} ms | "
          f"{ratios} | peak memory {memory:4.2f}x logits", flush=True)
    return row


# --------------------------------------------------------------------------- #
# accuracy
# --------------------------------------------------------------------------- #

def mp_softmax_ce(row, label):
    # log1p of the other classes' share: exact to the working precision even when the
    # loss is far below 10**-60 (log of a sum near 1 would round it away)
    zs = [mp.mpf(float(v)) for v in row]
    return mp.log1p(mp.fsum(mp.exp(v - zs[label]) for j, v in enumerate(zs) if j != label))


def mp_bce_logits(y, z):
    z = mp.mpf(float(z))
    return mp.log1p(mp.exp(-z)) if y == 1 else mp.log1p(mp.exp(z))


def mp_bce_prob(y, p):
    p = mp.mpf(float(p))
    if (y == 1 and p == 0) or (y == 0 and p == 1):
        return mp.inf
    return -mp.log(p) if y == 1 else -mp.log1p(-p)


def ulp_errors(values, references, dtype):
    """Largest error in ulp (of dtype) where the reference is finite, and the number
    of non-finite values there."""
    worst, bad = 0.0, 0
    tiny = np.finfo(dtype).smallest_subnormal
    for v, r in zip(values, references, strict=True):
        if not mp.isfinite(r):
            continue
        if not np.isfinite(v):
            bad += 1
            continue
        ref = dtype.type(float(r))  # the correctly rounded reference in dtype
        spacing = max(float(np.spacing(np.abs(ref))), float(tiny))
        worst = max(worst, float(abs(mp.mpf(float(v)) - r) / spacing))
    return worst, bad


def softmax_battery(rng):
    rows = [([1e4, 0.0, -1e4], [0, 1, 2]), ([0.0, -40.0, -40.0], [0, 1]),
            ([-1e4, 1e4, 0.0], [0, 1, 2]), ([0.0, -800.0], [0, 1]), ([1000.0, 1000.0], [0]),
            ([0.0, -1e-12, 1e-12], [0, 1, 2]), ([-745.0, 0.0, 745.0], [0, 1, 2])]
    ties = list(5.0 + np.arange(1000) * 1e-12)
    rows.append((ties, [0, 500, 999]))
    rows.append((list(rng.normal(scale=30, size=1000)), [0, 1, 2]))
    for _ in range(10):
        rows.append((list(rng.normal(scale=20, size=5)), [0, 4]))
    return [(np.array(r), lab) for r, lab in rows for lab in lab]


def accuracy():
    rng = np.random.default_rng(1)
    out = []
    cases = softmax_battery(rng)
    for dtype in (np.dtype(np.float64), np.dtype(np.float32)):
        rows = [(r.astype(dtype), lab) for r, lab in cases]
        refs = [mp_softmax_ce(r, lab) for r, lab in rows]
        impls = {
            "xentlib": lambda r, lab: xl.softmax_cross_entropy([lab], r[None, :]),
            "scipy.special": lambda r, lab: -sc.log_softmax(r)[lab],
            "sklearn log_loss": lambda r, lab: log_loss([lab], sc.softmax(r)[None, :],
                                                       labels=np.arange(r.size)),
            "naive NumPy": lambda r, lab: naive_softmax_ce(np.array([lab]), r[None, :]),
        }
        if torch is not None:
            impls["PyTorch"] = lambda r, lab: F.cross_entropy(
                torch.from_numpy(r[None, :]), torch.tensor([lab]), reduction="none")[0].item()
        out += _accuracy_rows("softmax CE (logits)", dtype, impls, rows, refs)

        zs = np.array([-1e4, -800, -745, -100, -40, -20, -1, -1e-20, 0, 1e-20, 1, 20, 40, 100,
                       745, 800, 1e4], dtype=dtype)
        pairs = [(yy, z) for z in zs for yy in (0, 1)]
        refs = [mp_bce_logits(yy, z) for yy, z in pairs]
        impls = {
            "xentlib": lambda yy, z: xl.binary_cross_entropy_with_logits(
                np.array([yy], dtype=z.dtype), np.array([z])),
            "scipy.special": lambda yy, z: -(sc.log_expit(z) if yy else sc.log_expit(-z)),
            "sklearn log_loss": lambda yy, z: log_loss([yy], [sc.expit(z)], labels=[0, 1]),
            "naive NumPy": lambda yy, z: naive_bce(np.array([yy], dtype=z.dtype), np.array([z])),
        }
        if torch is not None:
            impls["PyTorch"] = lambda yy, z: F.binary_cross_entropy_with_logits(
                torch.tensor([z]), torch.tensor([float(yy)], dtype=torch.from_numpy(
                    np.array([z])).dtype)).item()
        out += _accuracy_rows("binary CE (logits)", dtype, impls, pairs, refs)

        ps = np.array([0.0, 1e-300, 1e-20, 1e-8, 0.3, 0.5, 1 - 1e-8, 1 - 1e-16, 1.0])
        if dtype == np.float32:
            ps = ps.astype(np.float32)
        pairs = [(yy, p) for p in ps for yy in (0, 1)]
        refs = [mp_bce_prob(yy, p) for yy, p in pairs]
        impls = {
            "xentlib": lambda yy, p: xl.binary_cross_entropy(
                np.array([yy], dtype=p.dtype), np.array([p])),
            "sklearn log_loss": lambda yy, p: log_loss([yy], [p], labels=[0, 1]),
            "naive NumPy": lambda yy, p: -(yy * np.log(p) + (1 - yy) * np.log(1 - p)),
        }
        if torch is not None:
            impls["PyTorch"] = lambda yy, p: F.binary_cross_entropy(
                torch.tensor([p]), torch.tensor([float(yy)], dtype=torch.from_numpy(
                    np.array([p])).dtype)).item()
        out += _accuracy_rows("binary CE (probabilities)", dtype, impls, pairs, refs,
                              true_inf=True)
    return out


def _accuracy_rows(case, dtype, impls, inputs, refs, true_inf=False):
    rows = []
    for name, fn in impls.items():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            values = [float(fn(*args)) for args in inputs]
        worst, bad = ulp_errors(values, refs, dtype)
        row = {"case": case, "dtype": dtype.name, "implementation": name,
               "max_ulp": worst, "nonfinite_where_finite": bad, "n_inputs": len(inputs)}
        if true_inf:  # where the truth is +inf (a certain, wrong prediction)
            row["finite_where_infinite"] = sum(
                1 for v, r in zip(values, refs, strict=True) if not mp.isfinite(r) and np.isfinite(v))
        rows.append(row)
        extra = (f", finite where the truth is inf: {row['finite_where_infinite']}"
                 if true_inf else "")
        print(f"{case:26s} {dtype.name:8s} {name:17s} max error {worst:10.3g} ulp, "
              f"NaN/inf where finite: {bad}{extra}", flush=True)
    return rows


# --------------------------------------------------------------------------- #

def targets(speed_rows, accuracy_rows, memory_rows=()):
    """The targets of the benchmark issue, evaluated on this run's numbers."""
    out = []

    def find(case, size, dtype="float64"):
        return next(r for r in speed_rows if r["case"] == case and r["size"] == size
                    and r["dtype"] == dtype)

    for case, size in (("softmax CE value", "100000 x 100"), ("softmax CE gradient", "100000 x 100"),
                       ("binary CE value", "1000000"), ("binary CE gradient", "1000000")):
        for dtype in ("float64", "float32"):
            row = find(case, size, dtype)
            if "PyTorch" in row["ratio"]:
                ratio = 1 / row["ratio"]["PyTorch"]
                lo, hi = (1 / v for v in reversed(row["ratio_range"]["PyTorch"]))
                out.append({"target": f"{case}, {size} {dtype}: <= 1.5x PyTorch's time",
                            "measured": f"{ratio:.2f}x PyTorch [{lo:.2f}-{hi:.2f}]",
                            "met": ratio <= 1.5})
            else:
                out.append({"target": f"{case}, {size} {dtype}: <= 1.5x PyTorch's time",
                            "measured": "PyTorch not installed", "met": None})
    row = find("softmax CE value", "100000 x 100")
    out.append({"target": "softmax CE value faster than sklearn log_loss (100000 x 100)",
                "measured": f"log_loss takes {row['ratio']['sklearn log_loss']:.2f}x as long",
                "met": row["ratio"]["sklearn log_loss"] > 1})
    for case in ("softmax CE value", "softmax CE gradient"):
        peak = find(case, "100000 x 100")["xentlib_peak_memory_x_logits"]
        out.append({"target": f"{case} peak extra memory <= 3x the logits (100000 x 100)",
                    "measured": f"{peak:.2f}x", "met": peak <= 3})
    worst = max([r for r in speed_rows if r["case"].startswith("softmax")] + list(memory_rows),
                key=lambda r: r["xentlib_peak_memory_x_logits"])
    out.append({"target": "softmax CE peak extra memory <= 3x the logits (every size)",
                "measured": f"{worst['xentlib_peak_memory_x_logits']:.2f}x at {worst['size']} "
                            f"{worst['dtype']}",
                "met": worst["xentlib_peak_memory_x_logits"] <= 3})
    ours = [r for r in accuracy_rows if r["implementation"] == "xentlib"]
    worst = max(r["max_ulp"] for r in ours)
    out.append({"target": "xentlib <= 4 ulp elementwise on the battery",
                "measured": f"{worst:.2f} ulp", "met": worst <= 4})
    bad = sum(r["nonfinite_where_finite"] for r in ours)
    out.append({"target": "xentlib: no NaN/inf where the true value is finite",
                "measured": f"{bad} cases", "met": bad == 0})
    return out


def _threads():
    """The thread counts the timings ran with (BLAS/OpenMP pools, PyTorch's intra-op)."""
    try:
        from threadpoolctl import threadpool_info
        pools = {f"{p['internal_api']}": p["num_threads"] for p in threadpool_info()}
    except ImportError:
        pools = {}
    if torch is not None:
        pools["torch"] = torch.get_num_threads()
    return pools


def main(argv):
    quick = "--quick" in argv
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else RESULTS
    info = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(), "numpy": np.__version__,
        "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
        "torch": None if torch is None else torch.__version__,
        "quick": quick, "threads": _threads(),
    }
    print(" ".join(f"{k}: {v}" for k, v in info.items()))
    print("\n== speed: time of each implementation / time of xentlib "
          "(median of interleaved repeats) ==")
    speed_rows = speed(quick)
    print("\n== peak extra memory of softmax CE (x the logits), C = 2 .. 1000 ==")
    memory_rows = memory_sweep()
    print("\n== accuracy against 60-digit mpmath, elementwise ==")
    accuracy_rows = accuracy()
    print("\n== targets ==")
    target_rows = targets(speed_rows, accuracy_rows, memory_rows)
    for t in target_rows:
        mark = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
        print(f"{t['target']:64s} {t['measured']:>30s}  {mark}")
    out.write_text(json.dumps({"info": info, "speed": speed_rows, "memory": memory_rows,
                                   "accuracy": accuracy_rows, "targets": target_rows},
                                  indent=1) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
