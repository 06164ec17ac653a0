"""Fit times of xentlib's models next to scikit-learn's, on the same objective.

Usage: python benchmarks/fit_times.py   (or `make bench`)

Breast cancer (binary, C = 1) and digits (10 classes, C = 0.1), standardized; every
model minimizes the mean cross-entropy + alpha/2 ||W||^2 with alpha = 1 / (C n).
Each time is the median of several fits; the last column is the largest difference
of predict_proba from scikit-learn's Newton solver run to tol = 1e-12. Timings vary
from machine to machine: compare ratios, not seconds.
"""

from __future__ import annotations

import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from xentlib import LogisticRegression, SoftmaxRegression


def median_time(make, X, y, repeats):
    times, model = [], None
    for _ in range(repeats):
        model = make()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), model


def main():
    cases = [
        ("breast cancer", load_breast_cancer(return_X_y=True), 1.0, LogisticRegression),
        ("digits", load_digits(return_X_y=True), 0.1, SoftmaxRegression),
    ]
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; "
          f"Python {platform.python_version()}, NumPy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}")
    for name, (X, y), C, ours in cases:
        X = StandardScaler().fit_transform(X)
        alpha = 1 / (C * X.shape[0])
        reference = SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-12,
                                         max_iter=1000).fit(X, y).predict_proba(X)
        rows = [  # (label, estimator class, parameters, repeats)
            ("scikit-learn lbfgs (default tol)", SkLogisticRegression, {"C": C}, 7),
            ("scikit-learn newton-cholesky", SkLogisticRegression,
             {"C": C, "solver": "newton-cholesky"}, 7),
            ("xentlib newton", ours, {"alpha": alpha, "solver": "newton"}, 7),
            ("xentlib gd (tol 1e-5)", ours,
             {"alpha": alpha, "solver": "gd", "tol": 1e-5, "max_iter": 100_000}, 3),
            ("xentlib gd + momentum 0.9", ours,
             {"alpha": alpha, "solver": "gd", "momentum": 0.9, "tol": 1e-5,
              "max_iter": 100_000}, 3),
            ("xentlib sgd (tol 1e-4)", ours,
             {"alpha": alpha, "solver": "sgd", "tol": 1e-4, "random_state": 0}, 3),
        ]
        print(f"\n{name}: {X.shape[0]} samples, {X.shape[1]} features, "
              f"{len(np.unique(y))} classes, C = {C}")
        print(f"{'model':36s} {'fit time':>10s} {'vs lbfgs':>9s} {'iters':>7s} "
              f"{'max |proba diff|':>17s}")
        base = None
        for label, estimator, params, repeats in rows:
            seconds, model = median_time(lambda e=estimator, p=params: e(**p), X, y, repeats)
            base = base or seconds
            n_iter = int(np.max(model.n_iter_))
            diff = np.abs(model.predict_proba(X) - reference).max()
            print(f"{label:36s} {seconds * 1e3:8.1f} ms {seconds / base:8.1f}x {n_iter:7d} "
                  f"{diff:17.1e}")


if __name__ == "__main__":
    main()
