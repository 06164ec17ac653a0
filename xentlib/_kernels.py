r"""Private value-and-gradient kernels: one per loss family (not part of the public API).

Each kernel takes arrays that the public functions in :mod:`xentlib.losses` have
already validated, and returns ``(value, gradient)`` computed from the same
intermediate quantities (the :math:`e^{-|z|}` of the sigmoid losses, the
log-softmax parts of the softmax losses), as scikit-learn's ``loss_gradient`` does.
Either half can be skipped with ``value=False`` or ``grad=False`` (it is then None);
the half that is computed is the same, bit for bit, whether the other is computed or
not. Weights per sample and the reduction are the caller's job
(``losses._finish_value`` and ``losses._finish_grad``: "mean" is decided there, once).

* :func:`sigmoid_ce`: binary cross-entropy from logits, per element;
* :func:`multilabel_ce`: the same summed over the labels, per sample (gradient per element);
* :func:`sigmoid_focal`: the binary focal loss, per element;
* :func:`softmax_ce`: softmax cross-entropy (labels or probability rows, class
  weights, label smoothing), per sample (gradient rows);
* :func:`softmax_focal`: the categorical focal loss, per sample (gradient rows).

The sigmoid kernels work through the data in blocks of up to :data:`_BLOCK` elements
(the temporaries stay in cache and are one block's size), spread over threads for
large inputs (NumPy releases the GIL); elementwise results do not depend on the
blocking, so the results are those of whole-array NumPy expressions.
"""

from __future__ import annotations

import numpy as np

from ._special import (
    _MIN_BLOCK,
    _PARALLEL_MIN,
    _run_blocks,
    expit_pair,
    log_softmax_parts,
    softmax_nll,
)

# elements per block of the elementwise kernels (512 KiB of float64): 2**14 .. 2**17
# ran within 10% of each other on 10**6 logits (2**16 and 2**17 fastest); a block is
# also at most an eighth of the input (and at least _MIN_BLOCK elements), so that the
# temporaries of small inputs stay small beside the logits; inputs of at least
# _PARALLEL_MIN elements (as for the log-softmax engine) are spread over threads
_BLOCK = 1 << 16


_ZEROS = {}


def _relu(z, out):
    """``max(z, 0)`` into ``out``. For a block, the 0 is a cached read-only array of zeros
    (as long as the largest block seen, at most ``_BLOCK``): NumPy's SIMD loop for
    ``maximum`` takes two arrays; with the scalar 0 it ran 1.7 to 3 times slower (the
    same numbers)."""
    if z.ndim != 1 or z.size > _BLOCK:
        return np.maximum(z, 0, out=out)
    zeros = _ZEROS.get(z.dtype)
    if zeros is None or zeros.size < z.size:
        zeros = np.zeros(z.size, z.dtype)
        zeros.flags.writeable = False
        _ZEROS[z.dtype] = zeros
    return np.maximum(z, zeros[:z.size], out=out)


def _blocked(work, size):
    """Call ``work(start, stop)`` over ``[0, size)`` in blocks, on threads if large."""
    _run_blocks(work, size, min(_BLOCK, max(size // 8, _MIN_BLOCK)), size >= _PARALLEL_MIN)


# ---------------------------------------------------------------------------
# sigmoid (binary) cross-entropy, multi-label cross-entropy, sigmoid focal loss
# ---------------------------------------------------------------------------

def _sigmoid_ce_block(y, z, pw, loss, g):
    """The loss and/or gradient of one block into ``loss``/``g`` (slices or None).

    With ``e = exp(-|z|)`` (shared): ``softplus(z) = max(z, 0) + log1p(e)`` and
    ``softplus(-z) = max(z, 0) - z + log1p(e)`` (exactly: ``max(-z, 0) = max(z, 0) - z``
    in floating point), so without ``pw`` the loss is ``max(z, 0) - y z + log1p(e)``;
    ``sigma(z) = [1 or e] / (1 + e)`` and ``sigma(-z) = [e or 1] / (1 + e)``. The
    gradient is written with ``sigma(-z)`` rather than ``1 - sigma(z)``, so that a
    confident correct prediction keeps its tiny gradient instead of rounding it to 0.
    """
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    if loss is not None:
        t = np.log1p(e, out=e if g is None else None)
        if pw is None:
            _relu(z, loss)
            loss -= y * z
            loss += t
        else:
            relu = _relu(z, None)
            loss[...] = pw * y * (relu - z + t) + (1 - y) * (relu + t)
    if g is not None:
        # the numerators [1 or e] and [e or 1] as max(e, z >= 0) and max(e, z < 0): the
        # same numbers as np.where(z >= 0, 1, e) (e <= 1), several times faster
        d = 1 + e
        positive = z >= 0
        sig = np.maximum(e, positive)
        sig /= d
        np.maximum(e, ~positive, out=e)
        e /= d  # sigma(-z)
        e *= y  # the positive term, y sigma(-z) (times pw)
        if pw is not None:
            e *= pw
        np.subtract(1, y, out=d)
        np.multiply(d, sig, out=g)
        g -= e


def sigmoid_ce(y, z, pw=None, *, value=True, grad=True):
    r"""Elementwise :math:`\ell = \beta y\,\mathrm{softplus}(-z) + (1 - y)\,\mathrm{softplus}(z)`
    (:math:`= -[\beta y \log\sigma(z) + (1-y)\log\sigma(-z)]`) and
    :math:`\partial\ell/\partial z = (1 - y)\sigma(z) - \beta y \sigma(-z)`
    (:math:`= \sigma(z) - y` when :math:`\beta = 1`).

    ``y`` and ``z`` have the same shape; ``pw`` (:math:`\beta`) is None, a scalar, or
    one value per label (the last axis). Returns ``(loss, grad)``, each shaped like
    ``z`` (or None when not asked for); both are fresh C-ordered arrays.
    """
    loss = np.empty(z.shape, z.dtype) if value else None
    g = np.empty(z.shape, z.dtype) if grad else None
    if pw is not None and pw.ndim:  # one pos_weight per label: broadcast, whole arrays
        _sigmoid_ce_block(y, z, pw, loss, g)
        return loss, g
    y1, z1 = y.reshape(-1), z.reshape(-1)
    l1 = None if loss is None else loss.reshape(-1)
    g1 = None if g is None else g.reshape(-1)

    def work(start, stop):
        _sigmoid_ce_block(y1[start:stop], z1[start:stop], pw,
                          None if l1 is None else l1[start:stop],
                          None if g1 is None else g1[start:stop])

    _blocked(work, z1.size)
    return loss, g


def multilabel_ce(y, z, pw=None, *, value=True, grad=True):
    """Per-sample multi-label cross-entropy (the sigmoid one summed over the labels,
    the last axis) and its elementwise gradient."""
    loss, g = sigmoid_ce(y, z, pw, value=value, grad=grad)
    return (None if loss is None else loss.sum(axis=-1)), g


def sigmoid_focal(y, z, gamma, alpha, *, value=True, grad=True):
    r"""Elementwise binary focal loss :math:`\alpha_t m^\gamma \ell^{CE}` with
    :math:`m = 1 - p_t = y\sigma(-z) + (1 - y)\sigma(z)`, and its gradient

    .. math:: \alpha_t \left[ m^{\gamma} (s - y)
              + \gamma\, m^{\gamma - 1} (1 - 2y)\, s (1 - s)\, \ell^{CE} \right],

    with :math:`s(1 - s)/m` taken as :math:`1 - m` where :math:`m` underflows to 0
    (exact for hard labels). ``alpha`` None weights nothing.
    """
    ce, _ = sigmoid_ce(y, z, None, grad=False)
    s, s_neg = expit_pair(z)
    m = y * s_neg + (1 - y) * s  # 1 - p_t, without the cancellation of 1 - sigmoid
    alpha_t = None if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    loss = g = None
    if value:
        loss = m**gamma * ce
        if alpha_t is not None:
            loss = alpha_t * loss
    if grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(m > 0, s * s_neg / m, 1 - m)  # s(1-s)/m, finite for hard labels
        # s - y is computed as (1 - y) s - y (1 - s): no cancellation when s is near y
        g = (1 - y) * s - y * s_neg
        if gamma:
            g = m**gamma * (g + gamma * ratio * (1 - 2 * y) * ce)
        if alpha_t is not None:
            g = alpha_t * g
    return loss, g


# ---------------------------------------------------------------------------
# softmax cross-entropy and softmax focal loss
# ---------------------------------------------------------------------------

def take(a, labels):
    """``a[..., labels]`` row by row."""
    return np.take_along_axis(a, labels[..., None], axis=-1)[..., 0]


def log_q_true(z, labels, m, log1p_rest):
    """``log q_y = (z_y - m) - log1p(s)``: each sample's log-probability of its label,
    from the parts of :func:`~xentlib._special.log_softmax_parts` (a fresh array)."""
    out = take(z, labels)
    out -= m[..., 0]
    out -= log1p_rest[..., 0]
    return out


def softmax_ce_coefficients(labels, probs, w, eps, shape, dtype):
    """The per-class coefficients a_ic of the loss -sum_c a_ic log q_ic.

    a = w * ((1 - eps) * y + eps / C), with y the one-hot or probability target.
    """
    n_classes = shape[-1]
    if labels is not None:
        a = np.zeros(shape, dtype=dtype)
        np.put_along_axis(a, labels[..., None], dtype.type(1 - eps), axis=-1)
    else:
        a = probs * dtype.type(1 - eps) if eps else probs.copy()
    if eps:
        a += dtype.type(eps / n_classes)
    if w is not None:
        a *= w
    return a


def softmax_ce(z, labels, probs, w, eps, *, value=True, grad=True):
    r"""Per-sample :math:`\ell_i = -\sum_c a_{ic} \log q_{ic}` and its gradient rows
    :math:`A_i q_i - a_i` (:math:`q = \mathrm{softmax}(z)`, :math:`A_i = \sum_c a_{ic}`),
    where :math:`a = w((1 - \varepsilon) y + \varepsilon / C)` for integer ``labels``
    or probability rows ``probs`` (one of the two is None) and class weights ``w``.

    Both halves come from one :func:`~xentlib._special.log_softmax_parts`, or for labels
    without smoothing from :func:`~xentlib._special.softmax_nll` (one blocked pass, no
    array of log-probabilities formed: the loss is
    :math:`-\log q_y = (m - z_y) + \operatorname{log1p}(s)`, for float32 logits
    computed in float64 and rounded once). For labels the true
    class's :math:`q_y - 1` is ``expm1(log q_y)``, which does not cancel when
    :math:`q_y` is close to 1.
    """
    if labels is not None and eps == 0:  # one blocked pass: -log q_y and q - one_hot(y)
        loss, g = softmax_nll(z, labels, value=value, grad=grad)
        if w is not None:
            wy = w[labels]
            if loss is not None:
                loss *= wy
            if g is not None:
                g *= wy[..., None]
        return loss, g
    if grad:
        m, log1p_rest, q = log_softmax_parts(z, -1, keep_exp=True)  # q = softmax(z)
    else:
        m, log1p_rest = log_softmax_parts(z, -1)
    loss = g = None
    logq = (z - m) - log1p_rest
    a = softmax_ce_coefficients(labels, probs, w, eps, z.shape, z.dtype)
    if value:
        loss = -(a * logq).sum(axis=-1)
    if grad:
        total = a.sum(axis=-1, keepdims=True)
        g = total * q - a
        if labels is not None:
            # true class: (1-eps) w_y (q_y - 1) + eps/C (W q_y - w_y), q_y - 1 = expm1(log q_y)
            wy = np.ones(labels.shape, z.dtype) if w is None else w[labels]
            w_sum = z.dtype.type(z.shape[-1]) if w is None else w.sum()
            q_y = take(q, labels)
            exact = (1 - eps) * wy * np.expm1(take(logq, labels))
            if eps:
                exact = exact + eps / z.shape[-1] * (w_sum * q_y - wy)
            np.put_along_axis(g, labels[..., None], exact[..., None].astype(z.dtype), axis=-1)
    return loss, g


def softmax_focal(z, labels, gamma, w, *, value=True, grad=True):
    r"""Per-sample softmax focal loss :math:`-w_y u^\gamma \log q_y` with
    :math:`u = 1 - q_y` = ``-expm1(log q_y)``, and its gradient rows
    :math:`w_y F (q - e_y)`, :math:`F = u^\gamma (1 - \gamma q_y \log(q_y) / u)`
    (:math:`\log(q_y)/u \to -1` as :math:`u \to 0`)."""
    if grad:
        m, log1p_rest, q = log_softmax_parts(z, -1, keep_exp=True)
    else:
        m, log1p_rest = log_softmax_parts(z, -1)
    log_q_y = log_q_true(z, labels, m, log1p_rest)
    u = -np.expm1(log_q_y)
    wy = None if w is None else w[labels]
    loss = g = None
    if value:
        loss = -u**gamma * log_q_y
        if wy is not None:
            loss = wy * loss
    if grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            l_over_u = np.where(u > 0, log_q_y / u, -1.0)
        factor = u**gamma * (1 - gamma * np.exp(log_q_y) * l_over_u)
        np.put_along_axis(q, labels[..., None], -u[..., None], axis=-1)  # q - one_hot, exact at y
        g = q * factor[..., None]
        if wy is not None:
            g *= wy[..., None]
    return loss, g
