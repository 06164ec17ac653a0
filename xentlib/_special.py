"""Private numerical kernels shared by the public modules.

Each kernel is exact (to a few units in the last place) for every finite input and
never returns NaN from a finite input.
"""

from __future__ import annotations

import numpy as np


def xlogy(x, y):
    """``x * log(y)`` with the convention ``0 * log(y) = 0`` (also for ``y = 0``).

    Returns ``-inf`` where ``x > 0`` and ``y = 0``.
    """
    x, y = np.broadcast_arrays(x, y)
    out = np.zeros(x.shape, dtype=np.result_type(x, y, np.float32))
    nz = x != 0
    with np.errstate(divide="ignore"):
        out[nz] = x[nz] * np.log(y[nz])
    return out


def softplus(z):
    """``log(1 + exp(z))`` computed as ``max(z, 0) + log1p(exp(-|z|))``: no overflow."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def xlog1py(x, y):
    """``x * log1p(y)`` with ``0 * log1p(y) = 0`` (also for ``y = -1``)."""
    x, y = np.broadcast_arrays(x, y)
    out = np.zeros(x.shape, dtype=np.result_type(x, y, np.float32))
    nz = x != 0
    with np.errstate(divide="ignore"):
        out[nz] = x[nz] * np.log1p(y[nz])
    return out


def expit(z):
    """The logistic sigmoid from ``exp(-|z|)``: no overflow, full accuracy in both tails."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def log_softmax_parts(z, axis):
    """``(z - m) - log1p(s)``, with ``m`` the row maximum and ``s`` the sum of the
    other exponentials ``exp(z_j - m)`` (the maximum itself left out).

    Leaving the maximum's ``exp(0) = 1`` out of the sum and using ``log1p`` keeps full
    relative accuracy when the other classes are tiny: for logits ``[0, -40]`` the
    log-probability of the first class is ``-log1p(e^{-40})``, not ``log(1.0) = 0``.
    Returns ``(m, log1p(s))`` with ``keepdims``.
    """
    m = z.max(axis=axis, keepdims=True)
    e = np.exp(z - m)
    top = np.expand_dims(np.argmax(z, axis=axis), axis)
    np.put_along_axis(e, top, 0, axis=axis)
    return m, np.log1p(e.sum(axis=axis, keepdims=True))
