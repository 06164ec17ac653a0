r"""Calibration of predicted probabilities: reliability curves, the expected calibration
error, and temperature scaling.

A binary model is *calibrated* when, among the examples to which it gives probability
about :math:`q`, a fraction about :math:`q` are positive. :func:`reliability_curve`
bins the predictions and returns, per bin, the mean prediction, the observed fraction of
positives and the number of examples; :func:`expected_calibration_error` summarizes the
curve in one number; :func:`fit_temperature` fits the one-parameter repair of Guo et
al. (2017), :math:`\operatorname{softmax}(z / T)`, by minimizing the cross-entropy.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_float_array, check_in_unit_interval, check_labels
from .losses import binary_cross_entropy_with_logits_grad, softmax_cross_entropy_grad

__all__ = ["reliability_curve", "expected_calibration_error", "fit_temperature"]

STRATEGIES = ("uniform", "quantile")


def _binary_targets_and_probs(y_true, y_prob):
    y = np.asarray(y_true)
    if y.dtype == bool:
        y = y.astype(np.intp)
    y = check_labels(y, "y_true", n_classes=2)
    q = check_in_unit_interval(as_float_array(y_prob, "y_prob", dtype=np.float64), "y_prob")
    if y.ndim != 1:
        raise ValueError(f"y_true must be a 1-D array of 0/1 labels; got shape {y.shape}")
    if q.shape != y.shape:
        raise ValueError(f"y_prob must have the shape of y_true, {y.shape}; got {q.shape}")
    return y, q


def _check_n_bins(n_bins):
    if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    return int(n_bins)


def _bin_sums(y_true, y_prob, n_bins, strategy):
    """Per bin: count, sum of predictions, sum of labels (all bins, empty ones too)."""
    y, q = _binary_targets_and_probs(y_true, y_prob)
    n_bins = _check_n_bins(n_bins)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        edges = np.percentile(q, np.linspace(0.0, 100.0, n_bins + 1))
    else:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    # bin b holds edges[b] < q <= edges[b + 1]; the first bin also holds q = edges[0]
    ids = np.searchsorted(edges[1:-1], q)
    counts = np.bincount(ids, minlength=n_bins)
    sum_q = np.bincount(ids, weights=q, minlength=n_bins)
    sum_y = np.bincount(ids, weights=y, minlength=n_bins)
    return counts, sum_q, sum_y


def reliability_curve(y_true, y_prob, *, n_bins=10, strategy="uniform"):
    r"""The points of a reliability diagram: per bin, mean prediction, fraction positive, count.

    The predicted probabilities :math:`q_i` of the positive class are put into
    ``n_bins`` bins; bin :math:`b` holds the :math:`q_i` with
    :math:`e_b < q_i \le e_{b+1}` (the first bin also holds :math:`q_i = e_0`), the
    convention of scikit-learn's ``calibration_curve``. For each non-empty bin
    :math:`B_b` the function returns

    .. math:: \bar q_b = \frac{1}{|B_b|} \sum_{i \in B_b} q_i, \qquad
              \bar y_b = \frac{1}{|B_b|} \sum_{i \in B_b} y_i, \qquad |B_b|.

    A calibrated model has :math:`\bar y_b \approx \bar q_b` in every bin; how close
    depends on :math:`|B_b|` (the standard error of :math:`\bar y_b` is about
    :math:`\sqrt{\bar q_b (1 - \bar q_b) / |B_b|}`), which is why the counts are
    returned and should be shown.

    Parameters
    ----------
    y_true : array_like
        1-D labels in {0, 1} (booleans are accepted). For the *top-label* calibration
        of a multi-class model (Guo et al., 2017) pass whether the predicted class was
        right, ``argmax(q_i) == y_i``.
    y_prob : array_like
        Predicted probabilities of the positive class, in [0, 1], shape of ``y_true``
        (for top-label calibration: the largest probability of each row).
    n_bins : int, default 10
        Number of bins.
    strategy : {"uniform", "quantile"}, default "uniform"
        "uniform": bins of equal width on [0, 1], :math:`e_b = b / n_{\text{bins}}`;
        "quantile": edges at the quantiles of ``y_prob``, so that the bins hold about
        equally many examples (tied predictions can leave some bins empty).

    Returns
    -------
    mean_pred : ndarray
        :math:`\bar q_b`, one entry per non-empty bin, in bin order.
    frac_pos : ndarray
        :math:`\bar y_b`, the observed fraction of positives in the same bins.
    counts : ndarray of int
        :math:`|B_b|`, the number of examples in the same bins; they sum to ``n``.

    Raises
    ------
    ValueError
        If ``y_true`` holds anything but 0 and 1 or is not 1-D, ``y_prob`` leaves
        [0, 1] or has another shape, ``n_bins`` is not a positive integer, or
        ``strategy`` is unknown.

    See Also
    --------
    expected_calibration_error : the weighted mean gap of this curve.
    fit_temperature : the repair of a curve that lies off the diagonal.

    References
    ----------
    * M. H. DeGroot and S. E. Fienberg, "The comparison and evaluation of forecasters",
      Journal of the Royal Statistical Society D 32 (1983), 12-22.
    * A. Niculescu-Mizil and R. Caruana, "Predicting good probabilities with supervised
      learning", ICML 2005, 625-632.

    Examples
    --------
    >>> from xentlib import reliability_curve
    >>> mean_pred, frac_pos, counts = reliability_curve(
    ...     [0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> mean_pred.tolist(), frac_pos.tolist(), counts.tolist()
    ([0.15000000000000002, 0.8], [0.0, 1.0], [2, 2])
    """
    counts, sum_q, sum_y = _bin_sums(y_true, y_prob, n_bins, strategy)
    full = counts > 0
    return sum_q[full] / counts[full], sum_y[full] / counts[full], counts[full]


def expected_calibration_error(y_true, y_prob, *, n_bins=10, strategy="uniform"):
    r"""Expected calibration error (ECE): the count-weighted mean gap of the reliability curve.

    .. math:: \mathrm{ECE} = \sum_b \frac{|B_b|}{n}\, \bigl|\bar y_b - \bar q_b\bigr|,

    with the bins :math:`B_b`, mean predictions :math:`\bar q_b` and fractions of
    positives :math:`\bar y_b` of :func:`reliability_curve` (Naeini et al., 2015; Guo et
    al., 2017, eq. 3).

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy
        As for :func:`reliability_curve`.

    Returns
    -------
    float
        In [0, 1]; 0 when every bin's fraction of positives equals its mean prediction.

    Raises
    ------
    ValueError
        As for :func:`reliability_curve`.

    See Also
    --------
    reliability_curve : the curve it summarizes.
    fit_temperature

    Notes
    -----
    The ECE is an estimate and depends on how it is computed:

    * on the binning: the number of bins and the strategy change its value, so compare
      models only at the same setting;
    * it is biased upwards: even a perfectly calibrated model gets an ECE above 0 on a
      finite sample, because each bin's :math:`\bar y_b` is noisy and the absolute
      value turns noise of either sign into a positive gap; the bias grows with the
      number of bins and shrinks with :math:`n` (Kumar et al., 2019);
    * averaging within bins lets over- and under-confident examples in one bin cancel.

    References
    ----------
    * M. P. Naeini, G. F. Cooper and M. Hauskrecht, "Obtaining well calibrated
      probabilities using Bayesian binning", AAAI 2015, 2901-2907.
    * C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On calibration of modern neural
      networks", ICML 2017, PMLR 70, 1321-1330.
    * A. Kumar, P. Liang and T. Ma, "Verified uncertainty calibration", NeurIPS 2019.

    Examples
    --------
    >>> from xentlib import expected_calibration_error
    >>> expected_calibration_error([0, 1, 1, 1], [0.25, 0.75, 0.75, 0.75], n_bins=2)
    0.25
    """
    counts, sum_q, sum_y = _bin_sums(y_true, y_prob, n_bins, strategy)
    return float(np.sum(np.abs(sum_y - sum_q)) / counts.sum())


def _dloss_dbeta(labels, z, beta, binary):
    """Derivative of the mean cross-entropy of the logits ``beta * z`` with respect to ``beta``."""
    if binary:
        g = binary_cross_entropy_with_logits_grad(labels, beta * z)
    else:
        g = softmax_cross_entropy_grad(labels, beta * z)
    return float(np.sum(g * z))


def fit_temperature(y_true, logits):
    r"""The temperature :math:`T > 0` that minimizes the cross-entropy of ``logits / T``.

    Temperature scaling (Guo et al., 2017) divides every logit by one number,
    :math:`q_i = \operatorname{softmax}(z_i / T)` (binary: :math:`\sigma(z_i / T)`), and
    fits :math:`T` by minimizing the mean cross-entropy on held-out data — data the
    model was *not* trained on, the validation set. :math:`T > 1` softens an
    over-confident model, :math:`T < 1` sharpens an under-confident one. The predicted
    class, and every ranking of the examples by their logit, stay the same.

    Parameters
    ----------
    y_true : array_like
        Integer labels: in {0, 1} for 1-D ``logits`` (binary), in
        ``0 .. C - 1`` for 2-D ``logits`` of shape ``(n, C)``.
    logits : array_like
        Finite logits: shape ``(n,)`` (binary, the logit of the positive class) or
        ``(n, C)`` with ``C >= 2`` (multi-class, classes along the last axis).

    Returns
    -------
    float
        The minimizing temperature :math:`T`.

    Raises
    ------
    ValueError
        If ``y_true`` or ``logits`` are malformed, their shapes disagree, or no finite
        :math:`T > 0` minimizes the loss: when the logits carry no information about
        the labels or point the wrong way (the loss falls all the way to
        :math:`T \to \infty`), or when they separate the classes perfectly (the loss
        falls all the way to :math:`T \to 0`).

    See Also
    --------
    binary_cross_entropy_with_logits, softmax_cross_entropy : the losses minimized.
    reliability_curve, expected_calibration_error : to judge the result.

    Notes
    -----
    With :math:`\beta = 1 / T`, the loss
    :math:`f(\beta) = \frac1n \sum_i \ell(y_i, \beta z_i)` is convex in :math:`\beta`,
    because the cross-entropy is convex in the logits and :math:`\beta z_i` is linear
    in :math:`\beta`. Its derivative

    .. math:: f'(\beta) = \frac1n \sum_i \sum_c (q_{ic} - y_{ic})\, z_{ic},
              \qquad q_i = \operatorname{softmax}(\beta z_i),

    (binary: :math:`\frac1n \sum_i (\sigma(\beta z_i) - y_i) z_i`) is therefore
    non-decreasing, and the function finds its root by bisection: it doubles
    :math:`\beta` from 1 until :math:`f' > 0`, then halves the bracket until it cannot
    be halved in floating point. A misclassified example makes :math:`f'` positive
    for large :math:`\beta`; if there is none (every true class has the largest
    logit), the loss decreases all the way to :math:`T \to 0` and the function
    raises. The derivative comes from
    :func:`binary_cross_entropy_with_logits_grad` or
    :func:`softmax_cross_entropy_grad`.

    References
    ----------
    * C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On calibration of modern neural
      networks", ICML 2017, PMLR 70, 1321-1330.
    * J. Platt, "Probabilistic outputs for support vector machines and comparisons to
      regularized likelihood methods", in *Advances in Large Margin Classifiers*, MIT
      Press (1999), 61-74.

    Examples
    --------
    Four examples with logit 2 of which half are positive: the best constant
    probability is 1/2, reached only as :math:`T \to \infty`; with three positives it is
    3/4, i.e. :math:`2 / T = \log 3`.

    >>> import math
    >>> from xentlib import fit_temperature
    >>> T = fit_temperature([1, 1, 1, 0], [2.0, 2.0, 2.0, 2.0])
    >>> abs(T - 2 / math.log(3)) < 1e-12
    True
    """
    z = as_float_array(logits, "logits", dtype=np.float64)
    if z.ndim not in (1, 2):
        raise ValueError(f"logits must have shape (n,) or (n, C); got shape {z.shape}")
    binary = z.ndim == 1
    if not binary and z.shape[1] < 2:
        raise ValueError(f"logits of shape (n, C) need C >= 2 classes; got shape {z.shape}")
    labels = check_labels(y_true, "y_true", n_classes=2 if binary else z.shape[1])
    if labels.shape != z.shape[:1]:
        raise ValueError(f"y_true must have shape {z.shape[:1]} (one label per row of logits); "
                         f"got {labels.shape}")

    if _dloss_dbeta(labels, z, 0.0, binary) >= 0:
        raise ValueError("logits carry no information about y_true (or point the wrong way): "
                         "the cross-entropy keeps falling as T grows, no finite T minimizes it")
    if binary:
        margin = np.where(labels == 1, z, -z)
    else:
        rest = z.copy()
        np.put_along_axis(rest, labels[:, None], -np.inf, axis=1)
        margin = np.take_along_axis(z, labels[:, None], axis=1)[:, 0] - rest.max(axis=1)
    if np.all(margin >= 0):
        raise ValueError("logits separate the classes of y_true (every true class has the largest "
                         "logit): the cross-entropy keeps falling as T shrinks, no T > 0 minimizes it")
    lo, hi = 0.0, 1.0
    while (d := _dloss_dbeta(labels, z, hi, binary)) < 0:
        lo, hi = hi, 2.0 * hi
        if hi > 2.0**1000:  # not reached: a misclassified example makes the derivative positive
            raise ValueError("logits: no temperature T > 0 minimizes the cross-entropy")
    if d == 0:
        return float(1.0 / hi)
    while True:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        d = _dloss_dbeta(labels, z, mid, binary)
        if d == 0:
            lo = hi = mid
            break
        if d < 0:
            lo = mid
        else:
            hi = mid
    return float(1.0 / (0.5 * (lo + hi)))
