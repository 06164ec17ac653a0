"""Reliability curves, the expected calibration error and temperature scaling, against
hand-computed bins, scikit-learn's ``calibration_curve`` and scipy's minimizers."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_softmax
from sklearn.calibration import calibration_curve

from xentlib import expected_calibration_error, fit_temperature, reliability_curve


def test_reliability_curve_hand_computed_bins():
    # 4 uniform bins with edges 0, .25, .5, .75, 1; a bin holds e_b < q <= e_{b+1}
    y = [0, 0, 1, 0, 1, 1, 1]
    q = [0.0, 0.25, 0.3, 0.5, 0.6, 0.9, 1.0]
    mean_pred, frac_pos, counts = reliability_curve(y, q, n_bins=4)
    # bin 1: {0, .25}; bin 2: {.3, .5}; bin 3: {.6}; bin 4: {.9, 1}
    np.testing.assert_allclose(mean_pred, [0.125, 0.4, 0.6, 0.95], rtol=1e-15)
    np.testing.assert_allclose(frac_pos, [0.0, 0.5, 1.0, 1.0], rtol=1e-15)
    np.testing.assert_array_equal(counts, [2, 2, 1, 2])
    # ECE by hand: (2 * .125 + 2 * .1 + 1 * .4 + 2 * .05) / 7
    assert expected_calibration_error(y, q, n_bins=4) == pytest.approx(0.95 / 7, rel=1e-14, abs=0)


def test_empty_bins_are_dropped_and_counts_sum_to_n():
    mean_pred, frac_pos, counts = reliability_curve([0, 1, 1], [0.05, 0.95, 0.95], n_bins=10)
    np.testing.assert_array_equal(counts, [1, 2])
    np.testing.assert_allclose(mean_pred, [0.05, 0.95])
    np.testing.assert_allclose(frac_pos, [0.0, 1.0])


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 5, 10, 23])
def test_matches_sklearn_calibration_curve(rng, strategy, n_bins):
    q = rng.beta(0.7, 0.7, size=1000)
    y = (rng.uniform(size=q.size) < q**1.5).astype(int)
    q[:7] = [0.0, 1.0, 0.1, 0.2, 0.5, 0.7, 0.9]  # values on the uniform bin edges
    mean_pred, frac_pos, counts = reliability_curve(y, q, n_bins=n_bins, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, q, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(mean_pred, prob_pred, rtol=1e-13)
    np.testing.assert_allclose(frac_pos, prob_true, rtol=1e-13)
    assert counts.sum() == q.size


def test_ece_against_an_independent_loop(rng):
    q = rng.uniform(size=300)
    y = (rng.uniform(size=300) < q).astype(int)
    edges = np.linspace(0, 1, 11)
    expected = 0.0
    for b in range(10):
        lo, hi = edges[b], edges[b + 1]
        inside = (q > lo) & (q <= hi) if b else (q >= lo) & (q <= hi)
        if inside.any():
            expected += inside.sum() / q.size * abs(y[inside].mean() - q[inside].mean())
    assert expected_calibration_error(y, q) == pytest.approx(expected, rel=1e-12, abs=0)


def test_ece_is_zero_when_every_bin_is_exact_and_accepts_booleans():
    y = np.array([True, False, True, False])
    assert expected_calibration_error(y, [0.5, 0.5, 0.5, 0.5]) == 0.0
    assert expected_calibration_error(y, [1.0, 0.0, 1.0, 0.0]) == 0.0
    assert expected_calibration_error(y, [0.0, 1.0, 0.0, 1.0]) == 1.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"y_true": [0, 2], "y_prob": [0.1, 0.2]}, "y_true holds label .*2.*out of range"),
        ({"y_true": [0, 1], "y_prob": [0.1, 1.2]}, "y_prob must lie in"),
        ({"y_true": [0, 1], "y_prob": [0.1, np.nan]}, "y_prob contains NaN"),
        ({"y_true": [0, 1], "y_prob": [0.1, 0.2, 0.3]}, "y_prob must have the shape"),
        ({"y_true": [[0, 1]], "y_prob": [[0.1, 0.2]]}, "y_true must be a 1-D"),
        ({"y_true": [0, 1], "y_prob": [0.1, 0.2], "n_bins": 0}, "n_bins must be a positive"),
        ({"y_true": [0, 1], "y_prob": [0.1, 0.2], "n_bins": 2.0}, "n_bins must be a positive"),
        ({"y_true": [0, 1], "y_prob": [0.1, 0.2], "strategy": "equal"}, "strategy must be one of"),
        ({"y_true": [], "y_prob": []}, "y_true is empty"),
    ],
)
def test_bad_input(kwargs, match):
    for func in (reliability_curve, expected_calibration_error):
        with pytest.raises(ValueError, match=match):
            func(**kwargs)


def test_temperature_of_a_constant_logit_is_exact():
    # n examples all with logit c, k positive: the best probability is k/n, so c/T = logit(k/n)
    for c, k, n in [(2.0, 3, 4), (-1.5, 1, 10), (5.0, 9, 10)]:
        y = np.r_[np.ones(k, int), np.zeros(n - k, int)]
        T = fit_temperature(y, np.full(n, c))
        assert c / T == pytest.approx(np.log(k / (n - k)), rel=1e-12)


def test_binary_temperature_matches_scipy(rng):
    z = 3 * rng.normal(size=400)
    y = (rng.uniform(size=400) < expit(z / 2)).astype(int)

    def loss(T):  # the binary cross-entropy written out with scipy, not xentlib
        s = z / T
        return np.mean(np.logaddexp(0, s) - y * s)

    ref = minimize_scalar(loss, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-12})
    T = fit_temperature(y, z)
    assert T == pytest.approx(ref.x, rel=1e-6)
    assert 1.5 < T < 2.7  # the data were drawn at T = 2
    # the derivative of the loss in T vanishes there (central difference)
    h = 1e-5
    assert abs(loss(T + h) - loss(T - h)) / (2 * h) < 1e-7


def test_multiclass_temperature_matches_scipy(rng):
    Z = 2 * rng.normal(size=(300, 4))
    probs = np.exp(log_softmax(Z / 0.5, axis=1))
    labels = np.array([rng.choice(4, p=p / p.sum()) for p in probs])

    def loss(T):
        return -np.mean(log_softmax(Z / T, axis=1)[np.arange(300), labels])

    ref = minimize_scalar(loss, bounds=(0.01, 20), method="bounded", options={"xatol": 1e-12})
    assert fit_temperature(labels, Z) == pytest.approx(ref.x, rel=1e-6)
    # a two-column softmax is the binary model on the logit difference
    Z2 = np.c_[np.zeros(300), Z[:, 0]]
    y2 = (labels == 0).astype(int)  # class 0 is likelier where Z[:, 0] is large
    assert fit_temperature(y2, Z2) == pytest.approx(fit_temperature(y2, Z[:, 0]), rel=1e-9)


def test_temperature_is_scale_equivariant(rng):
    z = rng.normal(size=200)
    y = (rng.uniform(size=200) < expit(z)).astype(int)
    assert fit_temperature(y, 10 * z) == pytest.approx(10 * fit_temperature(y, z), rel=1e-9)


@pytest.mark.parametrize(
    "y, z, match",
    [
        ([0, 1, 1], [-1.0, 2.0, 0.5], "separate the classes"),
        ([0, 1], [1.0, -1.0], "no information"),
        ([0, 1], [0.0, 0.0], "no information"),
        ([0, 2], [0.1, 0.2], "y_true holds label .*2.*out of range"),
        ([0, 1], [0.1, np.inf], "logits contains inf"),
        ([0, 1, 1], [0.1, 0.2], r"y_true must have shape \(2,\)"),
        ([0, 1], [[[0.1]]], r"logits must have shape \(n,\) or \(n, C\)"),
        ([0, 0], [[0.1], [0.2]], "need C >= 2"),
        ([0, 3], [[0.1, 0.2, 0.3], [0.0, 0.1, 0.2]], "y_true holds label .*3.*out of range"),
        ([0, 1], [[2.0, 0.1], [0.0, 1.0]], "separate the classes"),
    ],
)
def test_temperature_bad_input(y, z, match):
    with pytest.raises(ValueError, match=match):
        fit_temperature(y, z)
