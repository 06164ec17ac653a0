"""Class weights, label smoothing and class-prior (logit-adjustment) helpers."""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_float_array, check_distribution, check_labels, check_scalar

__all__ = ["class_weights", "smooth_labels", "class_priors", "logit_adjustment"]


def _n_classes(n_classes, labels):
    if n_classes is None:
        return int(labels.max()) + 1
    if isinstance(n_classes, (bool, np.bool_)) or not isinstance(n_classes, numbers.Integral):
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
    if n_classes < 1:
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
    return int(n_classes)


def _counts(y, n_classes):
    labels = check_labels(y, "y")
    if labels.ndim != 1:
        raise ValueError(f"y must be a 1-D array of class labels; got shape {labels.shape}")
    n_classes = _n_classes(n_classes, labels)
    if labels.max() >= n_classes:
        raise ValueError(f"y holds label {labels.max()}, out of range for n_classes={n_classes}")
    return np.bincount(labels, minlength=n_classes)


def class_weights(y, *, method="balanced", beta=0.999, n_classes=None):
    r"""One weight per class from the class counts of the labels ``y``.

    * ``"balanced"``: :math:`w_c = n / (C \cdot n_c)`, scikit-learn's
      ``class_weight="balanced"``; the weighted classes then count equally.
    * ``"effective"``: Cui et al. (2019)'s effective number of samples,
      :math:`w_c \propto (1 - \beta) / (1 - \beta^{n_c})`, scaled so that the weights
      sum to :math:`C`. :math:`\beta = 0` gives equal weights and
      :math:`\beta \to 1` approaches inverse frequency.

    Parameters
    ----------
    y : array_like
        1-D integer class labels.
    method : {"balanced", "effective"}
    beta : float, default 0.999
        :math:`\beta` in [0, 1), for ``"effective"`` only.
    n_classes : int, optional
        Number of classes :math:`C`; by default ``max(y) + 1``.

    Returns
    -------
    ndarray
        Shape ``(n_classes,)``, float64.

    Raises
    ------
    ValueError
        If a class has no sample: its weight would be infinite.

    See Also
    --------
    class_priors

    References
    ----------
    * Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-balanced loss based on
      effective number of samples", CVPR 2019, 9268-9277.

    Examples
    --------
    >>> from xentlib import class_weights
    >>> class_weights([0, 0, 0, 1]).tolist()  # 4 / (2 * 3), 4 / (2 * 1)
    [0.6666666666666666, 2.0]
    >>> class_weights([0, 0, 0, 1], method="effective", beta=0.0).tolist()
    [1.0, 1.0]
    """
    counts = _counts(y, n_classes)
    if (counts == 0).any():
        raise ValueError(
            f"y has no sample of class {int(np.argmin(counts))}; its weight would be infinite"
        )
    n_cls = counts.size
    if method == "balanced":
        return counts.sum() / (n_cls * counts.astype(np.float64))
    if method == "effective":
        beta = check_scalar(beta, "beta", low=0.0, high=1.0, high_open=True)
        if beta == 0:
            return np.ones(n_cls)
        # 1 - beta**n as -expm1(n log beta): accurate when beta is close to 1
        effective = -np.expm1(counts * np.log(beta)) / (1 - beta)
        w = 1 / effective
        return w * (n_cls / w.sum())
    raise ValueError(f"method must be 'balanced' or 'effective', got {method!r}")


def smooth_labels(y_true, epsilon, n_classes=None):
    r"""Label smoothing: :math:`(1 - \varepsilon)\,\text{one-hot}(y) + \varepsilon / C`.

    Parameters
    ----------
    y_true : array_like
        Integer labels (any shape; ``n_classes`` or ``max + 1`` classes), or probability
        rows along the last axis (``n_classes`` must then be ``None`` or match).
    epsilon : float
        :math:`\varepsilon` in [0, 1].
    n_classes : int, optional
        :math:`C` for integer labels; by default ``max(y_true) + 1``.

    Returns
    -------
    ndarray
        Probability rows, shape ``y_true.shape + (C,)`` for labels or ``y_true.shape``.

    See Also
    --------
    softmax_cross_entropy : its ``label_smoothing`` does the same inside the loss.

    Notes
    -----
    Szegedy et al. (2016). The smoothed target keeps the model from driving the
    true-class logit to infinity: the best achievable loss becomes the entropy of the
    smoothed target rather than 0.

    References
    ----------
    * C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens and Z. Wojna, "Rethinking the
      Inception architecture for computer vision", CVPR 2016, 2818-2826.

    Examples
    --------
    >>> from xentlib import smooth_labels
    >>> smooth_labels([0, 2], 0.3, n_classes=3).round(3).tolist()
    [[0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]
    """
    epsilon = check_scalar(epsilon, "epsilon", low=0.0, high=1.0)
    arr = np.asarray(y_true)
    if np.issubdtype(arr.dtype, np.integer):
        labels = check_labels(arr, "y_true")
        n_cls = _n_classes(n_classes, labels)
        if labels.max() >= n_cls:
            raise ValueError(f"y_true holds label {labels.max()}, out of range for n_classes={n_cls}")
        target = np.eye(n_cls)[labels]
    else:
        target = as_float_array(arr, "y_true", min_ndim=1)
        check_distribution(target, "y_true")
        n_cls = target.shape[-1]
        if n_classes is not None and _n_classes(n_classes, np.zeros(1, np.intp)) != n_cls:
            raise ValueError(
                f"n_classes={n_classes} does not match y_true's last axis of length {n_cls}"
            )
    return (1 - epsilon) * target + epsilon / n_cls


def class_priors(y, *, n_classes=None):
    r"""The class frequencies :math:`\pi_c = n_c / n` of the labels ``y``.

    Parameters
    ----------
    y : array_like
        1-D integer class labels.
    n_classes : int, optional
        Number of classes; by default ``max(y) + 1``. Classes without samples get 0.

    Returns
    -------
    ndarray
        Shape ``(n_classes,)``, summing to 1.

    See Also
    --------
    logit_adjustment
    class_weights

    References
    ----------
    * A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and S. Kumar, "Long-tail
      learning via logit adjustment", ICLR 2021.

    Examples
    --------
    >>> from xentlib import class_priors
    >>> class_priors([0, 0, 0, 1]).tolist()
    [0.75, 0.25]
    """
    counts = _counts(y, n_classes)
    return counts / counts.sum()


def logit_adjustment(priors, *, tau=1.0):
    r"""The logit offsets :math:`\tau \log \pi_c` of logit adjustment (Menon et al., 2021).

    *Post hoc*: predict :math:`\arg\max_c\, z_c - \tau \log \pi_c`, i.e. subtract the
    offsets from a trained model's logits. *As a loss*: train with
    :func:`softmax_cross_entropy` on :math:`z + \tau \log \pi` (add the offsets), then
    predict with the raw :math:`z`. Both target the balanced error.

    Parameters
    ----------
    priors : array_like
        Class probabilities :math:`\pi`, positive, summing to 1.
    tau : float, default 1.0
        Temperature :math:`\tau \ge 0`.

    Returns
    -------
    ndarray
        Same shape as ``priors``.

    See Also
    --------
    class_priors

    References
    ----------
    * A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and S. Kumar, "Long-tail
      learning via logit adjustment", ICLR 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from xentlib import logit_adjustment
    >>> np.allclose(logit_adjustment([0.5, 0.5]), np.log(0.5))
    True
    """
    pi = as_float_array(priors, "priors", min_ndim=1)
    check_distribution(pi, "priors")
    if (pi == 0).any():
        raise ValueError("priors must be positive; a class of prior 0 has offset -inf")
    tau = check_scalar(tau, "tau", low=0.0)
    return tau * np.log(pi)
