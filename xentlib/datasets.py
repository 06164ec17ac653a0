"""Small real data sets built from what scikit-learn ships: no downloads."""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_labels, check_scalar

__all__ = ["load_digit_attributes", "subsample_class", "DIGIT_ATTRIBUTES"]

#: The attributes of :func:`load_digit_attributes`: name -> the digits that have it.
DIGIT_ATTRIBUTES = {
    "even": (0, 2, 4, 6, 8),
    "prime": (2, 3, 5, 7),
    "greater_than_5": (6, 7, 8, 9),
    "closed_loop": (0, 6, 8, 9),
    "multiple_of_3": (0, 3, 6, 9),
}


def load_digit_attributes():
    """A real multi-label data set: scikit-learn's handwritten digits, each image tagged
    with the true attributes of its digit.

    The 1797 images of 8 x 8 pixels (UCI optical recognition of handwritten digits,
    as shipped with scikit-learn) get five labels, which are not exclusive:

    ============== ==================== =========================================
    label          digits               meaning
    ============== ==================== =========================================
    even           0, 2, 4, 6, 8        the digit is even
    prime          2, 3, 5, 7           the digit is a prime number
    greater_than_5 6, 7, 8, 9           the digit is greater than 5
    closed_loop    0, 6, 8, 9           its usual handwritten form has a closed loop
    multiple_of_3  0, 3, 6, 9           the digit is divisible by 3
    ============== ==================== =========================================

    No two labels are copies or complements of each other, and every digit has a
    different set of labels, so the labels determine the digit.

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Pixel intensities 0-16, float64.
    Y : ndarray of shape (1797, 5)
        0/1 label indicators, int.
    label_names : list of str
        The column names of ``Y``.

    See Also
    --------
    multilabel_cross_entropy
    MultiLabelLogisticRegression

    References
    ----------
    * The UCI optical recognition of handwritten digits data set, as shipped with
      scikit-learn (``sklearn.datasets.load_digits``).

    Examples
    --------
    >>> from xentlib import load_digit_attributes
    >>> X, Y, names = load_digit_attributes()
    >>> X.shape, Y.shape, names[:2]
    ((1797, 64), (1797, 5), ['even', 'prime'])
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    names = list(DIGIT_ATTRIBUTES)
    table = np.array([[int(d in DIGIT_ATTRIBUTES[a]) for a in names] for d in range(10)])
    return digits.data.astype(np.float64), table[digits.target], names


def subsample_class(X, y, *, target_class, ratio, random_state=None):
    """Keep a seeded random subset of one class so that it is ``ratio`` times rarer.

    The other classes are kept whole. With ``ratio = 20``, the target class ends with
    ``round(n_rest / 20)`` samples, where ``n_rest`` counts all other samples: an
    imbalance of 1:20. Rows keep their original order.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
    y : array_like of shape (n_samples,)
        Integer class labels.
    target_class : int
        The class to make rare.
    ratio : float
        Other samples per kept target sample, >= 1.
    random_state : int, optional
        Seed of the subsample.

    Returns
    -------
    X_sub, y_sub : ndarray

    Raises
    ------
    ValueError
        If the target class does not have enough samples for the ratio, or if the
        ratio would leave no sample of it.

    See Also
    --------
    class_weights

    Examples
    --------
    >>> import numpy as np
    >>> from xentlib.datasets import subsample_class
    >>> y = np.array([0] * 100 + [1] * 50)
    >>> _, y_sub = subsample_class(np.zeros((150, 1)), y, target_class=1, ratio=20,
    ...                            random_state=0)
    >>> np.bincount(y_sub).tolist()
    [100, 5]
    """
    X = np.asarray(X)
    labels = check_labels(y, "y")
    if labels.ndim != 1 or X.shape[0] != labels.shape[0]:
        raise ValueError(
            f"X and y must have the same number of samples; got {X.shape[0]} and {labels.shape}"
        )
    if isinstance(target_class, bool) or not isinstance(target_class, numbers.Integral):
        raise ValueError(f"target_class must be an integer label, got {target_class!r}")
    ratio = check_scalar(ratio, "ratio", low=1.0)
    is_target = labels == target_class
    n_target, n_rest = int(is_target.sum()), int((~is_target).sum())
    keep = int(round(n_rest / ratio))
    if keep < 1:
        raise ValueError(f"ratio={ratio} leaves no sample of class {target_class}")
    if keep > n_target:
        raise ValueError(
            f"class {target_class} has {n_target} samples; ratio={ratio} needs {keep}"
        )
    rng = np.random.default_rng(random_state)
    chosen = rng.choice(np.flatnonzero(is_target), size=keep, replace=False)
    mask = ~is_target
    mask[chosen] = True
    return X[mask], labels[mask]
