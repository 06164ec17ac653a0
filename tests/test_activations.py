import numpy as np
import pytest
import reference as ref
import scipy.special as sc
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xentlib import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax

EXTREMES = np.array([-1e4, -800.0, -745.0, -40.0, -1.0, -1e-20, 0.0, 1e-20, 1.0, 40.0, 800.0, 1e4])


def test_sigmoid_against_scipy_and_mpmath():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(z), sc.expit(z), rtol=1e-15)
    np.testing.assert_allclose(sigmoid(EXTREMES), ref.sigmoid(EXTREMES), rtol=4e-16, atol=0)


def test_log_sigmoid_against_mpmath():
    np.testing.assert_allclose(log_sigmoid(EXTREMES), ref.log_sigmoid(EXTREMES), rtol=4e-16)
    np.testing.assert_allclose(log_sigmoid(np.linspace(-30, 30, 61)),
                               sc.log_expit(np.linspace(-30, 30, 61)), rtol=1e-15)


def test_softmax_family_against_scipy():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=5, size=(7, 11))
    np.testing.assert_allclose(softmax(z), sc.softmax(z, axis=-1), rtol=1e-14)
    np.testing.assert_allclose(log_softmax(z), sc.log_softmax(z, axis=-1), rtol=1e-14)
    np.testing.assert_allclose(logsumexp(z), sc.logsumexp(z, axis=-1), rtol=1e-15)
    np.testing.assert_allclose(softmax(z, axis=0), sc.softmax(z, axis=0), rtol=1e-14)
    np.testing.assert_allclose(logsumexp(z, axis=0), sc.logsumexp(z, axis=0), rtol=1e-15)


def test_log_softmax_extremes_against_mpmath():
    rows = [[1e4, 0.0, -1e4], [0.0, -40.0], [1000.0, 1000.0], [0.0, -1e-12, 1e-12],
            [-745.0, 0.0, 745.0]]
    for row in rows:
        np.testing.assert_allclose(log_softmax(row), ref.log_softmax_row(row), rtol=4e-16,
                                   atol=1e-320)
        assert logsumexp(row) == pytest.approx(ref.logsumexp_row(row), abs=0, rel=2e-16)
    # the dominant class: -log1p(e^-40), not log(1.0) = 0
    assert log_softmax([0.0, -40.0])[0] == pytest.approx(-np.exp(-40.0), abs=0, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_and_dtype_at_large_logits(dtype):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for f in (softmax, log_softmax, sigmoid, log_sigmoid):
            out = f(z)
            assert out.dtype == dtype
            assert np.all(np.isfinite(out))
        assert logsumexp(z).dtype == dtype
    np.testing.assert_allclose(softmax(z)[1], [1 / 3] * 3, rtol=1e-6)


@given(arrays(np.float64, st.integers(1, 10), elements=st.floats(-1e3, 1e3)),
       st.floats(-1e3, 1e3))
def test_softmax_shift_invariance(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), rtol=1e-9, atol=1e-300)
    assert softmax(z).sum() == pytest.approx(1.0, abs=0, rel=1e-12)


def test_1000_classes_near_ties():
    z = np.full(1000, 5.0) + np.arange(1000) * 1e-12
    np.testing.assert_allclose(log_softmax(z), sc.log_softmax(z), rtol=1e-14)


@pytest.mark.parametrize("f", [sigmoid, log_sigmoid, softmax, log_softmax, logsumexp])
def test_bad_input(f):
    with pytest.raises(ValueError, match="z contains NaN"):
        f([0.0, np.nan])
    with pytest.raises(ValueError, match="z contains inf"):
        f([0.0, np.inf])
    with pytest.raises(ValueError, match="z is empty"):
        f([])
    with pytest.raises(ValueError, match="z must hold real numbers"):
        f(["x"])


@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp])
def test_bad_axis(f):
    with pytest.raises(ValueError, match="axis=2 is out of range"):
        f([[0.0, 1.0]], axis=2)
    with pytest.raises(ValueError, match="z must have at least 1 dimension"):
        f(1.0)


def test_huge_finite_logits_no_nan():
    big = np.finfo(np.float64).max / 2
    z = np.array([[big, -big, 0.0], [1.0, 2.0, 3.0]])
    out = log_softmax(z)
    assert np.all(~np.isnan(out))
    assert out[0, 0] == 0.0 and np.isfinite(out[0, 2])
    np.testing.assert_allclose(out[1], sc.log_softmax(z[1]), rtol=1e-15)


def test_dominant_class_log_probability_is_corrected_for_rounding():
    # z_j - m is rounded; the correction keeps exp(z_j - m) within a few ulp
    row = [50.57514743, -2.19241657, -1.19834777, -3.3, -10.0]
    expected = ref.log_softmax_row(row)
    np.testing.assert_allclose(log_softmax(row), expected, rtol=4 * 2.2e-16, atol=0)


def test_blocked_and_threaded_paths_agree_with_scipy():
    rng = np.random.default_rng(5)
    z = rng.normal(scale=10, size=(3000, 700))  # > 1e6 elements: several blocks, threads
    np.testing.assert_allclose(log_softmax(z), sc.log_softmax(z, axis=1), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(logsumexp(z.T, axis=0), sc.logsumexp(z, axis=1), rtol=1e-14)


def test_softmax_to_a_few_ulp_of_mpmath(rng):
    # one softmax for the whole package: the activation, the losses' gradients, the models
    import mpmath as mp
    mp.mp.dps = 50
    z = rng.normal(scale=20, size=(30, 6))
    got = softmax(z)
    for row, out in zip(z, got, strict=True):
        zs = [mp.mpf(float(v)) for v in row]
        total = mp.fsum(mp.exp(v) for v in zs)
        exact = np.array([float(mp.exp(v) / total) for v in zs])
        big = exact > 1e-300  # compare where the probability is a normal number
        assert (ref.ulps(out[big], exact[big]) <= 4).all()
