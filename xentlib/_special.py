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


_BLOCK = 1 << 16  # elements per block of rows: 2**16 ran faster than 2**13 .. 2**15 and 2**17
_MIN_BLOCK = 1 << 8  # ... and at least this many (fewer calls per element on small inputs)
_SPLIT = 8  # ... and at most 1/_SPLIT of the input (its temporaries stay small beside it)
_PARALLEL_MIN = 1 << 20  # inputs at least this large are split over threads
_executor = None


def _pool():
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    return _executor


def _work_dtype(dtype):
    """The dtype the exponentials are computed and summed in: float64 for float32
    logits (``z - m`` of two float32 numbers is then exact, or within 2**-53 of
    ``|z - m|``, so the TwoSum correction of :func:`_shifted_exp` is not needed, and
    the row sums carry far more digits than float32 keeps), the logits' own otherwise."""
    return np.dtype(np.float64) if dtype == np.float32 else dtype


def _run_blocks(work, total, step, parallel):
    """Call ``work(start, stop)`` over ``[0, total)`` in blocks of ``step``. With
    ``parallel`` (and more than one CPU), the blocks are cut into one contiguous run per
    CPU, run on the pool's threads and on this one (NumPy releases the GIL inside its
    loops): one task per CPU, not one per block, as the pool's per-task cost (a future,
    its locks, a thread switch) took 25% more CPU time than the work with 2**16-element
    blocks of ``exp``."""
    starts = range(0, total, step)
    workers = min(os.cpu_count() or 1, len(starts)) if parallel else 1
    per = -(-len(starts) // workers)

    def run(part):
        for s in starts[part * per:(part + 1) * per]:
            work(s, min(s + step, total))

    futures = [_pool().submit(run, part) for part in range(1, workers)]
    try:
        run(0)
    finally:
        for f in futures:
            f.result()


def _row_blocks(rows, cols, work):
    """Call ``work(start, stop)`` over the rows in blocks of about ``_BLOCK`` elements,
    and at most an eighth of the input (at least ``_MIN_BLOCK`` elements), so that a
    block's temporaries stay in cache and, for small inputs too, small beside the
    input; on threads for large inputs."""
    step = max(1, min(_BLOCK, max(rows * cols // _SPLIT, _MIN_BLOCK)) // cols)
    _run_blocks(work, rows, step, rows * cols >= _PARALLEL_MIN)


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


def _exp_block(zb, out):
    """One block of rows ``zb`` (2-D): the argmax ``idx`` and maximum ``mb`` of each row
    (keepdims), ``e = exp(zb - mb)`` with the maximum's own 1 replaced by 0, and the
    row sums ``s`` of ``e`` (keepdims). ``e`` and ``s`` are in :func:`_work_dtype`;
    ``e`` is written into ``out`` when given (an array of that dtype); for float32
    logits ``mb`` is in float64 too (the same numbers)."""
    if zb.dtype == np.float32:  # float64 work: exact enough without the correction
        eb = np.empty(zb.shape, np.float64) if out is None else out
        np.copyto(eb, zb)  # one cast of the block; the float64 steps below are faster
        idx = np.argmax(eb, axis=1)[:, None]
        mb = np.take_along_axis(eb, idx, axis=1)  # float64, but a float32 number
        eb -= mb
        np.exp(eb, out=eb)
        np.put_along_axis(eb, idx, 0, axis=1)
        # the row sums with einsum: as fast as a BLAS matrix-vector product (no BLAS
        # threads inside ours) and 1.5 to 8 times faster than sum(axis=1) for C = 1000
        # .. 10 (the whole loss 5% faster at C = 100, 20% at C = 10); its order of
        # summation is not pairwise, which float64 sums of float32 terms do not notice
        return idx, mb, eb, np.einsum("ij->i", eb)[:, None]
    idx = np.argmax(zb, axis=1)[:, None]
    mb = np.take_along_axis(zb, idx, axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        eb = _shifted_exp(zb, mb, out)
    np.put_along_axis(eb, idx, 0, axis=1)
    sb = eb.sum(axis=1, keepdims=True)
    if not np.isfinite(sb).all():  # zb - m overflowed (logits beyond 1e307): no correction
        with np.errstate(over="ignore"):
            eb = np.exp(np.subtract(zb, mb, out=out), out=out)
        np.put_along_axis(eb, idx, 0, axis=1)
        sb = eb.sum(axis=1, keepdims=True)
    return idx, mb, eb, sb


def _block(z, m, l1p, q, start, stop):
    """One block of rows: max, argmax, exp with the max's 1 left out, log1p of the rest."""
    zb = z[start:stop]
    same = q is not None and q.dtype == _work_dtype(z.dtype)
    idx, mb, eb, sb = _exp_block(zb, q[start:stop] if same else None)
    m[start:stop] = mb
    np.log1p(sb, out=l1p[start:stop])
    if q is not None:  # finish the softmax (in place when q is the work array)
        np.put_along_axis(eb, idx, 1, axis=1)
        sb += 1
        np.divide(eb, sb, out=q[start:stop])


def _nll_block(z, labels, loss, g, start, stop):
    """One block of rows of :func:`softmax_nll`."""
    zb = z[start:stop]
    yb = labels[start:stop, None]
    work = _work_dtype(z.dtype)
    same = g is not None and g.dtype == work
    idx, mb, eb, sb = _exp_block(zb, g[start:stop] if same else None)
    # log q_y = (z_y - m) - log1p(s), in the work dtype
    log_q_y = np.subtract(np.take_along_axis(zb, yb, axis=1), mb, dtype=work)
    log_q_y -= np.log1p(sb)
    if loss is not None:
        np.negative(log_q_y[:, 0], out=loss[start:stop])
    if g is not None:  # q - one_hot(y): softmax, and at the label q_y - 1 = expm1(log q_y)
        np.put_along_axis(eb, idx, 1, axis=1)
        sb += 1
        gb = g[start:stop]
        np.divide(eb, sb, out=gb)
        np.put_along_axis(gb, yb, np.expm1(log_q_y, out=log_q_y), axis=1)


def softmax_nll(z, labels, *, value=True, grad=True):
    """Softmax cross-entropy for integer labels, ``-log q_y`` per sample, and its gradient
    rows ``q - one_hot(y)`` (the label's ``q_y - 1`` as ``expm1(log q_y)``), classes on
    the last axis, in one pass over the logits in blocks of rows: no array of the logits'
    size is allocated but the gradient. The same numbers as
    :func:`log_softmax_parts` gives (``log q_y = (z_y - m) - log1p(s)``), except that
    for float32 logits the intermediate ``log q_y`` is kept in float64 and rounded once.
    Returns ``(loss, grad)`` (None for the half not asked for).
    """
    shape = z.shape
    z2 = np.ascontiguousarray(z.reshape(-1, shape[-1]))
    y1 = np.ascontiguousarray(labels.reshape(-1))
    loss = np.empty(z2.shape[0], dtype=z.dtype) if value else None
    g = np.empty_like(z2) if grad else None
    _row_blocks(*z2.shape, lambda a, b: _nll_block(z2, y1, loss, g, a, b))
    return (None if loss is None else loss.reshape(shape[:-1]),
            None if g is None else g.reshape(shape))


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
    and each ``exp(z_j - m)`` is corrected for the rounding of ``z_j - m`` (float32
    logits: ``z_j - m``, the exponentials and their sum are computed in float64 instead,
    where the subtraction is exact, and rounded to float32 once).

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
    _row_blocks(rows, cols, lambda a, b: _block(z2, m, l1p, q, a, b))

    def back(a):
        return np.moveaxis(a.reshape(shape[:-1] + (a.shape[-1],)), -1, axis)

    if keep_exp:
        return back(m), back(l1p), back(q)
    return back(m), back(l1p)
