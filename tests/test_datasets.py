import numpy as np
import pytest
from sklearn.datasets import load_digits

from xentlib import load_digit_attributes, subsample_class


def test_digit_attributes_are_true_and_distinct():
    X, Y, names = load_digit_attributes()
    digits = load_digits()
    assert X.shape == (1797, 64) and Y.shape == (1797, len(names)) and len(names) >= 4
    np.testing.assert_array_equal(X, digits.data)
    d = digits.target
    truth = {
        "even": d % 2 == 0,
        "prime": np.isin(d, [2, 3, 5, 7]),
        "greater_than_5": d > 5,
        "closed_loop": np.isin(d, [0, 6, 8, 9]),
        "multiple_of_3": d % 3 == 0,
    }
    for j, name in enumerate(names):
        np.testing.assert_array_equal(Y[:, j], truth[name].astype(int))
    # no label is a copy or complement of another, and the label sets identify the digit
    for a in range(Y.shape[1]):
        for b in range(a + 1, Y.shape[1]):
            assert not np.array_equal(Y[:, a], Y[:, b])
            assert not np.array_equal(Y[:, a], 1 - Y[:, b])
    patterns = {tuple(row) for row in Y}
    assert len(patterns) == 10
    assert (Y.sum(axis=1) >= 2).mean() > 0.6  # most images carry several labels
    assert Y.sum(axis=1).mean() > 1.5  # label cardinality


def test_subsample_class():
    y = np.array([0] * 300 + [1] * 100 + [2] * 100)
    X = np.arange(500)[:, None]
    X_sub, y_sub = subsample_class(X, y, target_class=2, ratio=20, random_state=0)
    assert np.bincount(y_sub).tolist() == [300, 100, 20]
    np.testing.assert_array_equal(X_sub[:, 0][y_sub != 2], np.arange(400))
    assert np.all(np.diff(X_sub[:, 0]) > 0)  # order kept
    X2, _ = subsample_class(X, y, target_class=2, ratio=20, random_state=0)
    np.testing.assert_array_equal(X_sub, X2)  # seeded
    X3, _ = subsample_class(X, y, target_class=2, ratio=20, random_state=1)
    assert not np.array_equal(X_sub, X3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"target_class": 1, "ratio": 0.5}, "ratio must be >= 1"),
        ({"target_class": 1, "ratio": 1.0}, "class 1 has 10 samples"),
        ({"target_class": 1, "ratio": 1000}, "leaves no sample"),
        ({"target_class": 1.5, "ratio": 2}, "target_class must be an integer"),
    ],
)
def test_subsample_bad_input(kwargs, match):
    y = np.array([0] * 90 + [1] * 10)
    with pytest.raises(ValueError, match=match):
        subsample_class(np.zeros((100, 2)), y, **kwargs)
    with pytest.raises(ValueError, match="same number of samples"):
        subsample_class(np.zeros((5, 2)), y, target_class=1, ratio=2)


# ---- edges and messages (each found by mutation testing) --------------------------------

def test_subsample_class_edges_and_messages():
    X = np.arange(20).reshape(10, 2)
    y = np.array([0] * 6 + [1] * 4)
    Xs, ys = subsample_class(X, y, target_class=1, ratio=6.0, random_state=0)  # keeps exactly 1
    assert (ys == 1).sum() == 1 and (ys == 0).sum() == 6
    Xs, ys = subsample_class(X, y, target_class=1, ratio=1.5, random_state=0)  # keeps all 4
    assert (ys == 1).sum() == 4
    assert len(set(map(tuple, Xs))) == len(Xs)  # without replacement: no row twice
    with pytest.raises(ValueError, match=r"^class 1 has 4 samples; ratio=1.0 needs 6$"):
        subsample_class(X, y, target_class=1, ratio=1.0)
    with pytest.raises(ValueError, match=r"^ratio=13.0 leaves no sample of class 1$"):
        subsample_class(X, y, target_class=1, ratio=13.0)
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples; got 10 and \(9,\)$"):
        subsample_class(X, y[:9], target_class=1, ratio=2.0)
    with pytest.raises(ValueError, match=r"^y must hold labels >= 0; found np.int64\(-1\)$"):
        subsample_class(X, np.r_[y[:9], -1], target_class=1, ratio=2.0)
