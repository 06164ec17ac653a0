"""The functions that turn logits into probabilities, and their logarithms.

All are exact for every finite input: no overflow, no NaN, and no warning, however
large the logits. Infinite or NaN logits raise ``ValueError``.
"""

from __future__ import annotations

import numpy as np

from ._special import expit, log_softmax_parts, softplus
from ._special import softmax as _softmax
from ._validation import as_float_array, check_axis, keeps_float16

__all__ = ["sigmoid", "log_sigmoid", "softmax", "log_softmax", "logsumexp"]


@keeps_float16("z")
def sigmoid(z):
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Parameters
    ----------
    z : array_like
        Finite logits (log-odds).

    Returns
    -------
    ndarray
        Probabilities in [0, 1], same shape and floating dtype as ``z``.

    See Also
    --------
    log_sigmoid : its logarithm, without rounding to 0 or 1.
    softmax

    Notes
    -----
    Computed from :math:`e^{-|z|}`, which never overflows:
    :math:`\sigma(z) = 1/(1+e^{-|z|})` for :math:`z \ge 0` and
    :math:`e^{-|z|}/(1+e^{-|z|})` for :math:`z < 0`, so both tails keep full relative
    accuracy (:math:`\sigma(-800)` is 0 only because it underflows).

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import sigmoid
    >>> sigmoid([0.0, 1e4, -1e4]).tolist()
    [0.5, 1.0, 0.0]
    """
    z = as_float_array(z, "z")
    return expit(z)[()]


@keeps_float16("z")
def log_sigmoid(z):
    r"""The logarithm of the logistic function, :math:`\log \sigma(z) = -\log(1 + e^{-z})`.

    Parameters
    ----------
    z : array_like
        Finite logits.

    Returns
    -------
    ndarray
        Values :math:`\le 0`, same shape and floating dtype as ``z``.

    See Also
    --------
    sigmoid
    binary_cross_entropy_with_logits

    Notes
    -----
    Computed as :math:`\min(z, 0) - \operatorname{log1p}(e^{-|z|})`, exact for every finite ``z``:
    ``log_sigmoid(-1e4)`` is ``-1e4``, where ``log(sigmoid(-1e4))`` is ``-inf``.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import log_sigmoid
    >>> log_sigmoid([-1e4, 0.0]).tolist()  # second value is -log 2
    [-10000.0, -0.6931471805599453]
    """
    z = as_float_array(z, "z")
    return (-softplus(-z))[()]


@keeps_float16("z")
def logsumexp(z, axis=-1):
    r"""The log of the sum of exponentials, :math:`\log \sum_i e^{z_i}`, without overflow.

    Parameters
    ----------
    z : array_like
        Finite values, at least one dimension.
    axis : int, default -1
        Axis to reduce.

    Returns
    -------
    ndarray or float
        ``z``'s shape without ``axis``.

    See Also
    --------
    log_softmax

    Notes
    -----
    Uses :math:`\log\sum_i e^{z_i} = m + \operatorname{log1p}\big(\sum_{i \ne k} e^{z_i - m}\big)`
    with :math:`m = z_k = \max_i z_i`: every exponent is at most 0, and the term
    :math:`e^0 = 1` of the maximum is kept out of the sum so that ``log1p`` keeps the
    small remainder exact.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import logsumexp
    >>> float(logsumexp([1000.0, 1000.0]))  # 1000 + log 2; the naive form gives inf
    1000.6931471805599
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
    m, log1p_rest = log_softmax_parts(z, axis)
    return np.squeeze(m + log1p_rest, axis=axis)[()]


@keeps_float16("z")
def log_softmax(z, axis=-1):
    r"""The logarithm of the softmax, :math:`z_i - \log \sum_j e^{z_j}`.

    Parameters
    ----------
    z : array_like
        Finite logits, at least one dimension.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray
        Log-probabilities, same shape as ``z``; ``exp`` of a row sums to 1.

    See Also
    --------
    softmax
    logsumexp
    softmax_cross_entropy

    Notes
    -----
    Computed as :math:`(z_i - m) - \operatorname{log1p}\big(\sum_{j \ne k} e^{z_j - m}\big)`
    with :math:`m = z_k = \max_j z_j`: the shift leaves the result unchanged (softmax
    is invariant to adding a constant), keeps every exponent :math:`\le 0`, and
    ``log1p`` keeps the log-probability of a dominant class exact
    (``log_softmax([0, -40])[0]`` is ``-4.25e-18``, not 0).

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import log_softmax
    >>> log_softmax([0.0, 1e4]).tolist()
    [-10000.0, 0.0]
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
    m, log1p_rest = log_softmax_parts(z, axis)
    return (z - m) - log1p_rest


@keeps_float16("z")
def softmax(z, axis=-1):
    r"""The softmax function, :math:`\mathrm{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}`.

    Parameters
    ----------
    z : array_like
        Finite logits, at least one dimension.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray
        Probabilities in [0, 1] that sum to 1 along ``axis``, same shape as ``z``.

    See Also
    --------
    log_softmax
    logsumexp

    Notes
    -----
    The largest logit is subtracted first (Bridle, 1990; Goodfellow et al., 2016,
    sec. 4.1), so no exponential overflows; each :math:`e^{z_j - m}` is corrected for the
    rounding of :math:`z_j - m`, as in :func:`log_softmax`.

    References
    ----------
    * I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), sec.
      4.1 and 6.2.2.

    Examples
    --------
    >>> from xentlib import softmax
    >>> softmax([1000.0, 1000.0]).tolist()  # the naive form gives [nan, nan]
    [0.5, 0.5]
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
    return _softmax(z, axis)
