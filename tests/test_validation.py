"""xentlib's shared input checks, message by message: the name of the argument, what was
wrong, and the offending value; and the sum-to-one tolerance at its boundary."""

import re

import numpy as np
import pytest

from xentlib import _validation as v


def test_check_in_unit_interval_reports_the_first_bad_value():
    for arr, bad in [([0.5, 1.5, -2.0], "1.5"), ([0.0, -0.25, 1.0], "-0.25")]:
        with pytest.raises(ValueError, match=rf"^p must lie in \[0, 1\]; found np.float64\({bad}\)$"):
            v.check_in_unit_interval(np.array(arr), "p")
    v.check_in_unit_interval(np.array([0.0, 1.0]), "p")  # the end points are allowed


def test_check_distribution_names_the_argument_and_the_worst_row():
    rows = np.array([[0.5, 0.5], [0.2, 0.85], [0.5, 0.4]])  # sums 1, 1.05, 0.9: the worst is 0.9
    with pytest.raises(ValueError, match=r"^q must sum to 1 along axis -1 \(tolerance 2\.1e-08\); "
                                         r"a row sums to np\.float64\(0\.9\)$"):
        v.check_distribution(rows, "q")
    with pytest.raises(ValueError, match=r"^q must lie in \[0, 1\]"):
        v.check_distribution(np.array([[1.5, -0.5]]), "q")


@pytest.mark.parametrize("n", [1, 2, 4, 9, 100])
def test_sum_tolerance_is_sqrt_eps_times_sqrt_n_exactly(n):
    tol = np.sqrt(np.finfo(np.float64).eps) * max(1, n**0.5)
    inside = np.full(n, 1.0 / n)
    inside[0] -= tol * 0.99  # just inside: accepted
    v.check_distribution(inside, "p")
    outside = np.full(n, 1.0 / n)
    outside[0] -= tol * 1.01  # just outside: rejected
    with pytest.raises(ValueError, match="must sum to 1"):
        v.check_distribution(outside, "p")


def test_tolerance_of_the_given_dtype():
    p = np.array([0.5, 0.5 + 1e-4])  # off by 1e-4: a float16 row may be, a float64 row may not
    v.check_distribution(p, "p", given_dtype=np.float16)
    for given in (None, np.float64, np.int64, bool):
        with pytest.raises(ValueError, match="must sum to 1"):
            v.check_distribution(p, "p", given_dtype=given)


@pytest.mark.parametrize("labels, match", [
    (np.array([True, False]), "y must hold integer class labels, got dtype bool"),
    (np.array(["a"]), "y must hold integer class labels, got dtype <U1"),
    (np.array([1 + 0j]), "y must hold integer class labels, got dtype complex128"),
    (np.array([0.0, 1.5]), "y must hold integer class labels; found non-integer values"),
    (np.array([0.0, np.inf]), "y must hold integer class labels; found non-integer values"),
    (np.array([0.0, np.nan]), "y must hold integer class labels; found non-integer values"),
    (np.array([0, -1]), "y must hold labels >= 0; found np.int64(-1)"),
    (np.array([0, 3]), "y holds label np.int64(3), out of range for 3 classes"),
    (np.array([], dtype=int), "y is empty; it needs at least one label"),
])
def test_check_labels_messages(labels, match):
    with pytest.raises(ValueError, match="^" + re.escape(match) + "$"):
        v.check_labels(labels, "y", n_classes=3)


def test_check_labels_accepts_integral_floats():
    out = v.check_labels(np.array([0.0, 2.0]), "y", n_classes=3)
    assert out.dtype == np.intp and out.tolist() == [0, 2]


@pytest.mark.parametrize("value, kw, match", [
    (True, {}, "x must be a real number, got True"),
    ("1", {}, "x must be a real number, got '1'"),
    (np.inf, {}, "x must be finite, got inf"),
    (-1.0, {"low": 0.0}, "x must be >= 0.0, got -1.0"),
    (0.0, {"low": 0.0, "low_open": True}, "x must be > 0.0, got 0.0"),
    (2.0, {"high": 1.0}, "x must be <= 1.0, got 2.0"),
    (1.0, {"high": 1.0, "high_open": True}, "x must be < 1.0, got 1.0"),
])
def test_check_scalar_messages(value, kw, match):
    with pytest.raises(ValueError, match="^" + re.escape(match) + "$"):
        v.check_scalar(value, "x", **kw)


def test_check_scalar_interval_end_points():
    assert v.check_scalar(1.0, "x", low=1.0, high=1.0) == 1.0  # closed ends are allowed
    assert v.check_scalar(np.int64(3), "x") == 3.0


def test_check_weight_names_the_argument():
    with pytest.raises(ValueError, match="^sample_weight contains NaN$"):
        v.check_weight([np.nan], "sample_weight", (1,), np.float64)
    with pytest.raises(ValueError, match=r"^sample_weight must have shape \(2,\), got \(1,\)$"):
        v.check_weight([1.0], "sample_weight", (2,), np.float64)


def test_float_dtype_and_compute_dtype():
    assert v.float_dtype() == np.float64
    assert v.float_dtype(None) == np.float64
    assert v.float_dtype(np.float16(1)) == np.float32
    assert v.float_dtype(np.ones(2, np.float32), np.ones(2, np.float16)) == np.float32
    assert v.float_dtype(np.ones(2, np.float32), [1.0]) == np.float64
    assert v.float_dtype(np.ones(2, np.longdouble)) == np.longdouble
    assert v.float_dtype(np.ones(2, int)) == np.float64


@pytest.mark.parametrize(
    "value, kw, match",
    [
        (True, {}, "n must be an integer, got True"),
        (2.0, {}, "n must be an integer, got 2.0"),
        ("3", {}, "n must be an integer, got '3'"),
        (0, {"low": 1}, "n must be an integer >= 1, got 0"),
    ],
)
def test_check_integer_messages(value, kw, match):
    with pytest.raises(ValueError, match=f"^{re.escape(match)}$"):
        v.check_integer(value, "n", **kw)


def test_check_integer_returns_an_int():
    out = v.check_integer(np.int64(5), "n", low=5)
    assert out == 5 and type(out) is int
