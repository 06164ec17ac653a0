"""The losses on sequences (3-D logits) and single samples (1-D), their weights combined,
and every bad-input message with the argument's name. Written from the survivors of
mutation testing (benchmarks/mutation.txt); references are scipy's log_softmax and
log_expit, independent of xentlib."""

import re

import numpy as np
import pytest
from scipy.special import log_expit
from scipy.special import log_softmax as sp_log_softmax

import xentlib as xl

IGNORE = -100


def test_sequences_equal_their_flattened_batch(rng):
    # (batch, time, classes): what a language model computes; padding ignored
    z = rng.normal(scale=2, size=(3, 4, 5))
    y = rng.integers(0, 5, (3, 4))
    y[0, 3] = y[2, 2:] = IGNORE
    s = rng.uniform(0.5, 2, (3, 4))
    w = np.array([1.0, 0.5, 2.0, 1.5, 0.25])
    kw = {"weight": w, "sample_weight": s, "ignore_index": IGNORE}
    flat = {"weight": w, "sample_weight": s.reshape(-1), "ignore_index": IGNORE}
    for loss in (xl.softmax_cross_entropy, xl.softmax_focal_loss):
        np.testing.assert_allclose(loss(y, z, **kw), loss(y.reshape(-1), z.reshape(-1, 5), **flat),
                                   rtol=1e-14, atol=0)
        assert loss(y, z, reduction="none", **kw).shape == (3, 4)
    g3 = xl.softmax_cross_entropy_grad(y, z, label_smoothing=0.1, **kw)
    g2 = xl.softmax_cross_entropy_grad(y.reshape(-1), z.reshape(-1, 5), label_smoothing=0.1, **flat)
    np.testing.assert_allclose(g3.reshape(-1, 5), g2, rtol=1e-13, atol=1e-17)
    # by formula: sum over real tokens of s w_y (-log q_y), over sum of s w_y
    keep = y != IGNORE
    logq = sp_log_softmax(z, axis=-1)
    yk = np.where(keep, y, 0)
    nll = -np.take_along_axis(logq, yk[..., None], axis=-1)[..., 0]
    weight = np.where(keep, s * w[yk], 0.0)
    np.testing.assert_allclose(xl.softmax_cross_entropy(y, z, **kw), (weight * nll).sum() / weight.sum(),
                               rtol=1e-13, atol=0)


def test_probability_rows_in_three_dimensions(rng):
    z = rng.normal(size=(2, 3, 4))
    t = rng.dirichlet(np.ones(4), size=(2, 3))
    w = np.array([1.0, 2.0, 0.5, 1.0])
    logq = sp_log_softmax(z, axis=-1)
    per = -(t * w * logq).sum(axis=-1)
    np.testing.assert_allclose(xl.softmax_cross_entropy(t, z, weight=w), per.sum() / (t * w).sum(),
                               rtol=1e-13, atol=0)
    np.testing.assert_allclose(xl.categorical_cross_entropy(t, xl.softmax(z), weight=w),
                               per.sum() / (t * w).sum(), rtol=1e-12, atol=0)


def test_one_sample_one_dimensional():
    z = np.array([2.0, 0.5, -1.0])
    expected = -sp_log_softmax(z)[0]
    for loss in (xl.softmax_cross_entropy, xl.softmax_focal_loss):
        kw = {"gamma": 0.0} if loss is xl.softmax_focal_loss else {}
        np.testing.assert_allclose(loss(0, z, **kw), expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(xl.softmax_cross_entropy(np.array([1.0, 0, 0]), z), expected, rtol=1e-15, atol=0)


def test_one_class_with_ignore_index():
    z = np.zeros((3, 1))
    assert xl.softmax_cross_entropy([IGNORE, 0, 0], z, ignore_index=IGNORE) == 0.0


def test_binary_weight_times_sample_weight(rng):
    y = rng.integers(0, 2, (5, 3)).astype(float)
    z = rng.normal(size=(5, 3))
    w, s = rng.uniform(0.5, 2, (5, 3)), rng.uniform(0.5, 2, 5)
    per = -(y * log_expit(z) + (1 - y) * log_expit(-z))
    both = w * s[:, None]
    np.testing.assert_allclose(xl.binary_cross_entropy_with_logits(y, z, weight=w, sample_weight=s),
                               (both * per).sum() / both.sum(), rtol=1e-13, atol=0)


def test_pos_weight_zero_is_allowed():
    # pos_weight 0 drops the positive term: the loss of a positive is 0
    assert xl.binary_cross_entropy_with_logits([1.0], [0.0], pos_weight=0.0) == 0.0
    np.testing.assert_allclose(xl.multilabel_cross_entropy([[1.0, 0.0]], [[0.0, 0.0]], pos_weight=[0.0, 1.0]),
                               np.log(2), rtol=1e-15, atol=0)


def _raises(match, func, *args, **kw):
    with pytest.raises(ValueError, match="^" + re.escape(match)):
        func(*args, **kw)


def test_messages_name_the_argument():
    z2 = np.zeros((2, 3))
    _raises("logits must have at least 1 dimension(s), got shape ()", xl.softmax_cross_entropy, 0, 1.0)
    _raises("logits must have at least 1 dimension(s), got shape ()", xl.softmax_focal_loss, 0, 1.0)
    _raises("y_true holds integer labels, so its shape must be logits.shape[:-1] = (2,); got (3,)",
            xl.softmax_cross_entropy, [0, 1, 2], z2)
    _raises("y_prob must lie in [0, 1]", xl.categorical_cross_entropy, [0, 1], np.full((2, 2), 2.0))
    _raises("y_true and logits must have the same shape; got (2, 2) and (2, 3)",
            xl.softmax_cross_entropy, np.eye(2), z2)
    _raises("y_true must sum to 1 along axis -1", xl.softmax_cross_entropy, np.full((2, 3), 0.5), z2)
    _raises("y_true contains NaN", xl.softmax_cross_entropy, np.full((2, 3), np.nan), z2)
    _raises("y_true must be integer labels of shape (2,) or probability rows of shape (2, 3); got shape (2, 3, 1)",
            xl.softmax_cross_entropy, np.zeros((2, 3, 1)), z2)
    _raises("ignore_index applies to integer labels; y_true holds probability rows",
            xl.categorical_cross_entropy, np.eye(3)[[0, 1]], np.eye(3)[[0, 1]], ignore_index=IGNORE)
    _raises("y_true: softmax_focal_loss takes integer labels, not probability rows",
            xl.softmax_focal_loss, np.eye(3)[[0, 1]], z2)
    _raises("weight must have shape (3,), got (2,)", xl.softmax_cross_entropy, [0, 1], z2, weight=[1.0, 1.0])
    _raises("weight: the weights of the samples sum to 0 (weight, sample_weight and ignore_index together), "
            'so the mean is undefined; use reduction="sum"', xl.softmax_cross_entropy, [0, 1], z2,
            sample_weight=[0.0, 0.0])
    _raises("label_smoothing must be >= 0.0, got -0.1", xl.softmax_cross_entropy, [0, 1], z2, label_smoothing=-0.1)
    _raises("label_smoothing must be >= 0.0, got -0.1", xl.binary_cross_entropy_with_logits, [1.0], [0.0],
            label_smoothing=-0.1)
    _raises("alpha must be >= 0.0, got -0.1", xl.focal_loss, [1.0], [0.0], alpha=-0.1)
    _raises("pos_weight must be non-negative", xl.binary_cross_entropy_with_logits, [1.0], [0.0], pos_weight=-1.0)
    _raises("pos_weight contains NaN", xl.binary_cross_entropy_with_logits, [1.0], [0.0], pos_weight=np.nan)
    _raises("pos_weight must be a scalar or have one value per label, shape (2,); got shape (3,)",
            xl.multilabel_cross_entropy, [[1.0, 0.0]], [[0.0, 0.0]], pos_weight=[1.0, 1.0, 1.0])
    _raises("pos_weight must be a scalar or have one value per label, shape (n_labels,); got shape (2,)",
            xl.binary_cross_entropy_with_logits, [1.0, 0.0], [0.0, 0.0], pos_weight=[1.0, 1.0])
    _raises("sample_weight contains NaN", xl.multilabel_cross_entropy, [[1.0]], [[0.0]], sample_weight=[np.nan])
    _raises("logits must have shape (n_samples, n_labels); got shape (2,)", xl.multilabel_cross_entropy,
            [1.0, 0.0], [0.0, 0.0])


def test_weights_keep_the_prediction_dtype():
    z = np.zeros((2, 2), dtype=np.float32)
    for kw in ({"weight": [1.0, 2.0]}, {"sample_weight": [1.0, 2.0]}):
        assert xl.softmax_cross_entropy([0, 1], z, reduction="none", **kw).dtype == np.float32
        assert xl.softmax_cross_entropy_grad([0, 1], z, **kw).dtype == np.float32
    assert xl.binary_cross_entropy_with_logits(np.ones((2, 2)), z, weight=np.ones((2, 2)),
                                               reduction="none").dtype == np.float32
    assert xl.binary_cross_entropy_with_logits(np.ones((2, 2)), z, sample_weight=[1.0, 2.0],
                                               reduction="none").dtype == np.float32
    assert xl.multilabel_cross_entropy(np.ones((2, 2)), z, sample_weight=[1.0, 2.0], pos_weight=[1.0, 2.0],
                                       reduction="none").dtype == np.float32
