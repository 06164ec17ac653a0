import re

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from xentlib import class_priors, class_weights, logit_adjustment, smooth_labels


def test_balanced_matches_sklearn():
    y = np.array([0] * 90 + [1] * 8 + [2] * 2)
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(class_weights(y), expected, rtol=1e-15)


def test_effective_number_hand_formula():
    # Cui et al. (2019): E_n = (1 - beta^n) / (1 - beta); w = 1/E_n scaled to sum to C
    y = np.array([0] * 1000 + [1] * 10)
    for beta in (0.9, 0.99, 0.999, 0.9999):
        e = np.array([(1 - beta**1000) / (1 - beta), (1 - beta**10) / (1 - beta)])
        w = 1 / e
        np.testing.assert_allclose(class_weights(y, method="effective", beta=beta),
                                   w * 2 / w.sum(), rtol=1e-12)
    # beta -> 1 approaches inverse frequency
    w = class_weights(y, method="effective", beta=1 - 1e-9)
    assert w[1] / w[0] == pytest.approx(100, abs=0, rel=1e-4)
    np.testing.assert_array_equal(class_weights(y, method="effective", beta=0.0), [1.0, 1.0])


def test_n_classes_and_missing_class():
    with pytest.raises(ValueError, match="no sample of class 2"):
        class_weights([0, 1, 1], n_classes=3)
    with pytest.raises(ValueError, match="out of range for n_classes=2"):
        class_weights([0, 1, 2], n_classes=2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"y": [0, 1], "method": "inverse"}, "method must be 'balanced' or 'effective'"),
        ({"y": [0, 1], "method": "effective", "beta": 1.0}, "beta must be < 1"),
        ({"y": [[0, 1]]}, "y must be a 1-D array"),
        ({"y": [0, 0.5]}, "y must hold integer class labels"),
        ({"y": []}, "y is empty"),
        ({"y": [0, 1], "n_classes": 0}, "n_classes must be a positive integer"),
    ],
)
def test_class_weights_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        class_weights(**kwargs)


def test_smooth_labels():
    np.testing.assert_allclose(smooth_labels([1, 0], 0.2, n_classes=4),
                               [[0.05, 0.85, 0.05, 0.05], [0.85, 0.05, 0.05, 0.05]])
    np.testing.assert_allclose(smooth_labels(np.array([[0.0, 1.0]]), 0.5), [[0.25, 0.75]])
    np.testing.assert_allclose(smooth_labels([2], 0.0), [[0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="epsilon must be <= 1"):
        smooth_labels([0, 1], 1.5)
    with pytest.raises(ValueError, match="out of range for n_classes=2"):
        smooth_labels([0, 2], 0.1, n_classes=2)
    with pytest.raises(ValueError, match="y_true must sum to 1"):
        smooth_labels([[0.3, 0.3]], 0.1)
    with pytest.raises(ValueError, match="does not match"):
        smooth_labels([[0.5, 0.5]], 0.1, n_classes=3)


def test_priors_and_logit_adjustment():
    np.testing.assert_allclose(class_priors([0, 0, 0, 1, 2], n_classes=4), [0.6, 0.2, 0.2, 0.0])
    np.testing.assert_allclose(logit_adjustment([0.8, 0.2], tau=2.0),
                               [2 * np.log(0.8), 2 * np.log(0.2)], rtol=1e-15)
    with pytest.raises(ValueError, match="priors must be positive"):
        logit_adjustment([1.0, 0.0])
    with pytest.raises(ValueError, match="priors must sum to 1"):
        logit_adjustment([0.5, 0.6])
    with pytest.raises(ValueError, match="tau must be >= 0"):
        logit_adjustment([0.5, 0.5], tau=-1)


# ---- messages, edges and end points (each found by mutation testing) -------------------

@pytest.mark.parametrize("n_classes", [True, 2.0, "3", 0, -1])
def test_n_classes_must_be_a_positive_integer(n_classes):
    with pytest.raises(ValueError, match=rf"^n_classes must be a positive integer, got {re.escape(repr(n_classes))}$"):
        class_weights([0, 0], n_classes=n_classes)


def test_one_class_is_allowed():
    np.testing.assert_array_equal(class_weights([0, 0, 0], n_classes=1), [1.0])
    np.testing.assert_array_equal(class_priors([0, 0], n_classes=1), [1.0])
    np.testing.assert_array_equal(smooth_labels([0, 0], 0.5, n_classes=1), [[1.0], [1.0]])
    np.testing.assert_array_equal(logit_adjustment([1.0]), [0.0])  # a prior of 1: offset 0


def test_balanced_weights_are_float64_even_for_integer_counts():
    w = class_weights(np.array([0, 1, 1, 1], dtype=np.int8))
    assert w.dtype == np.float64
    np.testing.assert_allclose(w, [2.0, 2 / 3], rtol=1e-15, atol=0)


def test_beta_end_points():
    np.testing.assert_allclose(class_weights([0, 1, 1], method="effective", beta=0.0), [1.0, 1.0],
                               rtol=1e-15, atol=0)
    with pytest.raises(ValueError, match=r"^beta must be >= 0.0, got -0.1$"):
        class_weights([0, 1], method="effective", beta=-0.1)
    with pytest.raises(ValueError, match=r"^beta must be < 1.0, got 1.0$"):
        class_weights([0, 1], method="effective", beta=1.0)


def test_smooth_labels_messages_and_probability_rows():
    rows = np.array([[0.25, 0.75], [1.0, 0.0]])
    np.testing.assert_allclose(smooth_labels(rows, 0.5, n_classes=2), [[0.375, 0.625], [0.75, 0.25]],
                               rtol=1e-15, atol=0)
    with pytest.raises(ValueError, match=r"^n_classes=3 does not match y_true's last axis of length 2$"):
        smooth_labels(rows, 0.1, n_classes=3)
    with pytest.raises(ValueError, match=r"^epsilon must be >= 0.0, got -0.1$"):
        smooth_labels([0, 1], -0.1)
    with pytest.raises(ValueError, match=r"^y_true must have at least 1 dimension\(s\), got shape \(\)$"):
        smooth_labels(1.0, 0.1)
    with pytest.raises(ValueError, match=r"^y_true must hold labels >= 0; found np.int64\(-1\)$"):
        smooth_labels(np.array([0, -1]), 0.1)
    with pytest.raises(ValueError, match=r"^y_true must sum to 1"):
        smooth_labels(np.array([[0.5, 0.6]]), 0.1)


def test_logit_adjustment_messages():
    with pytest.raises(ValueError, match=r"^priors must be positive; a class of prior 0 has offset -inf$"):
        logit_adjustment([0.0, 1.0])
    with pytest.raises(ValueError, match=r"^priors must have at least 1 dimension\(s\), got shape \(\)$"):
        logit_adjustment(1.0)
    with pytest.raises(ValueError, match=r"^priors must sum to 1"):
        logit_adjustment([0.5, 0.6])
