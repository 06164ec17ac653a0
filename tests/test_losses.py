"""Losses and gradients against independent references: hand values, scikit-learn,
scipy.special, mpmath, and the published PyTorch / torchvision formulas written out."""

import numpy as np
import pytest
import reference as ref
import scipy.special as sc
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import log_loss

import xentlib as xl

# --- binary cross-entropy --------------------------------------------------

def test_bce_worked_example():
    # -(ln .9 + ln .9 + ln .8 + ln .6) / 4, and scikit-learn's log_loss
    y, p = [1, 0, 1, 0], [0.9, 0.1, 0.8, 0.4]
    hand = -(2 * np.log(0.9) + np.log(0.8) + np.log(0.6)) / 4
    assert xl.binary_cross_entropy(y, p) == pytest.approx(hand, abs=0, rel=1e-15)
    assert xl.binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p), abs=0, rel=1e-15)


def test_bce_weights_match_sklearn_sample_weight(rng):
    y = rng.integers(0, 2, 50)
    p = rng.uniform(0.01, 0.99, 50)
    w = rng.uniform(0, 3, 50)
    assert xl.binary_cross_entropy(y, p, weight=w) == pytest.approx(
        log_loss(y, p, sample_weight=w), abs=0, rel=1e-13)
    assert xl.binary_cross_entropy(y, p, weight=w, reduction="sum") == pytest.approx(
        log_loss(y, p, sample_weight=w) * w.sum(), abs=0, rel=1e-13)


def test_bce_exact_at_zero_and_one():
    assert xl.binary_cross_entropy([1, 0], [1.0, 0.0]) == 0.0
    assert xl.binary_cross_entropy([1], [0.0]) == np.inf
    assert xl.binary_cross_entropy([0], [1.0]) == np.inf
    # clipping caps the loss at -log(eps)
    assert xl.binary_cross_entropy([1], [0.0], eps=1e-7) == pytest.approx(-np.log(1e-7))


def test_bce_none_and_soft_targets():
    out = xl.binary_cross_entropy([0.3], [0.6], reduction="none")
    assert out.shape == (1,)
    assert out[0] == pytest.approx(-(0.3 * np.log(0.6) + 0.7 * np.log(0.4)), abs=0, rel=1e-15)


LOGITS = np.array([-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4])


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_logits_against_mpmath(y):
    expected = ref.softplus(LOGITS) if y == 0 else ref.softplus(-LOGITS)
    got = xl.binary_cross_entropy_with_logits(np.full(LOGITS.size, y), LOGITS, reduction="none")
    np.testing.assert_allclose(got, expected, rtol=4e-16, atol=0)


def test_bce_with_logits_matches_probabilities_form(rng):
    z = rng.normal(scale=3, size=40)
    y = rng.integers(0, 2, 40)
    assert xl.binary_cross_entropy_with_logits(y, z) == pytest.approx(
        log_loss(y, sc.expit(z)), abs=0, rel=1e-12)


def test_pos_weight_pytorch_formula(rng):
    # torch.nn.BCEWithLogitsLoss: -[pw * y * log s(z) + (1 - y) * log(1 - s(z))]
    z = rng.normal(size=(6, 3))
    y = rng.integers(0, 2, (6, 3)).astype(float)
    pw = np.array([1.0, 3.0, 0.5])
    expected = -(pw * y * sc.log_expit(z) + (1 - y) * sc.log_expit(-z)).mean()
    assert xl.binary_cross_entropy_with_logits(y, z, pos_weight=pw) == pytest.approx(
        expected, abs=0, rel=1e-13)
    assert xl.binary_cross_entropy_with_logits(y, z, pos_weight=2.0) == pytest.approx(
        -(2 * y * sc.log_expit(z) + (1 - y) * sc.log_expit(-z)).mean(), abs=0, rel=1e-13)


# --- categorical cross-entropy ---------------------------------------------

Y3 = [0, 2, 1, 2]
P3 = [[0.9, 0.05, 0.05], [0.1, 0.1, 0.8], [0.2, 0.7, 0.1], [0.05, 0.1, 0.85]]


def test_categorical_worked_example():
    hand = -(np.log(0.9) + np.log(0.8) + np.log(0.7) + np.log(0.85)) / 4
    assert xl.categorical_cross_entropy(Y3, P3) == pytest.approx(hand, abs=0, rel=1e-15)
    assert xl.categorical_cross_entropy(Y3, P3) == pytest.approx(log_loss(Y3, P3), abs=0, rel=1e-15)
    one_hot = np.eye(3)[Y3]
    assert xl.categorical_cross_entropy(one_hot, P3) == xl.categorical_cross_entropy(Y3, P3)


def test_categorical_class_weight_is_weighted_mean():
    w = np.array([1.0, 2.0, 0.5])
    sample_w = w[Y3]
    assert xl.categorical_cross_entropy(Y3, P3, weight=w) == pytest.approx(
        log_loss(Y3, P3, sample_weight=sample_w), abs=0, rel=1e-14)
    assert xl.categorical_cross_entropy(np.eye(3)[Y3], P3, weight=w) == pytest.approx(
        log_loss(Y3, P3, sample_weight=sample_w), abs=0, rel=1e-14)


def test_categorical_zero_probability_is_inf():
    assert xl.categorical_cross_entropy([1], [[1.0, 0.0]]) == np.inf
    assert xl.categorical_cross_entropy([0], [[1.0, 0.0]]) == 0.0
    assert np.isfinite(xl.categorical_cross_entropy([1], [[1.0, 0.0]], eps=1e-12))


def test_softmax_ce_against_scipy_and_sklearn(rng):
    z = rng.normal(scale=4, size=(30, 5))
    y = rng.integers(0, 5, 30)
    expected = -sc.log_softmax(z, axis=1)[np.arange(30), y].mean()
    assert xl.softmax_cross_entropy(y, z) == pytest.approx(expected, abs=0, rel=1e-13)
    assert xl.softmax_cross_entropy(y, z) == pytest.approx(
        log_loss(y, sc.softmax(z, axis=1), labels=range(5)), abs=0, rel=1e-12)


def test_softmax_ce_extremes_against_mpmath():
    rows = np.array([[1e4, 0.0, -1e4], [0.0, -40.0, -40.0], [-1e4, 1e4, 0.0]])
    for label in range(3):
        got = xl.softmax_cross_entropy(np.full(3, label), rows, reduction="none")
        expected = [-ref.log_softmax_row(r)[label] for r in rows]
        np.testing.assert_allclose(got, expected, rtol=4e-16)


def test_pytorch_weight_and_label_smoothing_formula(rng):
    # torch.nn.CrossEntropyLoss(weight=w, label_smoothing=e) with integer targets:
    # sum_i [(1-e) w_{y_i} (-log q_{i,y_i}) + e/C sum_c w_c (-log q_ic)] / sum_i w_{y_i}
    z = rng.normal(size=(8, 4))
    y = rng.integers(0, 4, 8)
    w = np.array([0.5, 1.0, 2.0, 1.5])
    e = 0.2
    logq = sc.log_softmax(z, axis=1)
    num = ((1 - e) * w[y] * -logq[np.arange(8), y] + e / 4 * (w * -logq).sum(axis=1)).sum()
    expected = num / w[y].sum()
    assert xl.softmax_cross_entropy(y, z, weight=w, label_smoothing=e) == pytest.approx(
        expected, abs=0, rel=1e-13)
    # one-hot targets give the same
    assert xl.softmax_cross_entropy(np.eye(4)[y], z, weight=w, label_smoothing=e) == \
        pytest.approx(expected, abs=0, rel=1e-13)


def test_label_smoothing_equals_smoothed_targets(rng):
    z = rng.normal(size=(5, 3))
    y = rng.integers(0, 3, 5)
    smoothed = 0.9 * np.eye(3)[y] + 0.1 / 3
    assert xl.softmax_cross_entropy(y, z, label_smoothing=0.1) == pytest.approx(
        -(smoothed * sc.log_softmax(z, axis=1)).sum(axis=1).mean(), abs=0, rel=1e-13)


@given(arrays(np.float64, (4, 5), elements=st.floats(-50, 50)), st.floats(-1e3, 1e3),
       st.lists(st.integers(0, 4), min_size=4, max_size=4))
def test_softmax_ce_shift_invariance_and_integer_equals_one_hot(z, c, y):
    y = np.array(y)
    a = xl.softmax_cross_entropy(y, z, reduction="none")
    np.testing.assert_allclose(xl.softmax_cross_entropy(y, z + c, reduction="none"), a,
                               rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(xl.softmax_cross_entropy(np.eye(5)[y], z, reduction="none"), a,
                               rtol=1e-12, atol=1e-300)


# --- multi-label and focal ----------------------------------------------------

def test_multilabel_is_sum_of_binary_per_sample(rng):
    z = rng.normal(size=(6, 4))
    y = rng.integers(0, 2, (6, 4)).astype(float)
    per_elem = -(y * sc.log_expit(z) + (1 - y) * sc.log_expit(-z))
    np.testing.assert_allclose(xl.multilabel_cross_entropy(y, z, reduction="none"),
                               per_elem.sum(axis=1), rtol=1e-13)
    assert xl.multilabel_cross_entropy(y, z) == pytest.approx(per_elem.sum(axis=1).mean(),
                                                              abs=0, rel=1e-13)


def torchvision_focal(y, z, gamma, alpha):
    """torchvision.ops.sigmoid_focal_loss, written out (reduction='none')."""
    p = sc.expit(z)
    ce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return loss


@pytest.mark.parametrize("gamma, alpha", [(2.0, 0.25), (0.5, None), (5.0, 0.75), (0.0, None)])
def test_focal_against_torchvision_formula(rng, gamma, alpha):
    z = rng.normal(scale=2, size=40)
    y = rng.integers(0, 2, 40).astype(float)
    np.testing.assert_allclose(
        xl.focal_loss(y, z, gamma=gamma, alpha=alpha, reduction="none"),
        torchvision_focal(y, z, gamma, alpha), rtol=1e-12)


@given(arrays(np.float64, 6, elements=st.floats(-60, 60)),
       arrays(np.float64, 6, elements=st.sampled_from([0.0, 1.0])))
def test_focal_gamma_zero_is_bce(z, y):
    assert xl.focal_loss(y, z, gamma=0.0) == pytest.approx(
        xl.binary_cross_entropy_with_logits(y, z), rel=1e-14, abs=1e-300)


# --- gradients -----------------------------------------------------------------

def _cases():
    "Parametrize cases, drawn at collection from a generator of their own."
    rng = np.random.default_rng(2024)
    z2 = rng.normal(scale=2, size=(5, 4))
    y_lab = rng.integers(0, 4, 5)
    y_soft = rng.dirichlet(np.ones(4), size=5)
    y_bin = rng.integers(0, 2, (5, 4)).astype(float)
    y_bin_soft = rng.uniform(size=(5, 4))
    w_cls = np.array([0.5, 1.0, 2.0, 1.5])
    w_el = rng.uniform(0.1, 2, size=(5, 4))
    pw = np.array([1.0, 2.0, 0.5, 3.0])
    out = []
    for red in ("mean", "sum"):
        out += [
            (xl.softmax_cross_entropy, y_lab, z2, {"reduction": red}),
            (xl.softmax_cross_entropy, y_soft, z2, {"reduction": red}),
            (xl.softmax_cross_entropy, y_lab, z2,
             {"weight": w_cls, "label_smoothing": 0.1, "reduction": red}),
            (xl.softmax_cross_entropy, y_soft, z2,
             {"weight": w_cls, "label_smoothing": 0.3, "reduction": red}),
            (xl.binary_cross_entropy_with_logits, y_bin, z2, {"reduction": red}),
            (xl.binary_cross_entropy_with_logits, y_bin_soft, z2,
             {"weight": w_el, "pos_weight": pw, "reduction": red}),
            (xl.multilabel_cross_entropy, y_bin, z2, {"pos_weight": pw, "reduction": red}),
            (xl.focal_loss, y_bin, z2, {"gamma": 2.0, "alpha": 0.25, "reduction": red}),
            (xl.focal_loss, y_bin, z2, {"gamma": 0.5, "reduction": red}),
            (xl.focal_loss, y_bin_soft, z2, {"gamma": 1.5, "alpha": 0.7, "reduction": red}),
        ]
    return out


GRADS = {
    xl.softmax_cross_entropy: xl.softmax_cross_entropy_grad,
    xl.binary_cross_entropy_with_logits: xl.binary_cross_entropy_with_logits_grad,
    xl.multilabel_cross_entropy: xl.multilabel_cross_entropy_grad,
    xl.focal_loss: xl.focal_loss_grad,
}


def _central_differences(f, x, h=1e-6):
    """Independent of xentlib.check_grad: plain central differences."""
    g = np.zeros_like(x)
    for j in range(x.size):
        e = np.zeros_like(x)
        e.flat[j] = h
        g.flat[j] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("loss, y, z, kw", _cases(),
                         ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_gradient_matches_finite_differences(loss, y, z, kw):
    grad = GRADS[loss]
    g = grad(y, z, **kw)
    assert g.shape == z.shape
    numeric = _central_differences(lambda x: loss(y, x, **kw), z)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)
    assert xl.check_grad(lambda x: loss(y, x, **kw), lambda x: grad(y, x, **kw), z) < 1e-6


def test_gradient_none_equals_sum(rng):
    z = rng.normal(size=(4, 3))
    y = rng.integers(0, 3, 4)
    np.testing.assert_array_equal(xl.softmax_cross_entropy_grad(y, z, reduction="none"),
                                  xl.softmax_cross_entropy_grad(y, z, reduction="sum"))


@given(arrays(np.float64, (3, 6), elements=st.floats(-1e4, 1e4)),
       st.lists(st.integers(0, 5), min_size=3, max_size=3))
def test_softmax_grad_rows_sum_to_zero_and_equal_softmax_minus_onehot(z, y):
    g = xl.softmax_cross_entropy_grad(np.array(y), z, reduction="sum")
    np.testing.assert_allclose(g.sum(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(g, sc.softmax(z, axis=1) - np.eye(6)[y], atol=1e-15)


def test_bce_grad_is_sigmoid_minus_y():
    z = np.linspace(-30, 30, 13)
    y = (np.arange(13) % 2).astype(float)
    np.testing.assert_allclose(
        xl.binary_cross_entropy_with_logits_grad(y, z, reduction="sum"),
        ref.sigmoid_minus(z, y), rtol=4e-16, atol=0)
    # the naive sigmoid(z) - 1 loses all digits where sigmoid(z) is near 1
    assert sc.expit(40.0) - 1 == 0.0
    assert xl.binary_cross_entropy_with_logits_grad([1.0], [40.0])[0] == pytest.approx(
        -np.exp(-40.0), abs=0, rel=1e-15)


def test_softmax_grad_true_class_no_cancellation():
    # q_y - 1 for logits [0, -40]: exactly -(e^-40 / (1 + e^-40))
    g = xl.softmax_cross_entropy_grad([0], [[0.0, -40.0]], reduction="sum")
    assert g[0, 0] == pytest.approx(-np.exp(-40) / (1 + np.exp(-40)), abs=0, rel=1e-14)


# --- extremes: never NaN, dtype kept -----------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_losses_finite_at_extreme_logits(dtype):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], dtype=dtype)
    yb = np.array([[1, 1, 0], [1, 0, 1]], dtype=dtype)
    ylab = np.array([1, 0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        results = [
            xl.softmax_cross_entropy(ylab, z, reduction="none"),
            xl.softmax_cross_entropy_grad(ylab, z),
            xl.softmax_cross_entropy(ylab, z, label_smoothing=0.1, weight=[1, 2, 3]),
            xl.binary_cross_entropy_with_logits(yb, z, reduction="none"),
            xl.binary_cross_entropy_with_logits_grad(yb, z, pos_weight=2.0),
            xl.multilabel_cross_entropy(yb, z, reduction="none"),
            xl.multilabel_cross_entropy_grad(yb, z),
            xl.focal_loss(yb, z, gamma=2.0, alpha=0.25, reduction="none"),
            xl.focal_loss_grad(yb, z, gamma=0.5),
        ]
    for r in results:
        assert np.asarray(r).dtype == dtype
        assert np.all(np.isfinite(r))
    np.testing.assert_allclose(results[0], [2e4, 2e4 + np.log(2)], rtol=1e-6)


def test_1000_classes(rng):
    z = rng.normal(scale=30, size=(20, 1000))
    y = rng.integers(0, 1000, 20)
    expected = -sc.log_softmax(z, axis=1)[np.arange(20), y].mean()
    assert xl.softmax_cross_entropy(y, z) == pytest.approx(expected, abs=0, rel=1e-13)
    assert xl.softmax_cross_entropy(y, z.astype(np.float32)).dtype == np.float32


# --- bad input ------------------------------------------------------------------

BINARY_LOSSES = [
    (xl.binary_cross_entropy, "y_prob"),
    (xl.binary_cross_entropy_with_logits, "logits"),
    (xl.binary_cross_entropy_with_logits_grad, "logits"),
    (xl.focal_loss, "logits"),
    (xl.focal_loss_grad, "logits"),
]


@pytest.mark.parametrize("f, pred", BINARY_LOSSES)
def test_binary_bad_input(f, pred):
    good = [0.2, 0.7]
    with pytest.raises(ValueError, match=f"y_true and {pred} must have the same shape"):
        f([1, 0, 1], good)
    with pytest.raises(ValueError, match=f"y_true and {pred} must have the same shape"):
        f([[1], [0]], good)  # no silent broadcasting
    with pytest.raises(ValueError, match=r"y_true must lie in \[0, 1\]"):
        f([2, 0], good)
    with pytest.raises(ValueError, match=f"{pred} contains NaN"):
        f([1, 0], [np.nan, 0.5])
    with pytest.raises(ValueError, match=f"{pred} is empty"):
        f([], [])
    with pytest.raises(ValueError, match="reduction must be one of"):
        f([1, 0], good, reduction="avg")
    with pytest.raises(ValueError, match="y_true contains NaN"):
        f([np.nan, 0], good)


def test_specific_bad_input():
    with pytest.raises(ValueError, match=r"y_prob must lie in \[0, 1\]"):
        xl.binary_cross_entropy([1, 0], [1.2, 0.1])
    with pytest.raises(ValueError, match="eps must be"):
        xl.binary_cross_entropy([1, 0], [0.2, 0.1], eps=0.7)
    with pytest.raises(ValueError, match="weight must have shape"):
        xl.binary_cross_entropy([1, 0], [0.2, 0.1], weight=[1.0])
    with pytest.raises(ValueError, match="weight must be non-negative"):
        xl.binary_cross_entropy_with_logits([1, 0], [0.2, 0.1], weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="weights of the samples sum to 0"):
        xl.binary_cross_entropy_with_logits([1, 0], [0.2, 0.1], weight=[0.0, 0.0])
    with pytest.raises(ValueError, match="pos_weight must be a scalar or have one value per"):
        xl.binary_cross_entropy_with_logits([[1, 0]], [[0.2, 0.1]], pos_weight=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="pos_weight must be non-negative"):
        xl.binary_cross_entropy_with_logits([1, 0], [0.2, 0.1], pos_weight=-1.0)
    with pytest.raises(ValueError, match="logits contains inf"):
        xl.binary_cross_entropy_with_logits([1, 0], [np.inf, 0.1])
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        xl.focal_loss([1, 0], [0.2, 0.1], gamma=-1)
    with pytest.raises(ValueError, match="alpha must be <= 1"):
        xl.focal_loss_grad([1, 0], [0.2, 0.1], alpha=1.5)


CATEGORICAL = [
    (xl.categorical_cross_entropy, "y_prob", P3),
    (xl.softmax_cross_entropy, "logits", np.log(P3)),
    (xl.softmax_cross_entropy_grad, "logits", np.log(P3)),
]


@pytest.mark.parametrize("f, pred, good", CATEGORICAL)
def test_categorical_bad_input(f, pred, good):
    with pytest.raises(ValueError, match="out of range for 3 classes"):
        f([0, 3, 1, 2], good)
    with pytest.raises(ValueError, match="y_true must hold labels >= 0"):
        f([0, -1, 1, 2], good)
    with pytest.raises(ValueError, match="y_true must hold integer class labels"):
        f([0, 1.5, 1, 2], good)
    with pytest.raises(ValueError, match=r"shape must be .*\(4,\)"):
        f([0, 1, 1], good)
    with pytest.raises(ValueError, match="y_true must sum to 1"):
        f(np.full((4, 3), 0.5), good)
    with pytest.raises(ValueError, match="y_true must be integer labels of shape"):
        f(np.zeros((4, 3, 1)), good)
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        f(Y3, good, weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="reduction must be one of"):
        f(Y3, good, reduction=None)
    with pytest.raises(ValueError, match=f"{pred} is empty"):
        f([], np.zeros((0, 3)))


def test_categorical_specific_bad_input():
    with pytest.raises(ValueError, match="y_prob must sum to 1"):
        xl.categorical_cross_entropy([0], [[0.5, 0.2]])
    with pytest.raises(ValueError, match="label_smoothing must be <= 1"):
        xl.softmax_cross_entropy([0], [[0.5, 0.2]], label_smoothing=2)
    with pytest.raises(ValueError, match="logits must have shape \\(n_samples, n_labels\\)"):
        xl.multilabel_cross_entropy([1, 0], [0.5, 0.2])
    with pytest.raises(ValueError, match="logits must have shape \\(n_samples, n_labels\\)"):
        xl.multilabel_cross_entropy_grad([1, 0], [0.5, 0.2])
    with pytest.raises(ValueError, match="y_true and logits must have the same shape"):
        xl.multilabel_cross_entropy([[1, 0]], [[0.5, 0.2, 0.1]])
