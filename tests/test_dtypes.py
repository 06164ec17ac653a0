"""Every floating dtype comes back as it went in, and 0-d inputs work.

float16 is computed in float32 and rounded once at the end; float32, float64 and long
double are computed in their own precision. Integer and boolean inputs give float64.
References: mpmath at 60 digits (tests/reference.py), rounded once to the dtype; the
bounds are in ulp of that dtype.
"""

import mpmath as mp
import numpy as np
import pytest
import reference as ref

import xentlib as xl

LONG = np.longdouble


def ulp_error(actual, exact, dtype):
    exact_d = np.asarray(mp.nstr(exact, 40), dtype=LONG) if dtype == LONG else np.asarray(float(exact))
    spacing = np.spacing(np.abs(exact_d).astype(dtype))
    diff = np.abs(np.asarray(actual).astype(LONG) - exact_d.astype(LONG))
    return float(diff / LONG(spacing))


def mp_softplus(z):
    return mp.log1p(mp.exp(z))


def mp_sigmoid(z):
    return 1 / (1 + mp.exp(-z))


def mp_focal(y, z, gamma=2):
    p = mp_sigmoid(z)
    pt = p if y == 1 else 1 - p
    return -(1 - pt) ** gamma * mp.log(pt)


# (name, function of (z,) for one 0-d logit z = 2.5 and label y = 1, exact value)
SCALAR_CASES = [
    ("sigmoid", lambda z: xl.sigmoid(z), lambda z: mp_sigmoid(z)),
    ("log_sigmoid", lambda z: xl.log_sigmoid(z), lambda z: -mp_softplus(-z)),
    ("bce_with_logits", lambda z: xl.binary_cross_entropy_with_logits(np.ones_like(z), z),
     lambda z: mp_softplus(-z)),
    ("bce_with_logits_grad", lambda z: xl.binary_cross_entropy_with_logits_grad(np.ones_like(z), z),
     lambda z: mp_sigmoid(z) - 1),
    ("focal_loss", lambda z: xl.focal_loss(np.ones_like(z), z), lambda z: mp_focal(1, z)),
    ("focal_loss_grad", lambda z: xl.focal_loss_grad(np.ones_like(z), z),
     lambda z: mp.diff(lambda v: mp_focal(1, v), z)),
    ("bce_probabilities", lambda z: xl.binary_cross_entropy(np.ones_like(z), xl.sigmoid(z)),
     None),
]


@pytest.mark.parametrize("name, func, exact", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
@pytest.mark.parametrize("make", [np.float64, lambda v: np.array(v)], ids=["numpy scalar", "0-d array"])
def test_zero_dimensional_inputs(name, func, exact, make):
    mp.mp.dps = 60
    out = func(make(2.5))
    assert np.shape(out) == ()
    if exact is not None:
        assert ulp_error(out, exact(mp.mpf(2.5)), np.float64) <= 2


FLOATS = [np.float16, np.float32, np.float64, LONG]


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name, func, exact", SCALAR_CASES[:6], ids=[c[0] for c in SCALAR_CASES[:6]])
def test_elementwise_dtype_kept_and_accurate(name, func, exact, dtype):
    mp.mp.dps = 60
    z = np.array([-3.25, -0.5, 0.75, 2.5], dtype=dtype)  # exact in every dtype
    out = func(z)
    assert np.asarray(out).dtype == dtype
    if name in ("sigmoid", "log_sigmoid") or name.endswith("grad"):
        exact_values = [exact(mp.mpf(float(v))) for v in z]
        if name.endswith("grad"):
            exact_values = [e / len(z) for e in exact_values]
        errors = [ulp_error(o, e, dtype) for o, e in zip(np.asarray(out), exact_values, strict=True)]
    else:  # the mean of four losses
        errors = [ulp_error(out, mp.fsum(exact(mp.mpf(float(v))) for v in z) / len(z), dtype)]
    # float16 is rounded once from float32; the others are computed in their precision
    assert max(errors) <= (1 if dtype == np.float16 else 8), errors


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_softmax_family_dtype_kept_and_accurate(dtype):
    mp.mp.dps = 60
    z = np.array([[1.5, -0.25, 3.0], [0.0, -12.5, 0.125]], dtype=dtype)
    labels = np.array([0, 2])
    for row, lab, lsm, lse, ce_row in zip(z, labels, xl.log_softmax(z), xl.logsumexp(z),
                                          xl.softmax_cross_entropy(labels, z, reduction="none"), strict=True):
        zs = [mp.mpf(float(v)) for v in row]
        exact_lse = mp.log(mp.fsum(mp.exp(v) for v in zs))
        assert ulp_error(lse, exact_lse, dtype) <= (1 if dtype == np.float16 else 4)
        for v, got in zip(zs, lsm, strict=True):
            assert ulp_error(got, v - exact_lse, dtype) <= (1 if dtype == np.float16 else 4)
        assert ulp_error(ce_row, exact_lse - zs[lab], dtype) <= (1 if dtype == np.float16 else 4)
    for out in (xl.softmax(z), xl.log_softmax(z), xl.logsumexp(z), xl.softmax_cross_entropy(labels, z),
                xl.softmax_cross_entropy_grad(labels, z), xl.multilabel_cross_entropy(np.ones(z.shape), z),
                xl.multilabel_cross_entropy_grad(np.ones(z.shape), z)):
        assert np.asarray(out).dtype == dtype


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_information_dtype_kept_and_accurate(dtype):
    mp.mp.dps = 60
    p = np.array([0.5, 0.25, 0.25], dtype=dtype)
    q = np.array([0.125, 0.375, 0.5], dtype=dtype)  # exact in every dtype
    P, Q = [mp.mpf(float(v)) for v in p], [mp.mpf(float(v)) for v in q]
    exact = {
        "entropy": -mp.fsum(a * mp.log(a) for a in P),
        "cross_entropy": -mp.fsum(a * mp.log(b) for a, b in zip(P, Q, strict=True)),
        "kl_divergence": mp.fsum(a * mp.log(a / b) for a, b in zip(P, Q, strict=True)),
    }
    for name, value in exact.items():
        got = xl.entropy(p) if name == "entropy" else getattr(xl, name)(p, q)
        assert np.asarray(got).dtype == dtype
        assert ulp_error(got, value, dtype) <= (1 if dtype == np.float16 else 4), name
        got_bits = xl.entropy(p, base=2) if name == "entropy" else getattr(xl, name)(p, q, base=2)
        assert ulp_error(got_bits, value / mp.log(2), dtype) <= (1 if dtype == np.float16 else 4), name


def test_integer_and_boolean_inputs_give_float64():
    assert xl.sigmoid(np.array([1, 2])).dtype == np.float64
    assert xl.softmax(np.array([[1, 2]])).dtype == np.float64
    assert xl.binary_cross_entropy_with_logits(np.array([True]), np.array([3])).dtype == np.float64
    assert ref.ulps(xl.sigmoid(np.array([1])), ref.sigmoid([1.0])).max() <= 1


def test_probability_losses_keep_float32():
    p = np.array([0.25, 0.5, 0.875], dtype=np.float32)
    assert xl.binary_cross_entropy(np.array([1.0, 0.0, 1.0], np.float32), p).dtype == np.float32
    rows = np.array([[0.25, 0.75], [0.5, 0.5]], dtype=np.float32)
    assert xl.categorical_cross_entropy(rows, rows).dtype == np.float32
    assert xl.categorical_cross_entropy([0, 1], rows, reduction="none").dtype == np.float32


def test_parallel_log_softmax_equals_serial():
    # inputs of 2^20 elements or more are split over threads: same numbers as one block
    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=(1 << 19, 3))
    big = xl.log_softmax(z)
    rows = slice(12345, 12345 + 1000)
    np.testing.assert_array_equal(big[rows], xl.log_softmax(z[rows]))
    np.testing.assert_array_equal(xl.logsumexp(z)[rows], xl.logsumexp(z[rows]))
