"""Entropy, cross-entropy and Kullback–Leibler divergence of discrete distributions.

Distributions lie along ``axis`` (the last by default). Logarithms are natural
(``base=None``, nats) unless ``base`` is given (``base=2``: bits). The conventions of
information theory hold exactly: ``0 · log 0 = 0``, and the cross-entropy and the
divergence are ``+inf`` where ``p > 0`` and ``q = 0``.
"""

from __future__ import annotations

import numpy as np

from ._special import xlogy
from ._validation import (
    as_float_array,
    check_axis,
    check_distribution,
    check_same_shape,
    check_scalar,
    float_dtype,
    keeps_float16,
)

__all__ = ["entropy", "cross_entropy", "kl_divergence"]


def _log_base(base, dtype):
    if base is None:
        return dtype.type(1.0)
    base = check_scalar(base, "base", low=0.0, low_open=True)
    if base == 1.0:
        raise ValueError("base must not be 1 (log 1 = 0)")
    return np.log(dtype.type(base))  # in the dtype's own precision (long double too)


def _given_dtype(x):
    """The dtype the caller passed (a list's is what NumPy makes of it)."""
    return x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype


def _distributions(p, q, axis):
    """p and q as arrays of their common dtype, each checked at its own dtype's tolerance."""
    dtype = float_dtype(p, q) if q is not None else None
    p_given = _given_dtype(p)
    p = as_float_array(p, "p", dtype=dtype, min_ndim=1)
    axis = check_axis(axis, p.ndim)
    check_distribution(p, "p", axis, given_dtype=p_given)
    if q is None:
        return p, None, axis
    q_given = _given_dtype(q)
    q = as_float_array(q, "q", dtype=dtype, min_ndim=1)
    check_same_shape(p, q, "p", "q")
    check_distribution(q, "q", axis, given_dtype=q_given)
    return p, q, axis


def _accurate_sum(x, axis):
    """Sum along ``axis`` as accurately as a plain sum in twice the working precision.

    Pairwise summation in which every addition's rounding error is recovered exactly
    (Knuth's TwoSum) and the errors are added back at the end (Ogita, Rump and Oishi,
    2005, "Sum2"): log2(n) vectorized passes. The result is within an ulp or two of the
    exact sum unless the terms cancel by a factor beyond about ``1 / (n eps)^2``.
    """
    x = np.moveaxis(x, axis, -1)
    err = np.zeros(x.shape[:-1], dtype=x.dtype)
    while x.shape[-1] > 1:
        if x.shape[-1] % 2:
            x = np.concatenate([x, np.zeros(x.shape[:-1] + (1,), dtype=x.dtype)], axis=-1)
        a, b = x[..., 0::2], x[..., 1::2]
        s = a + b
        bb = s - a
        err += ((a - (s - bb)) + (b - bb)).sum(axis=-1)
        x = s
    return x[..., 0] + err


def _kl_generator(r):
    """``g(r) = (1 + r) log1p(r) - r >= 0`` for ``|r| <= 1/2``, to full relative accuracy.

    The direct formula cancels for small ``r`` (``g(r) ~ r^2 / 2``); the Taylor series
    ``g(r) = sum_{k>=2} (-1)^k r^k / (k (k - 1))`` converges fast enough here: its terms
    at least halve, so as many terms as the dtype has mantissa bits reach its precision.
    The coefficients are formed in ``r``'s own dtype (long double too).
    """
    one = r.dtype.type(1)
    total = np.zeros_like(r)
    for k in range(np.finfo(r.dtype).nmant + 2, 1, -1):  # Horner, from the smallest term
        total = (total + (one if k % 2 == 0 else -one) / (k * (k - 1))) * r
    return total * r


@keeps_float16("p")
def entropy(p, *, base=None, axis=-1):
    r"""Shannon entropy of the distribution(s) ``p``.

    .. math:: H(P) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1] that sum to 1 along ``axis``.
    base : float, optional
        Base of the logarithm; ``None`` (default) for nats, ``2`` for bits.
    axis : int, default -1
        The axis along which ``p`` is a distribution.

    Returns
    -------
    ndarray or float
        ``p``'s shape without ``axis``; a 0-d result is returned as a NumPy scalar.

    See Also
    --------
    cross_entropy
    kl_divergence

    Notes
    -----
    Entropy is the average surprisal :math:`-\log p_i`, the mean number of nats (bits)
    an optimal code needs per symbol (Shannon, 1948; Cover and Thomas, 2006, ch. 2).

    References
    ----------
    * C. E. Shannon, "A mathematical theory of communication", Bell System Technical
      Journal 27 (1948), 379-423.
    * T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley
      (2006), ch. 2.

    Examples
    --------
    >>> from xentlib import entropy
    >>> float(entropy([0.5, 0.5], base=2))
    1.0
    >>> float(entropy([1.0, 0.0]))
    0.0
    """
    p, _, axis = _distributions(p, None, axis)
    h = -xlogy(p, p).sum(axis=axis) / _log_base(base, p.dtype)
    return h[()] + p.dtype.type(0)  # + 0 turns -0.0 into 0.0


@keeps_float16("p", "q")
def cross_entropy(p, q, *, base=None, axis=-1):
    r"""Cross-entropy of ``q`` relative to ``p``: the cost of coding ``p`` with ``q``'s code.

    .. math:: H(P, Q) = -\sum_i p_i \log q_i = H(P) + D_{\mathrm{KL}}(P \,\|\, Q).

    Parameters
    ----------
    p : array_like
        The true distribution(s), summing to 1 along ``axis``.
    q : array_like
        The model distribution(s), same shape as ``p``.
    base : float, optional
        ``None`` (default) for nats, ``2`` for bits.
    axis : int, default -1
        The axis along which ``p`` and ``q`` are distributions.

    Returns
    -------
    ndarray or float
        ``+inf`` where some ``p_i > 0`` has ``q_i = 0``.

    See Also
    --------
    entropy
    kl_divergence : H(P, Q) = H(P) + KL(P || Q).

    References
    ----------
    * T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley
      (2006), ch. 2.

    Examples
    --------
    >>> from xentlib import cross_entropy
    >>> round(float(cross_entropy([0.5, 0.5], [0.25, 0.75], base=2)), 12)  # -(log2 .25 + log2 .75)/2
    1.207518749639
    """
    p, q, axis = _distributions(p, q, axis)
    h = -xlogy(p, q).sum(axis=axis) / _log_base(base, p.dtype)
    return h[()] + p.dtype.type(0)


@keeps_float16("p", "q")
def kl_divergence(p, q, *, base=None, axis=-1):
    r"""Kullback–Leibler divergence (relative entropy) of ``q`` from ``p``.

    .. math:: D_{\mathrm{KL}}(P \,\|\, Q) = \sum_i p_i \log \frac{p_i}{q_i} \;\ge\; 0.

    Parameters
    ----------
    p, q : array_like
        Distributions of the same shape, summing to 1 along ``axis``.
    base : float, optional
        ``None`` (default) for nats, ``2`` for bits.
    axis : int, default -1
        The axis along which ``p`` and ``q`` are distributions.

    Returns
    -------
    ndarray or float
        Non-negative (Gibbs' inequality); zero exactly when ``p == q``;
        ``+inf`` where some ``p_i > 0`` has ``q_i = 0``.

    Notes
    -----
    The sum is taken over terms that are all non-negative, so nothing cancels:

    .. math:: D_{\mathrm{KL}}(P \,\|\, Q) = \sum_i \bigl(p_i \log \tfrac{p_i}{q_i} - p_i + q_i\bigr)
              + \sum_i (p_i - q_i),

    whose second sum is 0 for exact distributions and otherwise the (tiny) amount by
    which the given rows do not sum to the same value. Each term of the first sum is
    :math:`q_i\, g(r_i)` with :math:`r_i = (p_i - q_i)/q_i` and
    :math:`g(r) = (1 + r)\log(1 + r) - r \ge 0`, evaluated by its Taylor series where
    :math:`|r_i| \le 1/2` (``p`` close to ``q``: the direct formula would cancel) and
    directly elsewhere; ``log p - log q`` replaces ``log(p / q)`` where the ratio would
    overflow or underflow. This keeps full relative accuracy when ``p`` and ``q`` are
    close: for :math:`q = 0.5 \pm 2^{-30}` and :math:`p = 0.5` the result is
    :math:`1.73 \times 10^{-18}`, where ``sum(p * log(p / q))`` gives 0.
    A result that rounding would make negative is returned as 0.

    References
    ----------
    S. Kullback and R. A. Leibler, "On information and sufficiency", Annals of
    Mathematical Statistics 22 (1951). The sum of :math:`p - q` is that of T. Ogita,
    S. M. Rump and S. Oishi, "Accurate sum and dot product", SIAM Journal on Scientific
    Computing 26 (2005).

    See Also
    --------
    cross_entropy : :math:`H(P, Q)`, which is :math:`H(P) + D_{\mathrm{KL}}(P \,\|\, Q)`.

    Examples
    --------
    >>> from xentlib import kl_divergence
    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> round(float(kl_divergence([0.5, 0.5], [0.25, 0.75], base=2)), 12)  # 1.2075... - 1
    0.207518749639
    """
    p, q, axis = _distributions(p, q, axis)
    zero = p.dtype.type(0)
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        diff = p - q  # exact where p and q are within a factor 2 of each other (Sterbenz)
        r = diff / q
        near = np.abs(r) <= 0.5  # False where q = 0
        ratio = p / q
        log_ratio = np.log(ratio)
        fallback = ~np.isfinite(log_ratio) | (ratio < np.finfo(p.dtype).tiny)
        log_ratio = np.where(fallback, np.log(p) - np.log(q), log_ratio)
        far = np.where(p == 0, zero, p * log_ratio) - diff  # p log(p/q) - p + q
        terms = np.where(near, q * _kl_generator(np.where(near, r, zero)), far)
        terms = np.where((q == 0) & (p > 0), np.inf, terms)
    # the terms are >= 0 (a plain sum is accurate); sum(p - q) cancels: summed exactly
    d = (terms.sum(axis=axis) + _accurate_sum(diff, axis)) / _log_base(base, p.dtype)
    return np.maximum(d, zero)[()]
