"""Private numerical kernels shared by the public modules.

Each kernel is exact (to a few units in the last place) for every finite input and
never returns NaN from a finite input.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

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


def log1p_exp_neg_abs(z):
    """``log1p(exp(-|z|))``, the part of softplus that is never larger than log 2."""
    t = np.abs(z)
    if not isinstance(t, np.ndarray):  # a 0-d input gives a scalar: no in-place work
        return np.log1p(np.exp(-t))
    np.negative(t, out=t)
    np.exp(t, out=t)
    return np.log1p(t, out=t)


def softplus(z):
    """``log(1 + exp(z))`` computed as ``max(z, 0) + log1p(exp(-|z|))``: no overflow."""
    t = log1p_exp_neg_abs(z)
    t += np.maximum(z, 0)
    return t


def xlog1py(x, y):
    """``x * log1p(y)`` with ``0 * log1p(y) = 0`` (also for ``y = -1``)."""
    x, y = np.broadcast_arrays(x, y)
    out = np.zeros(x.shape, dtype=np.result_type(x, y, np.float32))
    nz = x != 0
    with np.errstate(divide="ignore"):
        out[nz] = x[nz] * np.log1p(y[nz])
    return out


def expit(z):
    """The logistic sigmoid from ``exp(-|z|)``: no overflow, full accuracy in both tails.

    The numerator ``[1 if z >= 0 else e]`` is ``max(e, z >= 0)`` (as ``e <= 1``): the
    same numbers as ``np.where``, which is several times slower with a scalar branch.
    """
    e = np.exp(-np.abs(z))
    return np.maximum(e, z >= 0) / (1 + e)


def expit_pair(z):
    """``(sigmoid(z), sigmoid(-z))``, both to full relative accuracy, from one ``exp``."""
    e = np.exp(-np.abs(z))
    d = 1 + e
    positive = z >= 0
    return np.maximum(e, positive) / d, np.maximum(e, ~positive) / d


_BLOCK = 1 << 15  # elements per block of rows: small enough to stay in cache
_PARALLEL_MIN = 1 << 20  # inputs at least this large are split over threads
_executor = None


def _pool():
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    return _executor


def _shifted_exp(zb, m, out):
    """exp(zb - m) into ``out``, with the rounding error of the subtraction corrected.

    ``d = fl(zb - m)`` is off by up to half an ulp of ``d``, and exp turns an absolute
    error in its argument into a relative error ``|d|`` times larger (up to 16 ulp
    at ``d = -52``). The error ``(zb - m) - d`` is recovered exactly with Knuth's TwoSum and
    applied to first order: ``exp(d + err) = exp(d) (1 + err)``.
    """
    d = np.subtract(zb, m, out=out)
    a = d + m
    b = d - a
    np.subtract(zb, a, out=a)  # a = zb - a'
    b += m
    a -= b  # err = (zb - a') - (m + b') = (zb - a') + (-m - b')
    np.exp(d, out=d)
    a *= d
    d += a
    return d


def _block(z, m, l1p, q, start, stop):
    """One block of rows: max, argmax, exp with the max's 1 left out, log1p of the rest."""
    zb = z[start:stop]
    idx = np.argmax(zb, axis=1)[:, None]
    mb = np.take_along_axis(zb, idx, axis=1)
    out = None if q is None else q[start:stop]
    with np.errstate(over="ignore", invalid="ignore"):
        eb = _shifted_exp(zb, mb, out)
    np.put_along_axis(eb, idx, 0, axis=1)
    sb = eb.sum(axis=1, keepdims=True)
    if not np.isfinite(sb).all():  # zb - m overflowed (logits beyond 1e307): no correction
        with np.errstate(over="ignore"):
            eb = np.exp(np.subtract(zb, mb, out=out), out=out)
        np.put_along_axis(eb, idx, 0, axis=1)
        sb = eb.sum(axis=1, keepdims=True)
    m[start:stop] = mb
    np.log1p(sb, out=l1p[start:stop])
    if q is not None:  # finish the softmax in place: restore the max's 1, normalize
        np.put_along_axis(eb, idx, 1, axis=1)
        eb /= 1 + sb


def softmax(z, axis=-1):
    """The softmax along ``axis`` from :func:`log_softmax_parts`: the one softmax of
    xentlib (the activation, the losses' gradients and the models all use it)."""
    return log_softmax_parts(z, axis, keep_exp=True)[2]


def log_softmax_parts(z, axis, *, keep_exp=False):
    """The pieces of ``log_softmax``: ``(z - m) - log1p(s)``, with ``m`` the maximum along
    ``axis`` and ``s`` the sum of the other exponentials ``exp(z_j - m)`` (the maximum's
    own ``exp(0) = 1`` left out).

    Leaving the maximum's 1 out of the sum and using ``log1p`` keeps full relative
    accuracy when the other classes are tiny: for logits ``[0, -40]`` the
    log-probability of the first class is ``-log1p(e^{-40})``, not ``log(1.0) = 0``;
    and each ``exp(z_j - m)`` is corrected for the rounding of ``z_j - m``.

    The work is done in blocks of rows (cache-friendly, and the temporaries are one
    block's size), spread over threads for large inputs (NumPy releases the GIL).

    Returns ``(m, log1p(s))`` with ``keepdims``; with ``keep_exp=True`` also
    ``q = softmax(z)``, the one array of ``z``'s size allocated here.
    """
    moved = np.moveaxis(z, axis, -1)
    shape = moved.shape
    z2 = np.ascontiguousarray(moved.reshape(-1, shape[-1]))
    rows, cols = z2.shape
    m = np.empty((rows, 1), dtype=z.dtype)
    l1p = np.empty((rows, 1), dtype=z.dtype)
    q = np.empty_like(z2) if keep_exp else None
    step = max(1, _BLOCK // cols)
    starts = range(0, rows, step)
    if z2.size >= _PARALLEL_MIN and len(starts) > 1 and (os.cpu_count() or 1) > 1:
        list(_pool().map(lambda s: _block(z2, m, l1p, q, s, min(s + step, rows)), starts))
    else:
        for s in starts:
            _block(z2, m, l1p, q, s, min(s + step, rows))

    def back(a):
        return np.moveaxis(a.reshape(shape[:-1] + (a.shape[-1],)), -1, axis)

    if keep_exp:
        return back(m), back(l1p), back(q)
    return back(m), back(l1p)
