"""Finite-difference check of a gradient."""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_scalar

__all__ = ["check_grad"]


def check_grad(f, grad, x, *, eps=1e-6):
    r"""Largest relative error between ``grad(x)`` and central differences of ``f``.

    .. math:: \hat g_j = \frac{f(x + \epsilon e_j) - f(x - \epsilon e_j)}{2\epsilon},
              \qquad \text{error} = \frac{\max_j |g_j - \hat g_j|}{\max(\max_j |g_j|, \max_j |\hat g_j|)}.

    The error is relative to the largest gradient entry (a norm-wise relative error),
    so entries that are zero up to rounding do not blow it up. With ``eps=1e-6`` and
    a smooth ``f`` in float64, a correct gradient typically gives 1e-7 or less (rounding
    in ``f`` divided by ``2 eps`` sets the floor); a wrong one
    gives something of order 1.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, a scalar function of an array.
    grad : callable
        ``grad(x) -> ndarray`` of ``x``'s shape, the claimed gradient of ``f``.
    x : array_like
        The point, any shape; converted to float64.
    eps : float, default 1e-6
        The finite-difference step.

    Returns
    -------
    float
        0.0 if both gradients are exactly zero.

    See Also
    --------
    binary_cross_entropy_with_logits_grad
    softmax_cross_entropy_grad

    References
    ----------
    * J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006).

    Examples
    --------
    >>> import numpy as np
    >>> from xentlib import check_grad
    >>> check_grad(lambda x: np.sum(x**3), lambda x: 3 * x**2, np.array([1.0, 2.0])) < 1e-8
    True
    """
    x = as_float_array(x, "x", dtype=np.float64)
    eps = check_scalar(eps, "eps", low=0.0, low_open=True)
    if not callable(f) or not callable(grad):
        raise ValueError("f and grad must be callable")
    g = np.asarray(grad(x.copy()), dtype=np.float64)
    if g.shape != x.shape:
        raise ValueError(f"grad(x) must have x's shape {x.shape}; got {g.shape}")
    numeric = np.empty_like(x)
    flat = x.reshape(-1).copy()
    for j in range(flat.size):
        step = np.zeros_like(flat)
        step[j] = eps
        numeric.flat[j] = (
            float(f((flat + step).reshape(x.shape))) - float(f((flat - step).reshape(x.shape)))
        ) / (2 * eps)
    scale = max(np.abs(g).max(), np.abs(numeric).max())
    return 0.0 if scale == 0 else float(np.abs(g - numeric).max() / scale)
