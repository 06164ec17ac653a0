"""xentlib.models: scikit-learn's estimator checks, and agreement with scikit-learn's
LogisticRegression on the same objective (alpha = 1 / (C * n_samples))."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from xentlib import (
    LogisticRegression,
    MultiLabelLogisticRegression,
    SoftmaxRegression,
    load_digit_attributes,
)


@parametrize_with_checks([LogisticRegression(), SoftmaxRegression(),
                          MultiLabelLogisticRegression()])
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.fixture(scope="module")
def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _sklearn(X, y, C, **kw):
    # scikit-learn's Newton solver with a tight tolerance: its answer is the optimum
    # to ~1e-10 (lbfgs stops with gradients of ~1e-8 even at tol=1e-12)
    return SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000,
                                **kw).fit(X, y)


def test_binary_newton_and_gd_match_sklearn(breast_cancer):
    X, y = breast_cancer
    C = 1.0
    reference = _sklearn(X, y, C).predict_proba(X)
    alpha = 1 / (C * X.shape[0])
    newton = LogisticRegression(alpha=alpha, solver="newton", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(newton.predict_proba(X), reference, atol=1e-6)
    gd = LogisticRegression(alpha=alpha, solver="gd", tol=1e-5, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(gd.predict_proba(X), reference, atol=1e-3)
    assert newton.n_iter_ < 20 < gd.n_iter_


def test_softmax_newton_and_gd_match_sklearn(digits):
    # the first 300 images (650 parameters): one reference for both solvers, in a few
    # seconds instead of half a minute on the whole set
    X, y = digits[0][:300], digits[1][:300]
    C = 0.1
    reference = _sklearn(X, y, C).predict_proba(X)
    alpha = 1 / (C * X.shape[0])
    newton = SoftmaxRegression(alpha=alpha, solver="newton", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(newton.predict_proba(X), reference, atol=1e-6)
    gd = SoftmaxRegression(alpha=alpha, solver="gd", tol=2e-5, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(gd.predict_proba(X), reference, atol=1e-3)
    assert gd.n_iter_ > 100 * newton.n_iter_  # first order: many more, cheaper steps


def test_class_weight_balanced_matches_sklearn(breast_cancer):
    X, y = breast_cancer
    reference = _sklearn(X, y, 1.0, class_weight="balanced").predict_proba(X)
    ours = LogisticRegression(alpha=1 / X.shape[0], class_weight="balanced", tol=1e-10)
    np.testing.assert_allclose(ours.fit(X, y).predict_proba(X), reference, atol=1e-6)
    weights = {0: 2.0, 1: 0.5}
    reference = _sklearn(X, y, 1.0, class_weight=weights).predict_proba(X)
    ours = LogisticRegression(alpha=1 / X.shape[0], class_weight=weights, tol=1e-10)
    np.testing.assert_allclose(ours.fit(X, y).predict_proba(X), reference, atol=1e-6)


def test_multilabel_matches_one_vs_rest():
    X, Y, _ = load_digit_attributes()
    X = StandardScaler().fit_transform(X)
    C = 0.5
    reference = OneVsRestClassifier(
        SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    ).fit(X, Y).predict_proba(X)
    ours = MultiLabelLogisticRegression(alpha=1 / (C * X.shape[0]), tol=1e-10).fit(X, Y)
    np.testing.assert_allclose(ours.predict_proba(X), reference, atol=1e-6)
    assert ours.predict(X).shape == Y.shape


def test_sgd_is_seeded_and_reasonable(breast_cancer):
    X, y = breast_cancer
    kw = dict(solver="sgd", random_state=3, tol=1e-4)
    a = LogisticRegression(**kw).fit(X, y)
    b = LogisticRegression(**kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.score(X, y) > 0.97
    assert len(a.loss_curve_) == a.n_iter_ + 1


def test_gd_loss_curve_decreases_and_newton_is_quadratic(breast_cancer):
    X, y = breast_cancer
    gd = LogisticRegression(solver="gd", max_iter=300, tol=0.0)
    with pytest.warns(ConvergenceWarning, match="did not converge in 300"):
        gd.fit(X, y)
    assert np.all(np.diff(gd.loss_curve_) <= 1e-15)  # step 1/L: monotone descent
    newton = LogisticRegression(solver="newton", tol=1e-12).fit(X, y)
    gap = np.array(newton.loss_curve_) - newton.loss_curve_[-1]
    gap = gap[gap > 1e-14]
    # quadratic convergence: the ratio of successive gaps shrinks towards 0
    ratios = gap[1:] / gap[:-1]
    assert gap[-1] < 1e-10 and ratios[-1] < ratios[-2] < ratios[-3] and ratios[-1] < 1e-4


def test_gd_descends_for_steps_below_two_over_L_but_not_with_momentum(breast_cancer):
    # the docstring's claim: any step below 2/L descends (no momentum); L computed here
    # independently, lambda_max(X^T X) / (4 n) + alpha with the column of ones
    X, y = breast_cancer
    Xb = np.hstack([X, np.ones((X.shape[0], 1))])
    L = np.linalg.eigvalsh(Xb.T @ Xb).max() / (4 * X.shape[0]) + 1e-2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = LogisticRegression(solver="gd", learning_rate=1.95 / L, max_iter=200,
                                   tol=0.0).fit(X, y)
        heavy = LogisticRegression(solver="gd", learning_rate=1.0 / L, momentum=0.9,
                                   max_iter=200, tol=0.0).fit(X, y)
    assert np.all(np.diff(plain.loss_curve_) <= 1e-15)
    assert np.any(np.diff(heavy.loss_curve_) > 1e-12)  # momentum: no descent guarantee


def test_momentum_speeds_up_gd(breast_cancer):
    X, y = breast_cancer
    plain = LogisticRegression(solver="gd", tol=1e-4, max_iter=100_000).fit(X, y)
    heavy = LogisticRegression(solver="gd", momentum=0.9, tol=1e-4, max_iter=100_000).fit(X, y)
    assert heavy.n_iter_ < plain.n_iter_


BAD_PARAMETERS = [
    ({"solver": "lbfgs"}, "solver must be 'newton', 'gd' or 'sgd', got 'lbfgs'"),
    ({"solver": None}, "solver must be"),
    ({"alpha": -1.0}, "alpha must be >= 0.0, got -1.0"),
    ({"alpha": "1e-2"}, "alpha must be a real number >= 0.0, got '1e-2'"),
    ({"alpha": float("nan")}, "alpha must be finite"),
    ({"tol": float("inf")}, "tol must be finite"),
    ({"tol": -1e-6}, "tol must be >= 0.0"),
    ({"momentum": -0.5}, "momentum must be >= 0.0"),
    ({"momentum": 1.0}, "momentum must be < 1.0"),
    ({"momentum": True}, "momentum must be a real number"),
    ({"learning_rate": "fast"}, "learning_rate must be 'auto' or a real number > 0.0, got 'fast'"),
    ({"learning_rate": 0}, "learning_rate must be > 0.0, got 0.0"),
    ({"learning_rate": -1.0}, "learning_rate must be > 0.0"),
    ({"batch_size": 2.0}, "batch_size must be an integer >= 1, got 2.0"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1, got 0"),
    ({"max_iter": 0}, "max_iter must be an integer >= 1, got 0"),
    ({"max_iter": 2.5}, "max_iter must be None or an integer >= 1"),
    ({"class_weight": "inverse"}, "class_weight must be None, 'balanced' or a dict"),
    ({"class_weight": [1.0, 2.0]}, "class_weight must be None, 'balanced' or a dict"),
    ({"random_state": -1}, "random_state must be an integer >= 0, got -1"),
    ({"random_state": "seed"}, "random_state must be None, an integer >= 0 or a numpy"),
]


@pytest.mark.parametrize("estimator", [LogisticRegression, SoftmaxRegression,
                                       MultiLabelLogisticRegression])
@pytest.mark.parametrize("params, message", BAD_PARAMETERS)
def test_bad_parameters_fail_first_naming_the_parameter(estimator, params, message):
    # checked before the data: X holds a NaN, and the error is still the parameter's
    X = np.array([[0.0, 1.0], [1.0, np.nan], [2.0, 0.0], [3.0, 1.0]])
    y = np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        estimator(**params).fit(X, y)


def test_class_weight_naming_an_unknown_class(breast_cancer):
    X, y = breast_cancer
    with pytest.raises(ValueError, match="class_weight names class 5"):
        LogisticRegression(class_weight={5: 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="class_weight must be None or 'balanced' for multi-label"):
        MultiLabelLogisticRegression(class_weight={0: 1.0}).fit(X[:20], np.eye(2)[y[:20]])


def test_good_parameters_of_every_kind_are_accepted(breast_cancer):
    X, y = breast_cancer
    X, y = X[:60], y[:60]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for params in [{"alpha": 0}, {"alpha": np.float32(0.5)}, {"learning_rate": 1},
                       {"batch_size": np.int64(8)}, {"max_iter": np.int32(3)},
                       {"class_weight": {0: 2.0}}, {"random_state": np.random.default_rng(0)},
                       {"random_state": np.int64(3)}]:
            LogisticRegression(solver="sgd", **params).fit(X, y)


def test_multilabel_balanced_weights_match_sklearn_per_label():
    # each label's positives weigh n / (2 n_pos), its negatives n / (2 n_neg): scikit-learn's
    # binary class_weight="balanced", label by label
    X, Y, _ = load_digit_attributes()
    X = StandardScaler().fit_transform(X)[:400]
    Y = Y[:400]
    C = 0.5
    ours = MultiLabelLogisticRegression(alpha=1 / (C * 400), class_weight="balanced",
                                        tol=1e-10).fit(X, Y)
    for label in range(Y.shape[1]):
        sk = _sklearn(X, Y[:, label], C, class_weight="balanced")
        np.testing.assert_allclose(ours.coef_[label], sk.coef_[0], rtol=0, atol=1e-7)


def test_binary_only_and_divergence(digits, breast_cancer):
    X, y = digits
    with pytest.raises(ValueError, match="Only binary classification"):
        LogisticRegression().fit(X, y)
    X, y = breast_cancer
    with pytest.raises(ValueError, match="diverged"), np.errstate(over="ignore"):
        LogisticRegression(solver="gd", learning_rate=1e6, max_iter=50).fit(X * 1e3, y)
