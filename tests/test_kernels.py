"""The value-and-gradient kernels (xentlib/_kernels.py) give, bit for bit, what the
whole-array formulas they replaced gave; the value and the gradient from one kernel
call equal those of separate calls.

The references below are the formulas of the losses before the kernels existed,
written out here as plain whole-array NumPy expressions and evaluated in the same run
(no pinned numbers). Sizes cover one element, a 0-d array, several blocks and the
threaded path of the blocked kernels.
"""

import numpy as np
import pytest

import xentlib as xl
from xentlib import _kernels
from xentlib._special import log_softmax_parts

SIZES = [(), (1,), (7,), (3, 5), (_kernels._BLOCK * 3 + 5,), (_kernels._PARALLEL_MIN + 123,)]


def _bce_ref(y, z, pw=None):
    t = np.log1p(np.exp(-np.abs(z)))
    relu = np.maximum(z, 0)
    if pw is None:
        return (relu - y * z) + t
    return pw * y * (relu - z + t) + (1 - y) * (relu + t)


def _sigmoid_pair(z):
    e = np.exp(-np.abs(z))
    d = 1 + e
    positive = z >= 0
    return np.where(positive, 1, e) / d, np.where(positive, e, 1) / d


def _bce_grad_ref(y, z, pw=None):
    sig, sig_neg = _sigmoid_pair(z)
    pos = y * sig_neg
    if pw is not None:
        pos = pos * pw
    return (1 - y) * sig - pos


def _data(rng, shape, dtype, scale=8.0):
    z = (rng.normal(scale=scale, size=shape)).astype(dtype)
    y = rng.integers(0, 2, size=shape).astype(dtype)
    if z.size > 3:  # the special points: 0, -0, and huge logits
        z.flat[:4] = [0.0, -0.0, 800.0, -800.0]
    return y, z


def _same(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), strict=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SIZES)
def test_bce_with_logits_bit_identical_to_the_whole_array_formula(shape, dtype):
    rng = np.random.default_rng(len(shape) * 31 + np.dtype(dtype).itemsize)
    y, z = _data(rng, shape, dtype)
    n = dtype(z.size)
    _same(xl.binary_cross_entropy_with_logits(y, z, reduction="none"), _bce_ref(y, z))
    _same(xl.binary_cross_entropy_with_logits(y, z), _bce_ref(y, z).sum() / z.size)
    _same(xl.binary_cross_entropy_with_logits_grad(y, z), _bce_grad_ref(y, z) / n)
    _same(xl.binary_cross_entropy_with_logits_grad(y, z, reduction="sum"), _bce_grad_ref(y, z))
    pw = dtype(3.0)
    _same(xl.binary_cross_entropy_with_logits(y, z, pos_weight=3.0, reduction="none"),
          _bce_ref(y, z, np.asarray(pw)))
    _same(xl.binary_cross_entropy_with_logits_grad(y, z, pos_weight=3.0, reduction="sum"),
          _bce_grad_ref(y, z, np.asarray(pw)))
    # one kernel call, both halves: the same as separate calls
    loss, g = _kernels.sigmoid_ce(y, z)
    _same(loss, _kernels.sigmoid_ce(y, z, grad=False)[0])
    _same(g, _kernels.sigmoid_ce(y, z, value=False)[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multilabel_and_per_label_pos_weight_bit_identical(dtype):
    rng = np.random.default_rng(5)
    y, z = _data(rng, (400, 6), dtype)
    pw = rng.uniform(0.5, 4, size=6).astype(dtype)
    s = rng.uniform(0, 2, size=400).astype(dtype)
    ref = _bce_ref(y, z, pw)
    _same(xl.multilabel_cross_entropy(y, z, pos_weight=pw, reduction="none"), ref.sum(axis=-1))
    _same(xl.multilabel_cross_entropy(y, z, pos_weight=pw), ref.sum(axis=-1).sum() / 400)
    _same(xl.multilabel_cross_entropy_grad(y, z, pos_weight=pw), _bce_grad_ref(y, z, pw) / dtype(400))
    weighted = np.where(s[:, None] == 0, 0, _bce_grad_ref(y, z, pw) * s[:, None])
    _same(xl.multilabel_cross_entropy_grad(y, z, pos_weight=pw, sample_weight=s),
          weighted / dtype(s.sum()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("alpha", [None, 0.25])
@pytest.mark.parametrize("gamma", [0.0, 2.0, 0.5])
def test_focal_bit_identical_to_the_whole_array_formula(gamma, alpha, dtype):
    rng = np.random.default_rng(7)
    y, z = _data(rng, (3000,), dtype, scale=20.0)
    y[:500] = rng.uniform(size=500)  # soft targets too
    ce = _bce_ref(y, z)
    s, s_neg = _sigmoid_pair(z)
    m = y * s_neg + (1 - y) * s
    loss = m**gamma * ce
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m > 0, s * s_neg / m, 1 - m)
    g = (1 - y) * s - y * s_neg
    if gamma:
        g = m**gamma * (g + gamma * ratio * (1 - 2 * y) * ce)
    if alpha is not None:
        alpha_t = alpha * y + (1 - alpha) * (1 - y)
        loss, g = alpha_t * loss, alpha_t * g
    _same(xl.focal_loss(y, z, gamma=gamma, alpha=alpha, reduction="none"), loss)
    _same(xl.focal_loss(y, z, gamma=gamma, alpha=alpha), loss.sum() / loss.size)
    _same(xl.focal_loss_grad(y, z, gamma=gamma, alpha=alpha), g / dtype(g.size))


def _softmax_parts_ref(z, labels):
    m, l1p, q = log_softmax_parts(z, -1, keep_exp=True)
    log_q_y = (np.take_along_axis(z, labels[:, None], axis=-1)[:, 0] - m[:, 0]) - l1p[:, 0]
    return m, l1p, q, log_q_y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 2), (50, 3), (2000, 2), (300, 1000)])
def test_softmax_ce_bit_identical_to_the_whole_array_formula(shape, dtype):
    rng = np.random.default_rng(shape[1])
    z = rng.normal(scale=10, size=shape).astype(dtype)
    labels = rng.integers(0, shape[1], size=shape[0])
    w = rng.uniform(0.5, 2, size=shape[1]).astype(dtype)
    m, l1p, q, log_q_y = _softmax_parts_ref(z, labels)
    # labels, no smoothing: -log q_y, and q with the true class's q_y - 1 = expm1(log q_y)
    _same(xl.softmax_cross_entropy(labels, z, reduction="none"), -log_q_y)
    _same(xl.softmax_cross_entropy(labels, z), (-log_q_y).sum() / shape[0])
    g = q.copy()
    np.put_along_axis(g, labels[:, None], np.expm1(log_q_y)[:, None], axis=-1)
    _same(xl.softmax_cross_entropy_grad(labels, z), g / dtype(shape[0]))
    _same(xl.softmax_cross_entropy(labels, z, weight=w), (w[labels] * -log_q_y).sum() / w[labels].sum())
    _same(xl.softmax_cross_entropy_grad(labels, z, weight=w),
          g * w[labels][:, None] / dtype(w[labels].sum()))
    # smoothing: a = w((1 - eps) onehot + eps / C); loss -sum a log q; grad A q - a, true class exact
    eps, c = 0.1, shape[1]
    logq = (z - m) - l1p
    a = np.zeros(shape, dtype)
    np.put_along_axis(a, labels[:, None], dtype(1 - eps), axis=-1)
    a += dtype(eps / c)
    a *= w
    _same(xl.softmax_cross_entropy(labels, z, weight=w, label_smoothing=eps, reduction="none"),
          -(a * logq).sum(axis=-1))
    gs = a.sum(axis=-1, keepdims=True) * q - a
    exact = (1 - eps) * w[labels] * np.expm1(log_q_y) + eps / c * (w.sum() * q[np.arange(shape[0]), labels] - w[labels])
    np.put_along_axis(gs, labels[:, None], exact[:, None].astype(dtype), axis=-1)
    _same(xl.softmax_cross_entropy_grad(labels, z, weight=w, label_smoothing=eps, reduction="sum"), gs)
    # probability rows
    t = rng.dirichlet(np.ones(c), size=shape[0]).astype(dtype)
    _same(xl.softmax_cross_entropy(t, z, reduction="none"), -(t * logq).sum(axis=-1))
    _same(xl.softmax_cross_entropy_grad(t, z, reduction="sum"), t.sum(axis=-1, keepdims=True) * q - t)
    # one kernel call, both halves
    loss, grad = _kernels.softmax_ce(z, labels, None, w, 0.0)
    _same(loss, _kernels.softmax_ce(z, labels, None, w, 0.0, grad=False)[0])
    _same(grad, _kernels.softmax_ce(z, labels, None, w, 0.0, value=False)[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("gamma", [0.0, 2.0])
def test_softmax_focal_bit_identical_to_the_whole_array_formula(gamma, dtype):
    rng = np.random.default_rng(11)
    z = rng.normal(scale=10, size=(500, 4)).astype(dtype)
    labels = rng.integers(0, 4, size=500)
    _, _, q, log_q_y = _softmax_parts_ref(z, labels)
    u = -np.expm1(log_q_y)
    loss = -u**gamma * log_q_y
    with np.errstate(divide="ignore", invalid="ignore"):
        l_over_u = np.where(u > 0, log_q_y / u, -1.0)
    factor = u**gamma * (1 - gamma * np.exp(log_q_y) * l_over_u)
    np.put_along_axis(q, labels[:, None], -u[:, None], axis=-1)
    _same(xl.softmax_focal_loss(labels, z, gamma=gamma, reduction="none"), loss)
    _same(xl.softmax_focal_loss_grad(labels, z, gamma=gamma, reduction="sum"), q * factor[:, None])


@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_regression_uses_the_kernel_bit_identical_to_its_former_formula(weighted):
    # SoftmaxRegression's own q - T (with expm1 at the true class) before it used the kernel
    rng = np.random.default_rng(13)
    Z = rng.normal(scale=15, size=(200, 5))
    T = np.eye(5)[rng.integers(0, 5, size=200)]
    s = rng.uniform(0, 3, size=200) if weighted else None
    m, l1p, q = log_softmax_parts(Z, -1, keep_exp=True)
    logq = (Z - m) - l1p
    loss = -(T * logq).sum(axis=1, keepdims=True)
    dZ = np.where(T == 1, np.expm1(logq), q - T)
    if s is not None:
        loss, dZ = loss * s[:, None], dZ * s[:, None]
    got_loss, got_dZ = xl.SoftmaxRegression()._loss_and_dlogits(Z, T, s)
    _same(got_loss, loss)
    _same(got_dZ, dZ)


def test_focal_gradients_are_finite_and_silent_where_the_modulating_factor_underflows():
    # 1 - p_t rounds to 0 (binary: sigma(-800); softmax: q_y rounds to 1, u = 0): the
    # 0/0 of the limit terms is guarded, so no NaN and no floating-point warning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for gamma in (0.0, 0.5, 2.0):
            g = xl.focal_loss_grad([1.0, 0.0], [800.0, -800.0], gamma=gamma, reduction="sum")
            assert np.all(np.isfinite(g))
            g = xl.softmax_focal_loss_grad([0, 1], [[800.0, 0.0], [0.0, 60.0]], gamma=gamma,
                                           reduction="sum")
            assert np.all(np.isfinite(g)) and np.all(np.abs(g) < 1e-20)


def test_softmax_focal_classes_on_the_last_axis_of_3d_logits():
    rng = np.random.default_rng(17)
    z = rng.normal(scale=3, size=(4, 5, 3))
    labels = rng.integers(0, 3, size=(4, 5))
    for fn, reduction in ((xl.softmax_focal_loss, "none"), (xl.softmax_focal_loss_grad, "sum")):
        flat = fn(labels.reshape(-1), z.reshape(-1, 3), gamma=2.0, reduction=reduction)
        got = fn(labels, z, gamma=2.0, reduction=reduction)
        _same(got.reshape(flat.shape), flat)
