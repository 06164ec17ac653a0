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
)

__all__ = ["entropy", "cross_entropy", "kl_divergence"]


def _log_base(base, dtype):
    if base is None:
        return dtype.type(1.0)
    base = check_scalar(base, "base", low=0.0, low_open=True)
    if base == 1.0:
        raise ValueError("base must not be 1 (log 1 = 0)")
    return dtype.type(np.log(base))


def _distributions(p, q, axis):
    dtype = float_dtype(p, q) if q is not None else None
    p = as_float_array(p, "p", dtype=dtype, min_ndim=1)
    axis = check_axis(axis, p.ndim)
    check_distribution(p, "p", axis)
    if q is None:
        return p, None, axis
    q = as_float_array(q, "q", dtype=dtype, min_ndim=1)
    check_same_shape(p, q, "p", "q")
    check_distribution(q, "q", axis)
    return p, q, axis


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

    Notes
    -----
    Entropy is the average surprisal :math:`-\log p_i`, the mean number of nats (bits)
    an optimal code needs per symbol (Shannon, 1948; Cover and Thomas, 2006, ch. 2).

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

    Examples
    --------
    >>> from xentlib import cross_entropy
    >>> round(float(cross_entropy([0.5, 0.5], [0.25, 0.75], base=2)), 12)  # -(log2 .25 + log2 .75)/2
    1.207518749639
    """
    p, q, axis = _distributions(p, q, axis)
    h = -xlogy(p, q).sum(axis=axis) / _log_base(base, p.dtype)
    return h[()] + p.dtype.type(0)


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
    Each term is computed as ``p * log(p / q)``, which keeps full relative accuracy
    when ``p`` and ``q`` are close (where ``log p - log q`` would cancel), and falls
    back to ``log p - log q`` only where the ratio would overflow or underflow.
    Rounding can make the exact sum of non-negative mathematics come out a few ulp
    below zero; such results are returned as 0 (Kullback and Leibler, 1951).

    Examples
    --------
    >>> from xentlib import kl_divergence
    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> round(float(kl_divergence([0.5, 0.5], [0.25, 0.75], base=2)), 12)  # 1.2075... - 1
    0.207518749639
    """
    p, q, axis = _distributions(p, q, axis)
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        ratio = p / q
        log_ratio = np.log(ratio)
        tiny = np.finfo(p.dtype).tiny
        fallback = ~np.isfinite(log_ratio) | (ratio < tiny)
        log_ratio = np.where(fallback, np.log(p) - np.log(q), log_ratio)
        terms = np.where(p == 0, p.dtype.type(0), p * log_ratio)
    d = terms.sum(axis=axis) / _log_base(base, p.dtype)
    return np.maximum(d, p.dtype.type(0))[()]
