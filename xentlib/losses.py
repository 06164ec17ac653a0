r"""Cross-entropy losses and their gradients with respect to the logits.

Every loss takes the target first and the prediction second, as :math:`H(P, Q)` and
scikit-learn's ``log_loss`` do, and a ``reduction``:

* ``"none"``: the loss of each element (binary losses) or each sample (categorical
  and multi-label losses), multiplied by its weight;
* ``"sum"``: their sum;
* ``"mean"``: their weighted mean, :math:`\sum_i w_i \ell_i / \sum_i w_i`
  (the plain mean without weights).

Each loss over logits has a gradient function, the loss's name plus ``_grad``, with
the same signature. It returns an array shaped like the logits: the gradient of the
"sum" or "mean" loss; for ``"none"``, row by row the gradient of each sample's own
loss (which is the gradient of the "sum").

The result's dtype is the prediction's: float32, float64 and long double are kept and
computed in their own precision; float16 is computed in float32 and rounded back once;
integer and boolean predictions give float64 (``_validation.compute_dtype``).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _kernels
from ._special import xlog1py, xlogy
from ._validation import (
    as_float_array,
    check_distribution,
    check_in_unit_interval,
    check_labels,
    check_reduction,
    check_same_shape,
    check_scalar,
    check_weight,
    keeps_float16,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "multilabel_cross_entropy",
    "multilabel_cross_entropy_grad",
    "focal_loss",
    "focal_loss_grad",
    "softmax_focal_loss",
    "softmax_focal_loss_grad",
]


# ---------------------------------------------------------------------------
# shared plumbing: validation of targets and weights, and the reductions
# ---------------------------------------------------------------------------

def _binary_inputs(y_true, pred, pred_name, weight, sample_weight=None, label_smoothing=0.0, *, min_ndim=0):
    """Targets, predictions and the weight of each element: ``weight`` (same shape as
    ``pred``) times ``sample_weight`` (one per sample, along the first axis), or None.

    With ``label_smoothing`` = eps the targets become ``(1 - eps) y + eps / 2`` (Keras's
    ``BinaryCrossentropy(label_smoothing=...)``: two classes, as for the softmax).
    """
    pred = as_float_array(pred, pred_name, min_ndim=min_ndim)
    y = as_float_array(y_true, "y_true", dtype=pred.dtype)
    check_same_shape(y, pred, "y_true", pred_name)
    check_in_unit_interval(y, "y_true")
    eps = check_scalar(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    if eps:
        y = y * pred.dtype.type(1 - eps) + pred.dtype.type(eps / 2)
    w = None if weight is None else check_weight(weight, "weight", pred.shape, pred.dtype)
    if sample_weight is not None:
        s = check_weight(sample_weight, "sample_weight", pred.shape[:1], pred.dtype)
        s = np.broadcast_to(s.reshape(s.shape + (1,) * (pred.ndim - s.ndim)), pred.shape)
        w = s if w is None else s * w
    return y, pred, w


def _pos_weight(pos_weight, logits):
    """``pos_weight``: a scalar, or one value per label (the last axis of 2-D+ logits)."""
    if pos_weight is None:
        return None
    pw = as_float_array(pos_weight, "pos_weight", dtype=logits.dtype)
    if pw.ndim == 1 and logits.ndim >= 2 and pw.shape[0] == logits.shape[-1]:
        pass
    elif pw.ndim != 0:
        raise ValueError(
            "pos_weight must be a scalar or have one value per label, shape "
            f"({logits.shape[-1] if logits.ndim >= 2 else 'n_labels'},); got shape {pw.shape}"
        )
    if (pw < 0).any():
        raise ValueError("pos_weight must be non-negative")
    return pw


def _categorical_targets(y_true, pred, pred_name, ignore_index=None):
    """Integer labels (one dimension fewer than ``pred``) or probability rows (same shape).

    Returns ``(labels, None, keep)`` or ``(None, probabilities, None)``; ``keep`` marks
    the labels that are not ``ignore_index`` (None when nothing is ignored), and ignored
    labels are replaced by 0 so that they can still index.
    """
    y = np.asarray(y_true)
    n_classes = pred.shape[-1]
    if ignore_index is not None and (isinstance(ignore_index, (bool, np.bool_))
                                     or not isinstance(ignore_index, numbers.Integral)):
        raise ValueError(f"ignore_index must be an integer or None, got {ignore_index!r}")
    if y.ndim == pred.ndim - 1:
        if y.shape != pred.shape[:-1]:
            raise ValueError(
                f"y_true holds integer labels, so its shape must be {pred_name}.shape[:-1] = "
                f"{pred.shape[:-1]}; got {y.shape}"
            )
        keep = None
        if ignore_index is not None and y.size and (y == ignore_index).any():
            keep = y != ignore_index
            y = np.where(keep, y, 0)  # class 0 stands in: the sample's loss is dropped
        return check_labels(y, "y_true", n_classes=n_classes), None, keep
    if ignore_index is not None:
        raise ValueError("ignore_index applies to integer labels; y_true holds probability rows")
    if y.ndim == pred.ndim:
        t = as_float_array(y, "y_true", dtype=pred.dtype)
        check_same_shape(t, pred, "y_true", pred_name)
        check_distribution(t, "y_true", axis=-1)
        return None, t, None
    raise ValueError(
        f"y_true must be integer labels of shape {pred.shape[:-1]} or probability rows of "
        f"shape {pred.shape}; got shape {y.shape}"
    )


def _class_weight(weight, pred):
    if weight is None:
        return None
    return check_weight(weight, "weight", (pred.shape[-1],), pred.dtype)


def _per_sample(sample_weight, keep, shape, dtype):
    """Each sample's own factor: ``sample_weight`` (default 1), and 0 where ``keep`` is
    False (an ignored label). None when every factor is 1."""
    s = None if sample_weight is None else check_weight(sample_weight, "sample_weight", shape, dtype)
    if keep is not None:
        s = np.where(keep, dtype.type(1) if s is None else s, dtype.type(0))
    return s


def _weigh(values, s):
    """``values * s`` per sample, where a factor of 0 gives 0 even for an infinite loss."""
    if s is None:
        return values
    factor = s.reshape(s.shape + (1,) * (values.ndim - s.ndim))
    with np.errstate(invalid="ignore"):  # inf * 0, replaced by 0
        return np.where(factor == 0, values.dtype.type(0), values * factor)


def _sample_weights(labels, probs, w, s=None):
    """What each sample weighs in "mean": ``s_i w[y_i]`` for labels, ``s_i sum_c w_c t_ic``
    for probability rows (``w``: class weights; ``s``: :func:`_per_sample`)."""
    if w is None:
        return s
    cw = w[labels] if labels is not None else (probs * w).sum(axis=-1)
    return cw if s is None else cw * s


def _denominator(sample_weight, n, reduction):
    """What "mean" divides by: the number of terms, or the sum of their weights."""
    if reduction != "mean":
        return 1
    if sample_weight is None:
        return n
    total = sample_weight.sum()
    if not total > 0:
        raise ValueError(
            "weight: the weights of the samples sum to 0 (weight, sample_weight and ignore_index "
            'together), so the mean is undefined; use reduction="sum"'
        )
    return total


def _reduce(values, reduction, denominator):
    if reduction == "none":
        return values
    total = values.sum()
    return total if reduction == "sum" else total / denominator


def _finish_value(loss, s, sw, reduction):
    """A kernel's unreduced loss, weighed by ``s`` (per sample or element) and reduced;
    "mean" divides by the sum of the weights ``sw`` (or the number of terms)."""
    loss = _weigh(loss, s)
    return _reduce(loss, reduction, _denominator(sw, loss.size, reduction))[()]


def _finish_grad(g, s, sw, n, reduction):
    """A kernel's gradient (a fresh array), weighed by ``s`` and divided, in place, by
    the denominator of "mean" (``n`` terms, or the sum of the weights ``sw``)."""
    g = _weigh(g, s)
    denominator = _denominator(sw, n, reduction)
    if reduction == "mean":  # "sum" and "none" divide by 1: nothing to do
        g /= g.dtype.type(denominator)
    return g


# ---------------------------------------------------------------------------
# binary cross-entropy
# ---------------------------------------------------------------------------

@keeps_float16("y_prob")
def binary_cross_entropy(
    y_true, y_prob, *, weight=None, sample_weight=None, label_smoothing=0.0, eps=None, reduction="mean"
):
    r"""Binary cross-entropy from predicted probabilities.

    .. math:: \ell_i = -\left[y_i \log p_i + (1 - y_i) \log(1 - p_i)\right]

    Parameters
    ----------
    y_true : array_like
        Targets in [0, 1] (labels 0/1 or soft targets), same shape as ``y_prob``.
    y_prob : array_like
        Predicted probabilities of the positive class, in [0, 1].
    weight : array_like, optional
        A non-negative weight per element, same shape as ``y_prob``.
    sample_weight : array_like, optional
        A non-negative weight per sample, shape ``y_prob.shape[:1]`` (scikit-learn's
        ``sample_weight``), multiplying ``weight`` along the other axes.
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: the targets become
        :math:`(1 - \varepsilon) y + \varepsilon / 2`, as in Keras's
        ``BinaryCrossentropy(label_smoothing=...)``.
    eps : float, optional
        The clipping bound :math:`\delta`: if given, ``y_prob`` is clipped into
        ``[eps, 1 - eps]`` first, which caps each term at :math:`-\log \delta` (and
        biases the loss). By default there is no clipping, and a confident wrong
        prediction costs ``+inf``, as it should.
    reduction : {"mean", "sum", "none"}
        See the module's documentation; "mean" is :math:`\sum w_i \ell_i / \sum w_i`.

    Returns
    -------
    float or ndarray

    See Also
    --------
    binary_cross_entropy_with_logits : the exact form from logits.

    Notes
    -----
    The two-class case of :math:`H(P, Q)` with :math:`P = (y, 1 - y)` and
    :math:`Q = (p, 1 - p)`. Computed with ``0 · log 0 = 0`` and
    :math:`\log(1 - p)` as ``log1p(-p)``, so ``y = p = 1`` gives exactly 0. For logits,
    use :func:`binary_cross_entropy_with_logits`, which is exact where
    :math:`\sigma(z)` rounds to 0 or 1.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import binary_cross_entropy
    >>> float(binary_cross_entropy([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.4]))
    0.23617255159896325
    >>> float(binary_cross_entropy([1], [0.0]))
    inf
    """
    check_reduction(reduction)
    y, p, w = _binary_inputs(y_true, y_prob, "y_prob", weight, sample_weight, label_smoothing)
    check_in_unit_interval(p, "y_prob")
    if eps is not None:
        eps = check_scalar(eps, "eps", low=0.0, high=0.5, low_open=True, high_open=True)
        p = np.clip(p, eps, 1 - eps)
    loss = _weigh(-(xlogy(y, p) + xlog1py(1 - y, -p)), w)
    return _reduce(loss, reduction, _denominator(w, loss.size, reduction))[()]


@keeps_float16("logits")
def binary_cross_entropy_with_logits(
    y_true, logits, *, weight=None, sample_weight=None, pos_weight=None, label_smoothing=0.0,
    reduction="mean",
):
    r"""Binary cross-entropy from logits, exact for every finite logit.

    .. math:: \ell_i = -\left[\omega_1\, y_i \log \sigma(z_i) + (1 - y_i) \log(1 - \sigma(z_i))\right]
              = \omega_1\, y_i\, \mathrm{softplus}(-z_i) + (1 - y_i)\, \mathrm{softplus}(z_i)

    with :math:`\omega_1` = ``pos_weight`` and :math:`\mathrm{softplus}(z) = \log(1 + e^z)`,
    computed without overflow as

    .. math:: \mathrm{softplus}(z) = \max(z, 0) + \operatorname{log1p}(e^{-|z|}).

    Parameters
    ----------
    y_true : array_like
        Targets in [0, 1], same shape as ``logits``.
    logits : array_like
        Finite logits :math:`z = \log(p / (1 - p))`.
    weight : array_like, optional
        A non-negative weight per element, same shape as ``logits``.
    sample_weight : array_like, optional
        A non-negative weight per sample, shape ``logits.shape[:1]`` (scikit-learn's
        ``sample_weight``), multiplying ``weight`` along the other axes.
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: the targets become
        :math:`(1 - \varepsilon) y + \varepsilon / 2`, as in Keras's
        ``BinaryCrossentropy(label_smoothing=...)``.
    pos_weight : float or array_like, optional
        :math:`\omega_1`, the weight of the positive term: a scalar, or for logits of
        shape ``(n_samples, n_labels)`` one value per label. ``pos_weight = n_neg/n_pos``
        balances the classes (as PyTorch's ``BCEWithLogitsLoss``).
    reduction : {"mean", "sum", "none"}
        "mean" is :math:`\sum w_i \ell_i / \sum w_i` (the plain mean without ``weight``).

    Returns
    -------
    float or ndarray

    See Also
    --------
    binary_cross_entropy_with_logits_grad
    binary_cross_entropy : from probabilities.
    focal_loss

    Notes
    -----
    Uses :math:`\log \sigma(z) = -\mathrm{softplus}(-z)` and
    :math:`\log(1 - \sigma(z)) = -\mathrm{softplus}(z)`, which never overflow and keep
    full relative accuracy: the loss of a correct logit of 40 is
    :math:`\operatorname{log1p}(e^{-40}) \approx 4.2 \times 10^{-18}`, where
    ``-log(sigmoid(40))`` gives 0 and ``-log(1 - sigmoid(40))`` for the wrong label
    gives ``inf`` instead of 40.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import binary_cross_entropy_with_logits
    >>> binary_cross_entropy_with_logits([1, 0], [1e4, 1e4], reduction="none").tolist()
    [0.0, 10000.0]
    """
    check_reduction(reduction)
    y, z, w = _binary_inputs(y_true, logits, "logits", weight, sample_weight, label_smoothing)
    loss, _ = _kernels.sigmoid_ce(y, z, _pos_weight(pos_weight, z), grad=False)
    return _finish_value(loss, w, w, reduction)


@keeps_float16("logits")
def binary_cross_entropy_with_logits_grad(
    y_true, logits, *, weight=None, sample_weight=None, pos_weight=None, label_smoothing=0.0,
    reduction="mean",
):
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    .. math:: \frac{\partial \ell_i}{\partial z_i} = (1 - y_i)\,\sigma(z_i) - \omega_1\, y_i\, \sigma(-z_i),

    which is :math:`\sigma(z_i) - y_i` when :math:`\omega_1 = 1`; times :math:`s_i`, and
    divided by :math:`\sum s_i` (or the count) for ``"mean"``.

    Parameters
    ----------
    y_true, logits, weight, sample_weight, pos_weight, label_smoothing, reduction
        As for :func:`binary_cross_entropy_with_logits`.

    Returns
    -------
    ndarray
        Same shape and dtype as ``logits``.

    See Also
    --------
    binary_cross_entropy_with_logits

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import binary_cross_entropy_with_logits_grad
    >>> binary_cross_entropy_with_logits_grad([1, 0], [0.0, 0.0], reduction="sum").tolist()
    [-0.5, 0.5]
    """
    check_reduction(reduction)
    y, z, w = _binary_inputs(y_true, logits, "logits", weight, sample_weight, label_smoothing)
    _, g = _kernels.sigmoid_ce(y, z, _pos_weight(pos_weight, z), value=False)
    return _finish_grad(g, w, w, g.size, reduction)


# ---------------------------------------------------------------------------
# categorical cross-entropy
# ---------------------------------------------------------------------------

@keeps_float16("y_prob")
def categorical_cross_entropy(
    y_true, y_prob, *, weight=None, sample_weight=None, ignore_index=None, eps=None, reduction="mean"
):
    r"""Categorical cross-entropy from predicted probability rows.

    .. math:: \ell_i = -\sum_c y_{ic} \log q_{ic} \quad (= -\log q_{i, y_i} \text{ for a label } y_i)

    Parameters
    ----------
    y_true : array_like
        Either integer class labels, shape ``y_prob.shape[:-1]``, or probability rows
        (one-hot or soft), shape ``y_prob.shape``.
    y_prob : array_like
        Predicted probabilities, classes along the last axis, each row summing to 1.
    weight : array_like, optional
        One non-negative weight per class, shape ``(n_classes,)``. Sample ``i`` weighs
        :math:`w_{y_i}` (for probability rows :math:`\sum_c w_c y_{ic}`), its loss is
        :math:`\sum_c w_c y_{ic}(-\log q_{ic})`, and "mean" divides by the sum of the
        sample weights, as PyTorch's ``CrossEntropyLoss(weight=...)`` does for labels
        and scikit-learn's ``log_loss`` does for sample weights.
    sample_weight : array_like, optional
        One non-negative weight per sample, shape ``y_prob.shape[:-1]``
        (scikit-learn's ``sample_weight``); it multiplies the class weight.
    ignore_index : int, optional
        A label value whose samples are left out: their loss is 0 and they do not count
        in the "mean" (PyTorch's ``ignore_index``, for padded sequences). Integer labels
        only.
    eps : float, optional
        If given, ``y_prob`` is clipped into ``[eps, 1 - eps]`` (not renormalized).
        By default no clipping: a true class predicted with probability 0 costs ``+inf``.
    reduction : {"mean", "sum", "none"}
        "none" gives one (weighted) loss per sample.

    Returns
    -------
    float or ndarray

    See Also
    --------
    softmax_cross_entropy : the exact form from logits.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import categorical_cross_entropy
    >>> y_prob = [[0.9, 0.05, 0.05], [0.1, 0.1, 0.8], [0.2, 0.7, 0.1], [0.05, 0.1, 0.85]]
    >>> float(categorical_cross_entropy([0, 2, 1, 2], y_prob))
    0.21192448510213585
    """
    check_reduction(reduction)
    q = as_float_array(y_prob, "y_prob", min_ndim=1)
    check_distribution(q, "y_prob", axis=-1)
    labels, probs, keep = _categorical_targets(y_true, q, "y_prob", ignore_index)
    w = _class_weight(weight, q)
    s = _per_sample(sample_weight, keep, q.shape[:-1], q.dtype)
    if eps is not None:
        eps = check_scalar(eps, "eps", low=0.0, high=0.5, low_open=True, high_open=True)
        q = np.clip(q, eps, 1 - eps)
    if labels is not None:
        with np.errstate(divide="ignore"):
            loss = -np.log(_kernels.take(q, labels))
        if w is not None:
            loss = w[labels] * loss
    else:
        a = probs if w is None else probs * w
        loss = -xlogy(a, q).sum(axis=-1)
    loss = _weigh(loss, s)
    sw = _sample_weights(labels, probs, w, s)
    return _reduce(loss, reduction, _denominator(sw, loss.size, reduction))[()]


def _softmax_ce_inputs(y_true, logits, weight, sample_weight, ignore_index, label_smoothing):
    z = as_float_array(logits, "logits", min_ndim=1)
    labels, probs, keep = _categorical_targets(y_true, z, "logits", ignore_index)
    w = _class_weight(weight, z)
    s = _per_sample(sample_weight, keep, z.shape[:-1], z.dtype)
    eps = check_scalar(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    return z, labels, probs, w, s, eps


@keeps_float16("logits")
def softmax_cross_entropy(
    y_true, logits, *, weight=None, sample_weight=None, ignore_index=None, label_smoothing=0.0,
    reduction="mean",
):
    r"""Softmax cross-entropy from logits: ``log_softmax`` and the categorical loss in one step.

    .. math:: \ell_i = -\sum_c t_{ic} \log \mathrm{softmax}(z_i)_c
              = \operatorname{logsumexp}(z_i) - \sum_c t_{ic} z_{ic},
              \qquad t = (1 - \varepsilon)\, y + \varepsilon / C.

    Parameters
    ----------
    y_true : array_like
        Integer labels, shape ``logits.shape[:-1]``, or probability rows, shape
        ``logits.shape``.
    logits : array_like
        Finite logits, classes along the last axis.
    weight : array_like, optional
        One non-negative weight per class, shape ``(n_classes,)``; the loss of sample
        ``i`` is :math:`-\sum_c w_c t_{ic} \log q_{ic}` and "mean" divides by
        :math:`\sum_i w_{y_i}` (for probability rows :math:`\sum_i \sum_c w_c y_{ic}`),
        which is PyTorch's ``CrossEntropyLoss`` for labels.
    sample_weight : array_like, optional
        One non-negative weight per sample, shape ``logits.shape[:-1]``
        (scikit-learn's ``sample_weight``); it multiplies the class weight, in the loss
        and in the "mean" denominator.
    ignore_index : int, optional
        A label value whose samples are left out: their loss is 0 and they do not count
        in the "mean" — PyTorch's ``CrossEntropyLoss(ignore_index=...)``, the padding
        of a batch of sequences of different lengths. Integer labels only.
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: the target becomes
        :math:`(1 - \varepsilon) y + \varepsilon / C` (Szegedy et al., 2016).
    reduction : {"mean", "sum", "none"}
        "none" gives one (weighted) loss per sample.

    Returns
    -------
    float or ndarray

    See Also
    --------
    softmax_cross_entropy_grad
    categorical_cross_entropy : from probabilities.
    softmax_focal_loss

    Notes
    -----
    Exact for every finite logit: the log-probabilities come from
    :func:`log_softmax`, which subtracts the row maximum and uses ``log1p`` so that a
    nearly certain correct prediction has a tiny positive loss, not 0, and a
    confidently wrong one a large finite loss, not ``inf`` or NaN.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.
    * C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens and Z. Wojna, "Rethinking the
      Inception architecture for computer vision", CVPR 2016, 2818-2826.

    Examples
    --------
    >>> from xentlib import softmax_cross_entropy
    >>> float(softmax_cross_entropy([1], [[1e4, 0.0]]))  # wrong by a logit gap of 1e4
    10000.0
    """
    check_reduction(reduction)
    z, labels, probs, w, s, eps = _softmax_ce_inputs(
        y_true, logits, weight, sample_weight, ignore_index, label_smoothing
    )
    loss, _ = _kernels.softmax_ce(z, labels, probs, w, eps, grad=False)
    return _finish_value(loss, s, _sample_weights(labels, probs, w, s), reduction)


@keeps_float16("logits")
def softmax_cross_entropy_grad(
    y_true, logits, *, weight=None, sample_weight=None, ignore_index=None, label_smoothing=0.0,
    reduction="mean",
):
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    .. math:: \frac{\partial \ell_i}{\partial z_{ic}} = A_i\, q_{ic} - a_{ic},
              \qquad a_{ic} = w_c t_{ic},\; A_i = \sum_c a_{ic},

    which is :math:`q_i - y_i` (softmax minus target) without weights; each row then
    sums to 0. Divided by the "mean" denominator for ``reduction="mean"``.

    Parameters
    ----------
    y_true, logits, weight, sample_weight, ignore_index, label_smoothing, reduction
        As for :func:`softmax_cross_entropy`; an ignored sample's row is 0.

    Returns
    -------
    ndarray
        Same shape and dtype as ``logits``.

    See Also
    --------
    softmax_cross_entropy

    Notes
    -----
    For a label target the true class's entry :math:`q_{iy} - 1` is computed as
    :math:`-(1 - q_{iy})` = ``expm1(log q_iy)``, which does not cancel when
    :math:`q_{iy}` is close to 1.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import softmax_cross_entropy_grad
    >>> softmax_cross_entropy_grad([0], [[0.0, 0.0]], reduction="sum").tolist()
    [[-0.5, 0.5]]
    """
    check_reduction(reduction)
    z, labels, probs, w, s, eps = _softmax_ce_inputs(
        y_true, logits, weight, sample_weight, ignore_index, label_smoothing
    )
    _, g = _kernels.softmax_ce(z, labels, probs, w, eps, value=False)
    return _finish_grad(g, s, _sample_weights(labels, probs, w, s), g[..., 0].size, reduction)


# ---------------------------------------------------------------------------
# multi-label cross-entropy
# ---------------------------------------------------------------------------

def _multilabel_inputs(y_true, logits, pos_weight, sample_weight, label_smoothing):
    y, z, _ = _binary_inputs(y_true, logits, "logits", None, None, label_smoothing)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (n_samples, n_labels); got shape {z.shape}")
    s = None if sample_weight is None else check_weight(sample_weight, "sample_weight", z.shape[:1], z.dtype)
    return y, z, _pos_weight(pos_weight, z), s


@keeps_float16("logits")
def multilabel_cross_entropy(
    y_true, logits, *, pos_weight=None, sample_weight=None, label_smoothing=0.0, reduction="mean"
):
    r"""Multi-label cross-entropy: one sigmoid per label, binary cross-entropy summed over labels.

    .. math:: \ell_i = \sum_{k=1}^{K} -\left[\omega_{k}\, y_{ik} \log \sigma(z_{ik})
              + (1 - y_{ik}) \log(1 - \sigma(z_{ik}))\right]

    Both terms count: without the :math:`(1 - y)` term the loss would be minimized
    by predicting every label present.

    Parameters
    ----------
    y_true : array_like
        Label indicators (or soft targets) in [0, 1], shape ``(n_samples, n_labels)``.
    logits : array_like
        Finite logits, shape ``(n_samples, n_labels)``.
    pos_weight : float or array_like, optional
        :math:`\omega_k`, the weight of label :math:`k`'s positive term: a scalar or one
        value per label, shape ``(n_labels,)``.
    sample_weight : array_like, optional
        A non-negative weight per sample, shape ``(n_samples,)`` (scikit-learn's
        ``sample_weight``); "mean" is then :math:`\sum_i s_i \ell_i / \sum_i s_i`.
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: every label's target becomes
        :math:`(1 - \varepsilon) y + \varepsilon / 2`.
    reduction : {"mean", "sum", "none"}
        "none" gives one (weighted) loss per sample (summed over its labels); "mean"
        averages those over the samples.

    Returns
    -------
    float or ndarray

    See Also
    --------
    multilabel_cross_entropy_grad
    binary_cross_entropy_with_logits

    References
    ----------
    * G. Tsoumakas and I. Katakis, "Multi-label classification: an overview",
      International Journal of Data Warehousing and Mining 3 (2007), 1-13.

    Examples
    --------
    >>> from xentlib import multilabel_cross_entropy
    >>> round(float(multilabel_cross_entropy([[1, 0]], [[0.0, 0.0]])), 12)  # 2 log 2
    1.38629436112
    """
    check_reduction(reduction)
    y, z, pw, s = _multilabel_inputs(y_true, logits, pos_weight, sample_weight, label_smoothing)
    loss, _ = _kernels.multilabel_ce(y, z, pw, grad=False)
    return _finish_value(loss, s, s, reduction)


@keeps_float16("logits")
def multilabel_cross_entropy_grad(
    y_true, logits, *, pos_weight=None, sample_weight=None, label_smoothing=0.0, reduction="mean"
):
    r"""Gradient of :func:`multilabel_cross_entropy` with respect to the logits.

    .. math:: \frac{\partial \ell_i}{\partial z_{ik}}
              = (1 - y_{ik})\,\sigma(z_{ik}) - \omega_k\, y_{ik}\,\sigma(-z_{ik}),

    divided by ``n_samples`` for ``"mean"``.

    Parameters
    ----------
    y_true, logits, pos_weight, sample_weight, label_smoothing, reduction
        As for :func:`multilabel_cross_entropy`.

    Returns
    -------
    ndarray
        Shape ``(n_samples, n_labels)``, dtype of ``logits``.

    See Also
    --------
    multilabel_cross_entropy

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import multilabel_cross_entropy_grad
    >>> multilabel_cross_entropy_grad([[1, 0]], [[0.0, 0.0]]).tolist()
    [[-0.5, 0.5]]
    """
    check_reduction(reduction)
    y, z, pw, s = _multilabel_inputs(y_true, logits, pos_weight, sample_weight, label_smoothing)
    _, g = _kernels.multilabel_ce(y, z, pw, value=False)
    return _finish_grad(g, s, s, z.shape[0], reduction)


# ---------------------------------------------------------------------------
# focal loss
# ---------------------------------------------------------------------------

def _focal_inputs(y_true, logits, gamma, alpha, sample_weight):
    y, z, w = _binary_inputs(y_true, logits, "logits", None, sample_weight)
    gamma = check_scalar(gamma, "gamma", low=0.0)
    if alpha is not None:
        alpha = check_scalar(alpha, "alpha", low=0.0, high=1.0)
    return y, z, w, gamma, alpha


@keeps_float16("logits")
def focal_loss(y_true, logits, *, gamma=2.0, alpha=None, sample_weight=None, reduction="mean"):
    r"""Binary sigmoid focal loss (Lin et al., 2017).

    .. math:: \ell_i = -\alpha_t (1 - p_t)^{\gamma} \log p_t,
              \qquad p_t = \begin{cases} \sigma(z_i) & y_i = 1 \\ 1 - \sigma(z_i) & y_i = 0 \end{cases},
              \qquad \alpha_t = \begin{cases} \alpha & y_i = 1 \\ 1 - \alpha & y_i = 0 \end{cases}

    For soft targets :math:`-\log p_t` is the binary cross-entropy,
    :math:`1 - p_t = y\,\sigma(-z) + (1 - y)\,\sigma(z)` and
    :math:`\alpha_t = \alpha y + (1 - \alpha)(1 - y)`, as in torchvision's
    ``sigmoid_focal_loss``.

    Parameters
    ----------
    y_true : array_like
        Targets in [0, 1], same shape as ``logits``.
    logits : array_like
        Finite logits.
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`; :math:`\gamma = 0` is cross-entropy.
    alpha : float, optional
        Weight in [0, 1] of the positives (``1 - alpha`` for the negatives); ``None``
        (default) weights nothing. The paper's best setting was
        :math:`\gamma = 2, \alpha = 0.25`.
    sample_weight : array_like, optional
        A non-negative weight per sample, shape ``logits.shape[:1]`` (scikit-learn's
        ``sample_weight``); "mean" is then the weighted mean over all elements.
    reduction : {"mean", "sum", "none"}
        "mean" averages over all elements.

    Returns
    -------
    float or ndarray

    See Also
    --------
    focal_loss_grad
    softmax_focal_loss : the categorical focal loss.

    Notes
    -----
    :math:`1 - p_t` is computed as :math:`\sigma(-z)` (for :math:`y = 1`) rather than
    as ``1 - sigmoid(z)``, so the modulating factor keeps its accuracy for
    well-classified examples, where it matters most.

    References
    ----------
    * T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal loss for dense
      object detection", ICCV 2017, 2980-2988.

    Examples
    --------
    >>> from xentlib import focal_loss, binary_cross_entropy_with_logits
    >>> float(focal_loss([1], [0.0], gamma=2.0)) == 0.25 * float(
    ...     binary_cross_entropy_with_logits([1], [0.0]))
    True
    """
    check_reduction(reduction)
    y, z, w, gamma, alpha = _focal_inputs(y_true, logits, gamma, alpha, sample_weight)
    loss, _ = _kernels.sigmoid_focal(y, z, gamma, alpha, grad=False)
    return _finish_value(loss, w, w, reduction)


@keeps_float16("logits")
def focal_loss_grad(y_true, logits, *, gamma=2.0, alpha=None, sample_weight=None, reduction="mean"):
    r"""Gradient of :func:`focal_loss` with respect to the logits.

    With :math:`m = 1 - p_t`, :math:`s = \sigma(z)` and :math:`\ell^{CE}` the binary
    cross-entropy,

    .. math:: \frac{\partial \ell}{\partial z} = \alpha_t \left[ m^{\gamma} (s - y)
              + \gamma\, m^{\gamma - 1} (1 - 2y)\, s (1 - s)\, \ell^{CE} \right].

    For hard labels :math:`s(1 - s)/m = 1 - m`, which is how the second term is
    computed where :math:`m` underflows to 0.

    Parameters
    ----------
    y_true, logits, gamma, alpha, sample_weight, reduction
        As for :func:`focal_loss`.

    Returns
    -------
    ndarray
        Same shape and dtype as ``logits``.

    See Also
    --------
    focal_loss

    References
    ----------
    * T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal loss for dense
      object detection", ICCV 2017, 2980-2988.

    Examples
    --------
    >>> from xentlib import focal_loss_grad
    >>> focal_loss_grad([1], [0.0], gamma=0.0, reduction="sum").tolist()  # = sigmoid(0) - 1
    [-0.5]
    """
    check_reduction(reduction)
    y, z, w, gamma, alpha = _focal_inputs(y_true, logits, gamma, alpha, sample_weight)
    _, g = _kernels.sigmoid_focal(y, z, gamma, alpha, value=False)
    return _finish_grad(g, w, w, g.size, reduction)


# ---------------------------------------------------------------------------
# categorical (softmax) focal loss
# ---------------------------------------------------------------------------

def _softmax_focal_inputs(y_true, logits, gamma, weight, sample_weight, ignore_index):
    """The inputs of :func:`softmax_cross_entropy` (no smoothing), integer labels only."""
    z, labels, _, w, s, _ = _softmax_ce_inputs(y_true, logits, weight, sample_weight, ignore_index, 0.0)
    if labels is None:
        raise ValueError("y_true: softmax_focal_loss takes integer labels, not probability rows")
    return z, labels, check_scalar(gamma, "gamma", low=0.0), w, s


@keeps_float16("logits")
def softmax_focal_loss(
    y_true, logits, *, gamma=2.0, weight=None, sample_weight=None, ignore_index=None, reduction="mean"
):
    r"""Categorical (softmax) focal loss (Lin et al., 2017) from logits, for class labels.

    .. math:: \ell_i = -w_{y_i} (1 - q_{i y_i})^{\gamma} \log q_{i y_i},
              \qquad q_i = \mathrm{softmax}(z_i).

    With :math:`\gamma = 0` it is :func:`softmax_cross_entropy`; larger
    :math:`\gamma` mutes the well-classified samples.

    Parameters
    ----------
    y_true : array_like
        Integer class labels, shape ``logits.shape[:-1]``.
    logits : array_like
        Finite logits, classes along the last axis.
    gamma : float, default 2.0
        Focusing parameter :math:`\gamma \ge 0`.
    weight : array_like, optional
        One non-negative weight per class (the :math:`\alpha` of the paper, per class);
        "mean" divides by :math:`\sum_i w_{y_i}`, as in :func:`softmax_cross_entropy`.
    sample_weight : array_like, optional
        One non-negative weight per sample, shape ``logits.shape[:-1]``.
    ignore_index : int, optional
        A label value whose samples are left out (PyTorch's ``ignore_index``).
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float or ndarray

    See Also
    --------
    focal_loss : the binary (sigmoid) focal loss.
    softmax_cross_entropy : the case :math:`\gamma = 0`.

    Notes
    -----
    :math:`1 - q_y` is computed as ``-expm1(log q_y)`` from the exact log-probability,
    so the modulating factor keeps its accuracy for confident, correct predictions.

    References
    ----------
    T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal loss for dense object
    detection", ICCV 2017.

    Examples
    --------
    >>> from xentlib import softmax_focal_loss, softmax_cross_entropy
    >>> float(softmax_focal_loss([0], [[0.0, 0.0]], gamma=2.0)) == 0.25 * float(
    ...     softmax_cross_entropy([0], [[0.0, 0.0]]))
    True
    """
    check_reduction(reduction)
    z, labels, gamma, w, s = _softmax_focal_inputs(y_true, logits, gamma, weight, sample_weight, ignore_index)
    loss, _ = _kernels.softmax_focal(z, labels, gamma, w, grad=False)
    return _finish_value(loss, s, _sample_weights(labels, None, w, s), reduction)


@keeps_float16("logits")
def softmax_focal_loss_grad(
    y_true, logits, *, gamma=2.0, weight=None, sample_weight=None, ignore_index=None, reduction="mean"
):
    r"""Gradient of :func:`softmax_focal_loss` with respect to the logits.

    With :math:`u = 1 - q_y` and :math:`L = \log q_y`,

    .. math:: \frac{\partial \ell}{\partial z_c} = F\,(q_c - [c = y]),
              \qquad F = u^{\gamma}\left(1 - \gamma\, q_y \frac{L}{u}\right) \ge 0,

    the softmax cross-entropy gradient scaled by :math:`F` (:math:`F = 1` for
    :math:`\gamma = 0`); :math:`L/u \to -1` as :math:`u \to 0`.

    Parameters
    ----------
    y_true, logits, gamma, weight, sample_weight, ignore_index, reduction
        As for :func:`softmax_focal_loss`; an ignored sample's row is 0.

    Returns
    -------
    ndarray
        Same shape and dtype as ``logits``.

    See Also
    --------
    softmax_focal_loss, softmax_cross_entropy_grad

    References
    ----------
    * T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal loss for dense
      object detection", ICCV 2017, 2980-2988.

    Examples
    --------
    >>> from xentlib import softmax_focal_loss_grad
    >>> softmax_focal_loss_grad([0], [[0.0, 0.0]], gamma=0.0, reduction="sum").tolist()
    [[-0.5, 0.5]]
    """
    check_reduction(reduction)
    z, labels, gamma, w, s = _softmax_focal_inputs(y_true, logits, gamma, weight, sample_weight, ignore_index)
    _, g = _kernels.softmax_focal(z, labels, gamma, w, value=False)
    return _finish_grad(g, s, _sample_weights(labels, None, w, s), g[..., 0].size, reduction)
