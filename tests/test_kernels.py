"""The value-and-gradient kernels (xentlib/_kernels.py) give, bit for bit, what the
whole-array formulas they replaced gave; the value and the gradient from one kernel
call equal those of separate calls.

The references below are the formulas of the losses before the kernels existed,
written out here as plain whole-array NumPy expressions and evaluated in the same run
(no pinned numbers). Sizes cover one element, a 0-d array, several blocks and the
threaded path of the blocked kernels.
"""

import os

import numpy as np
import pytest

import xentlib as xl
from xentlib import _kernels
from xentlib._objectives import SoftmaxObjective
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


def _nll_ref(z, labels):
    """-log q_y and q - one_hot(y) for labels, as whole-array formulas: from
    log_softmax_parts for float64; for float32 every step in float64 (z - m exact, no
    TwoSum correction, the row sums by einsum), rounded to float32
    once at the end."""
    if z.dtype == np.float64:
        _, _, q, log_q_y = _softmax_parts_ref(z, labels)
        g = q.copy()
        np.put_along_axis(g, labels[:, None], np.expm1(log_q_y)[:, None], axis=-1)
        return -log_q_y, g
    z64 = z.astype(np.float64)
    k = np.argmax(z64, axis=-1)[:, None]
    m = np.take_along_axis(z64, k, axis=-1)
    e = np.exp(z64 - m)
    np.put_along_axis(e, k, 0.0, axis=-1)
    s = np.einsum("ij->i", e)[:, None]  # the kernel's row sums (any order is exact enough)
    log_q_y = (np.take_along_axis(z64, labels[:, None], axis=-1) - m) - np.log1p(s)
    np.put_along_axis(e, k, 1.0, axis=-1)
    g = e / (1 + s)
    np.put_along_axis(g, labels[:, None], np.expm1(log_q_y), axis=-1)
    return (-log_q_y[:, 0]).astype(z.dtype), g.astype(z.dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 2), (50, 3), (2000, 2), (300, 1000), (1100, 1000)])  # the last: threads
def test_softmax_ce_bit_identical_to_the_whole_array_formula(shape, dtype):
    rng = np.random.default_rng(shape[1])
    z = rng.normal(scale=10, size=shape).astype(dtype)
    labels = rng.integers(0, shape[1], size=shape[0])
    w = rng.uniform(0.5, 2, size=shape[1]).astype(dtype)
    m, l1p, q, log_q_y = _softmax_parts_ref(z, labels)
    # labels, no smoothing: -log q_y, and q with the true class's q_y - 1 = expm1(log q_y)
    nll, g = _nll_ref(z, labels)
    _same(xl.softmax_cross_entropy(labels, z, reduction="none"), nll)
    _same(xl.softmax_cross_entropy(labels, z), nll.sum() / shape[0])
    _same(xl.softmax_cross_entropy_grad(labels, z), g / dtype(shape[0]))
    _same(xl.softmax_cross_entropy(labels, z, weight=w), (w[labels] * nll).sum() / w[labels].sum())
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
    # SoftmaxRegression's own q - T (with expm1 at the true class) before it used the
    # kernel, now through its objective
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
    got_loss, got_dZ = SoftmaxObjective._loss_and_dlogits(Z, T.argmax(axis=1))
    got_loss = got_loss[:, None]
    if s is not None:
        got_loss, got_dZ = got_loss * s[:, None], got_dZ * s[:, None]
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


# --- float32 softmax cross-entropy: computed in float64 without the TwoSum correction,
# rounded once; checked against 60-digit mpmath (independent of xentlib), atol=0 ---

def _mp_nll_and_grad(row, label):
    """-log q_y and the gradient row q - one_hot(y) of one row of logits, at 60 digits
    (the label's q_y - 1 as -(sum of the other exponentials) / total: no cancellation)."""
    import mpmath as mp

    with mp.workdps(60):
        zs = [mp.mpf(float(v)) for v in row]
        top = max(zs)
        ex = [mp.exp(v - top) for v in zs]
        total = mp.fsum(ex)
        others = mp.fsum(e for j, e in enumerate(ex) if j != label)
        nll = mp.log1p(mp.fsum(mp.exp(v - zs[label]) for j, v in enumerate(zs) if j != label))
        grad = [(-others / total) if j == label else e / total for j, e in enumerate(ex)]
        return float(nll), np.array([float(v) for v in grad])


def _float32_battery():
    rng = np.random.default_rng(23)
    rows = [[1e4, 0.0, -1e4], [0.0, -40.0, -40.0], [-1e4, 1e4, 0.0], [0.0, -80.0],
            [1000.0, 1000.0], [0.0, -1e-6, 1e-6], [-80.0, 0.0, 80.0], [0.3, -40.1],
            [3.0, -3.0], [0.0, 103.0]]
    rows += [list(rng.normal(scale=20, size=5)) for _ in range(6)]
    rows += [list(rng.normal(scale=30, size=1000))]
    rows += [list(5.0 + np.arange(1000, dtype=np.float32) * np.float32(2.0**-20))]  # near-ties
    return [np.array(r, dtype=np.float32) for r in rows]


def test_float32_softmax_ce_and_gradient_within_4_ulp_of_mpmath():
    from reference import ulps

    for row in _float32_battery():
        c = row.size
        labels = sorted({0, 1, c // 2, c - 1, int(np.argmax(row)), int(np.argmin(row))})
        for label in labels:
            nll, grad = _mp_nll_and_grad(row, label)
            got = xl.softmax_cross_entropy([label], row[None, :], reduction="none")
            got_g = xl.softmax_cross_entropy_grad([label], row[None, :], reduction="sum")
            assert got.dtype == np.float32 and got_g.dtype == np.float32
            assert np.isfinite(got).all() and np.isfinite(got_g).all()
            assert ulps(got[0], nll, np.float32) <= 4, (row[:3], label, got[0], nll)
            assert ulps(got_g[0], grad, np.float32).max() <= 4, (row[:3], label)


def test_float32_softmax_ce_single_sample_and_many_rows_agree_with_mpmath():
    from reference import ulps

    rng = np.random.default_rng(29)
    # a 1-D row with a 0-d label, and many rows (several blocks, C = 2 and C = 7)
    row = np.array([2.0, -30.0, 0.5], dtype=np.float32)
    got = xl.softmax_cross_entropy(np.int64(0), row, reduction="none")
    assert got.shape == () and got.dtype == np.float32
    assert ulps(got, _mp_nll_and_grad(row, 0)[0], np.float32) <= 4
    for c in (2, 7):
        z = rng.normal(scale=25, size=(3000, c)).astype(np.float32)
        y = rng.integers(0, c, size=3000)
        got = xl.softmax_cross_entropy(y, z, reduction="none")
        idx = rng.choice(3000, size=60, replace=False)
        expected = np.array([_mp_nll_and_grad(z[i], y[i])[0] for i in idx])
        assert ulps(got[idx], expected, np.float32).max() <= 4
        g = xl.softmax_cross_entropy_grad(y, z, reduction="sum")
        expected_g = np.array([_mp_nll_and_grad(z[i], y[i])[1] for i in idx])
        assert ulps(g[idx], expected_g, np.float32).max() <= 4


def test_float32_log_softmax_within_4_ulp_of_mpmath():
    from reference import log_softmax_row, ulps

    for row in _float32_battery():
        got = xl.log_softmax(row)
        assert got.dtype == np.float32
        assert ulps(got, log_softmax_row(row), np.float32).max() <= 4


@pytest.mark.skipif("MUTANT_UNDER_TEST" in os.environ,
                    reason="under mutmut, tracemalloc also counts its trampolines")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [2, 3, 10, 100, 1000])
def test_softmax_ce_peak_extra_memory_at_most_3x_the_logits(c, dtype):
    # tracemalloc sees NumPy's allocations; its peak is deterministic for a code path.
    # The value needs one loss per sample, the gradient one array of the logits' size,
    # and the blocks' temporaries stay at most about an eighth of the input's.
    import tracemalloc

    rng = np.random.default_rng(c)
    z = rng.normal(scale=3, size=(1000, c)).astype(dtype)
    y = rng.integers(0, c, size=1000)
    for fn in (xl.softmax_cross_entropy, xl.softmax_cross_entropy_grad):
        fn(y, z)  # warm-up: first-call allocations (caches, the thread pool) are not the loss's
        tracemalloc.start()
        try:
            fn(y, z)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak <= 3 * z.nbytes, (fn.__name__, peak / z.nbytes)
