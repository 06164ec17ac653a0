"""sample_weight (scikit-learn's) and ignore_index (PyTorch's) of the categorical losses.

References are independent of xentlib: PyTorch's documented formula for
CrossEntropyLoss(weight, ignore_index, label_smoothing) written out with
scipy.special.log_softmax, and scikit-learn's log_loss(sample_weight=...).
"""

import numpy as np
import pytest
from scipy.special import expit, log_expit
from scipy.special import log_softmax as sp_log_softmax
from sklearn.metrics import log_loss

import xentlib as xl

IGNORE = -100


def torch_cross_entropy(y, z, weight=None, ignore_index=IGNORE, label_smoothing=0.0, reduction="mean"):
    """PyTorch's CrossEntropyLoss for class indices, as its documentation states it:
    l_i = (1-eps) w_{y_i} (-log q_{i,y_i}) + eps/C sum_c w_c (-log q_ic) for y_i != ignore_index,
    0 otherwise; "mean" divides by sum_{i not ignored} w_{y_i}."""
    n, c = z.shape
    w = np.ones(c) if weight is None else np.asarray(weight, float)
    logq = sp_log_softmax(z, axis=1)
    keep = y != ignore_index
    yk = np.where(keep, y, 0)
    nll = -logq[np.arange(n), yk] * w[yk]
    smooth = -(logq * w).sum(axis=1) / c
    losses = np.where(keep, (1 - label_smoothing) * nll + label_smoothing * smooth, 0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / np.where(keep, w[yk], 0).sum()


@pytest.fixture
def batch(rng):
    z = rng.normal(scale=3, size=(12, 5))
    y = rng.integers(0, 5, 12)
    y[[1, 4, 5, 11]] = IGNORE  # padding
    return y, z


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, [0.5, 1.0, 2.0, 1.5, 0.25]])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_ignore_index_matches_pytorch_formula(batch, reduction, weight, smoothing):
    y, z = batch
    ours = xl.softmax_cross_entropy(y, z, weight=weight, ignore_index=IGNORE, label_smoothing=smoothing,
                                    reduction=reduction)
    expected = torch_cross_entropy(y, z, weight, IGNORE, smoothing, reduction)
    np.testing.assert_allclose(ours, expected, rtol=1e-13, atol=0)


def test_ignore_index_is_the_mean_over_real_tokens(batch):
    y, z = batch
    keep = y != IGNORE
    np.testing.assert_allclose(xl.softmax_cross_entropy(y, z, ignore_index=IGNORE),
                               xl.softmax_cross_entropy(y[keep], z[keep]), rtol=1e-15, atol=0)
    # what an ignored sample's logits are does not matter, not even 1e4
    z2 = z.copy()
    z2[~keep] = 1e4
    assert xl.softmax_cross_entropy(y, z2, ignore_index=IGNORE) == xl.softmax_cross_entropy(
        y, z, ignore_index=IGNORE)


@pytest.mark.parametrize("kw", [{}, {"weight": [0.5, 1.0, 2.0, 1.5, 0.25]}, {"label_smoothing": 0.2},
                                {"sample_weight": np.linspace(0.1, 2, 12)}])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradient_with_ignore_index(batch, kw, reduction):
    y, z = batch
    kw = dict(kw, ignore_index=IGNORE, reduction=reduction)
    grad = xl.softmax_cross_entropy_grad(y, z, **kw)
    assert np.all(grad[y == IGNORE] == 0)
    err = xl.check_grad(lambda v: xl.softmax_cross_entropy(y, v, **kw),
                        lambda v: xl.softmax_cross_entropy_grad(y, v, **kw), z)
    assert err < 1e-7


def test_sample_weight_matches_sklearn(rng):
    y = rng.integers(0, 4, 40)
    y[:4] = [0, 1, 2, 3]
    proba = rng.dirichlet(np.ones(4), size=40)
    s = rng.uniform(0, 3, 40)
    expected = log_loss(y, proba, sample_weight=s, labels=range(4))
    np.testing.assert_allclose(xl.categorical_cross_entropy(y, proba, sample_weight=s), expected,
                               rtol=1e-12, atol=0)
    logits = np.log(proba) + rng.normal(size=(40, 1))  # softmax(logits) = proba
    np.testing.assert_allclose(xl.softmax_cross_entropy(y, logits, sample_weight=s), expected,
                               rtol=1e-12, atol=0)
    # the sum is the weighted sum; integer weights are repetitions
    counts = rng.integers(0, 4, 40)
    np.testing.assert_allclose(
        xl.softmax_cross_entropy(y, logits, sample_weight=counts, reduction="sum"),
        xl.softmax_cross_entropy(np.repeat(y, counts), np.repeat(logits, counts, axis=0), reduction="sum"),
        rtol=1e-12, atol=0)


def test_sample_weight_times_class_weight(rng):
    y = rng.integers(0, 3, 10)
    z = rng.normal(size=(10, 3))
    w, s = np.array([1.0, 2.0, 0.5]), rng.uniform(0.5, 2, 10)
    per = -sp_log_softmax(z, axis=1)[np.arange(10), y]
    expected = (s * w[y] * per).sum() / (s * w[y]).sum()
    np.testing.assert_allclose(xl.softmax_cross_entropy(y, z, weight=w, sample_weight=s), expected,
                               rtol=1e-13, atol=0)
    np.testing.assert_allclose(xl.categorical_cross_entropy(y, xl.softmax(z), weight=w, sample_weight=s),
                               expected, rtol=1e-12, atol=0)


def test_categorical_ignore_index_drops_even_infinite_losses():
    proba = np.array([[1.0, 0.0], [0.3, 0.7], [0.5, 0.5]])
    y = np.array([1, IGNORE, 0])  # the first is infinitely wrong, but kept
    assert xl.categorical_cross_entropy(y, proba, ignore_index=IGNORE) == np.inf
    y = np.array([IGNORE, 1, 0])  # label 0 stands in for the ignored one: p = 1, no nan
    np.testing.assert_allclose(xl.categorical_cross_entropy(y, proba, ignore_index=IGNORE),
                               -(np.log(0.7) + np.log(0.5)) / 2, rtol=1e-15, atol=0)
    proba[0] = [0.0, 1.0]  # ignored sample with a 0 where the stand-in label points
    assert np.isfinite(xl.categorical_cross_entropy(y, proba, ignore_index=IGNORE))


def test_every_sample_ignored():
    z = np.zeros((3, 2))
    y = np.full(3, IGNORE)
    assert xl.softmax_cross_entropy(y, z, ignore_index=IGNORE, reduction="sum") == 0.0
    assert np.all(xl.softmax_cross_entropy(y, z, ignore_index=IGNORE, reduction="none") == 0)
    with pytest.raises(ValueError, match="sum to 0"):
        xl.softmax_cross_entropy(y, z, ignore_index=IGNORE)


@pytest.mark.parametrize("kw, match", [
    ({"ignore_index": 1.5}, "ignore_index must be an integer"),
    ({"ignore_index": True}, "ignore_index must be an integer"),
    ({"sample_weight": [1.0, 2.0]}, "sample_weight must have shape"),
    ({"sample_weight": [1.0, -1.0, 1.0]}, "sample_weight must be non-negative"),
    ({"sample_weight": [1.0, np.nan, 1.0]}, "sample_weight contains NaN"),
])
@pytest.mark.parametrize("func", [xl.softmax_cross_entropy, xl.softmax_cross_entropy_grad])
def test_bad_input(func, kw, match):
    with pytest.raises(ValueError, match=match):
        func([0, 1, 0], np.zeros((3, 2)), **kw)


def test_ignore_index_needs_labels():
    with pytest.raises(ValueError, match="ignore_index applies to integer labels"):
        xl.softmax_cross_entropy(np.eye(2)[[0, 1]], np.zeros((2, 2)), ignore_index=IGNORE)
    # a label out of range that is not ignore_index is still an error
    with pytest.raises(ValueError, match="y_true must hold labels >= 0"):
        xl.softmax_cross_entropy([0, -1], np.zeros((2, 2)), ignore_index=IGNORE)


# --------------------------------------------------------------------------------------
# sample_weight on the binary family
# --------------------------------------------------------------------------------------

def test_binary_sample_weight_matches_sklearn(rng):
    y = rng.integers(0, 2, 30)
    p = rng.uniform(0.02, 0.98, 30)
    s = rng.uniform(0, 3, 30)
    expected = log_loss(y, p, sample_weight=s)
    np.testing.assert_allclose(xl.binary_cross_entropy(y, p, sample_weight=s), expected, rtol=1e-12, atol=0)
    z = np.log(p) - np.log1p(-p)
    np.testing.assert_allclose(xl.binary_cross_entropy_with_logits(y, z, sample_weight=s), expected,
                               rtol=1e-12, atol=0)


def test_multilabel_and_focal_sample_weight_by_formula(rng):
    y = rng.integers(0, 2, (8, 3)).astype(float)
    z = rng.normal(scale=2, size=(8, 3))
    s = rng.uniform(0, 2, 8)
    pw = np.array([1.0, 2.0, 0.5])
    per_sample = -(pw * y * log_expit(z) + (1 - y) * log_expit(-z)).sum(axis=1)
    np.testing.assert_allclose(xl.multilabel_cross_entropy(y, z, pos_weight=pw, sample_weight=s),
                               (s * per_sample).sum() / s.sum(), rtol=1e-13, atol=0)
    # torchvision's sigmoid_focal_loss, elementwise, then the weighted mean over elements
    p = expit(z)
    pt = p * y + (1 - p) * (1 - y)
    at = 0.25 * y + 0.75 * (1 - y)
    focal = -at * (1 - pt) ** 2 * (y * log_expit(z) + (1 - y) * log_expit(-z))
    np.testing.assert_allclose(xl.focal_loss(y, z, gamma=2.0, alpha=0.25, sample_weight=s),
                               (s[:, None] * focal).sum() / (3 * s.sum()), rtol=1e-12, atol=0)


@pytest.mark.parametrize("loss, grad, kw", [
    (xl.binary_cross_entropy_with_logits, xl.binary_cross_entropy_with_logits_grad, {"pos_weight": 2.0}),
    (xl.multilabel_cross_entropy, xl.multilabel_cross_entropy_grad, {}),
    (xl.focal_loss, xl.focal_loss_grad, {"gamma": 1.5, "alpha": 0.3}),
])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_binary_family_sample_weight_gradients_and_repetition(rng, loss, grad, kw, reduction):
    y = rng.integers(0, 2, (6, 3)).astype(float)
    z = rng.normal(scale=2, size=(6, 3))
    counts = np.array([0, 1, 2, 3, 1, 2])
    kw = dict(kw, reduction=reduction)
    err = xl.check_grad(lambda v: loss(y, v, sample_weight=counts, **kw),
                        lambda v: grad(y, v, sample_weight=counts, **kw), z)
    assert err < 1e-7
    # integer weights are repetitions of the samples
    np.testing.assert_allclose(loss(y, z, sample_weight=counts, **kw),
                               loss(np.repeat(y, counts, 0), np.repeat(z, counts, 0), **kw), rtol=1e-13, atol=0)
    np.testing.assert_allclose(grad(y, z, sample_weight=counts, **kw)[counts > 0].sum(axis=0),
                               grad(np.repeat(y, counts, 0), np.repeat(z, counts, 0), **kw).sum(axis=0),
                               rtol=1e-12, atol=1e-15)


def test_zero_weight_drops_an_infinite_loss():
    # a certain, wrong prediction costs inf; with weight 0 it costs nothing (not nan)
    assert xl.binary_cross_entropy([1.0, 0.0], [0.0, 0.2], sample_weight=[0.0, 1.0]) == pytest.approx(
        -np.log(0.8), rel=1e-15, abs=0)
    assert xl.binary_cross_entropy([1.0, 0.0], [0.0, 0.2], weight=[0.0, 1.0]) == pytest.approx(
        -np.log(0.8), rel=1e-15, abs=0)


@pytest.mark.parametrize("func, y, z", [
    (xl.binary_cross_entropy, [1.0, 0.0], [0.5, 0.5]),
    (xl.binary_cross_entropy_with_logits, [1.0, 0.0], [0.5, 0.5]),
    (xl.focal_loss, [1.0, 0.0], [0.5, 0.5]),
    (xl.multilabel_cross_entropy, [[1.0], [0.0]], [[0.5], [0.5]]),
])
@pytest.mark.parametrize("sw, match", [([1.0], "sample_weight must have shape"),
                                        ([1.0, -2.0], "sample_weight must be non-negative"),
                                        ([1.0, np.inf], "sample_weight contains inf")])
def test_binary_sample_weight_bad_input(func, y, z, sw, match):
    with pytest.raises(ValueError, match=match):
        func(y, z, sample_weight=sw)


# --------------------------------------------------------------------------------------
# softmax focal loss and binary label smoothing
# --------------------------------------------------------------------------------------

def focal_reference(y, z, gamma, weight=None, sample_weight=None):
    """-w_y (1 - q_y)^gamma log q_y with scipy's log_softmax; weighted mean."""
    n, c = z.shape
    w = np.ones(c) if weight is None else np.asarray(weight)
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight)
    logq = sp_log_softmax(z, axis=1)[np.arange(n), y]
    per = -w[y] * (1 - np.exp(logq)) ** gamma * logq
    return (s * per).sum() / (s * w[y]).sum()


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 5.0])
def test_softmax_focal_loss_formula_and_gradient(rng, gamma):
    z = rng.normal(scale=2, size=(9, 4))
    y = rng.integers(0, 4, 9)
    w, s = np.array([0.25, 1.0, 2.0, 0.5]), rng.uniform(0.2, 2, 9)
    np.testing.assert_allclose(xl.softmax_focal_loss(y, z, gamma=gamma, weight=w, sample_weight=s),
                               focal_reference(y, z, gamma, w, s), rtol=1e-12, atol=0)
    for kw in ({}, {"weight": w, "sample_weight": s}, {"reduction": "sum"}):
        err = xl.check_grad(lambda v, kw=kw: xl.softmax_focal_loss(y, v, gamma=gamma, **kw),
                            lambda v, kw=kw: xl.softmax_focal_loss_grad(y, v, gamma=gamma, **kw), z)
        assert err < 1e-7


def test_softmax_focal_gamma_zero_is_cross_entropy(rng):
    z = rng.normal(scale=3, size=(7, 5))
    y = rng.integers(0, 5, 7)
    y[2] = IGNORE
    kw = {"weight": [1.0, 2.0, 0.5, 1.0, 3.0], "ignore_index": IGNORE}
    np.testing.assert_allclose(xl.softmax_focal_loss(y, z, gamma=0.0, **kw),
                               xl.softmax_cross_entropy(y, z, **kw), rtol=1e-14, atol=0)
    np.testing.assert_allclose(xl.softmax_focal_loss_grad(y, z, gamma=0.0, **kw),
                               xl.softmax_cross_entropy_grad(y, z, **kw), rtol=1e-13, atol=1e-17)


def test_softmax_focal_confident_and_correct_keeps_its_digits():
    import mpmath as mp
    mp.mp.dps = 60
    z = np.array([[30.0, 0.0, -5.0]])  # q_y = 1 - 9.4e-14: 1 - q_y from expm1
    zs = [mp.mpf(v) for v in z[0]]
    lse = mp.log(mp.fsum(mp.exp(v) for v in zs))
    logq = zs[0] - lse
    exact = -(-mp.expm1(logq)) ** 2 * logq
    assert abs(xl.softmax_focal_loss([0], z, gamma=2.0) - float(exact)) <= 4 * np.spacing(float(exact))
    u = -mp.expm1(logq)
    f = u**2 * (1 - 2 * mp.exp(logq) * logq / u)
    g = xl.softmax_focal_loss_grad([0], z, gamma=2.0)[0]
    assert abs(g[0] - float(-f * u)) <= 8 * np.spacing(float(f * u))


def test_softmax_focal_needs_labels():
    with pytest.raises(ValueError, match="integer labels"):
        xl.softmax_focal_loss(np.eye(2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        xl.softmax_focal_loss([0], np.zeros((1, 2)), gamma=-1.0)


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
def test_binary_label_smoothing_is_keras(rng, eps):
    y = rng.integers(0, 2, (6, 3)).astype(float)
    z = rng.normal(scale=2, size=(6, 3))
    y_smooth = y * (1 - eps) + 0.5 * eps  # Keras BinaryCrossentropy(label_smoothing=eps)
    elementwise = -(y_smooth * log_expit(z) + (1 - y_smooth) * log_expit(-z))
    np.testing.assert_allclose(xl.binary_cross_entropy_with_logits(y, z, label_smoothing=eps),
                               elementwise.mean(), rtol=1e-13, atol=0)
    np.testing.assert_allclose(xl.binary_cross_entropy(y, xl.sigmoid(z), label_smoothing=eps),
                               elementwise.mean(), rtol=1e-12, atol=0)
    np.testing.assert_allclose(xl.multilabel_cross_entropy(y, z, label_smoothing=eps),
                               elementwise.sum(axis=1).mean(), rtol=1e-13, atol=0)
    for loss, grad in [(xl.binary_cross_entropy_with_logits, xl.binary_cross_entropy_with_logits_grad),
                       (xl.multilabel_cross_entropy, xl.multilabel_cross_entropy_grad)]:
        err = xl.check_grad(lambda v, loss=loss: loss(y, v, label_smoothing=eps),
                            lambda v, grad=grad: grad(y, v, label_smoothing=eps), z)
        assert err < 1e-7
    with pytest.raises(ValueError, match="label_smoothing must be <= 1"):
        xl.binary_cross_entropy_with_logits(y, z, label_smoothing=1.5)
