"""High-precision reference values computed with mpmath, independent of xentlib."""

import mpmath as mp
import numpy as np

mp.mp.dps = 60


def _vec(f, x):
    x = np.asarray(x, dtype=np.float64)
    return np.array([float(f(mp.mpf(float(v)))) for v in x.ravel()]).reshape(x.shape)


def softplus(x):
    """log(1 + e^x)."""
    return _vec(lambda v: mp.log1p(mp.exp(v)), x)


def log_sigmoid(x):
    return _vec(lambda v: -mp.log1p(mp.exp(-v)), x)


def sigmoid(x):
    return _vec(lambda v: 1 / (1 + mp.exp(-v)), x)


def log_softmax_row(z):
    z = [mp.mpf(float(v)) for v in z]
    lse = mp.log(mp.fsum(mp.exp(v) for v in z))
    return np.array([float(v - lse) for v in z])


def logsumexp_row(z):
    return float(mp.log(mp.fsum(mp.exp(mp.mpf(float(v))) for v in z)))


def sigmoid_minus(z, y):
    """sigmoid(z) - y at high precision (no cancellation)."""
    z = np.asarray(z, dtype=np.float64)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), z.shape)
    return np.array([float(1 / (1 + mp.exp(-mp.mpf(float(a)))) - mp.mpf(float(b)))
                     for a, b in zip(z.ravel(), y.ravel(), strict=True)]).reshape(z.shape)


def kl_row(p, q):
    """sum_i p_i log(p_i / q_i) of the given floats, exactly (0 log 0 = 0)."""
    return float(mp.fsum(mp.mpf(float(a)) * mp.log(mp.mpf(float(a)) / mp.mpf(float(b)))
                         for a, b in zip(p, q, strict=True) if a != 0))


def ulps(actual, expected, dtype=np.float64):
    """|actual - expected| in units in the last place of ``expected`` in ``dtype``."""
    expected = np.asarray(expected, dtype=np.float64)
    spacing = np.spacing(np.abs(expected).astype(dtype)).astype(np.float64)
    return np.abs(np.asarray(actual, dtype=np.float64) - expected) / spacing
