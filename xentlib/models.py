r"""Linear models trained on cross-entropy: scikit-learn-compatible estimators.

Three estimators share one design. Each minimizes

.. math:: J(W, b) = \frac{1}{n} \sum_{i=1}^{n} s_i\, \ell\big(y_i, X_i W + b\big)
          + \frac{\alpha}{2} \lVert W \rVert^2 ,

the mean cross-entropy (with ``s_i`` the class weight of sample ``i``, 1 by default)
plus an L2 penalty on the weights; the intercept ``b`` is not penalized. With
``alpha = 1 / (C n)`` this is exactly scikit-learn's ``LogisticRegression(C=C)``
objective divided by ``C n``.

* :class:`LogisticRegression`: two classes, one sigmoid, binary cross-entropy.
* :class:`SoftmaxRegression`: :math:`C` classes, softmax, categorical cross-entropy.
* :class:`MultiLabelLogisticRegression`: :math:`K` labels, one sigmoid each, the
  multi-label cross-entropy (a sum of binary cross-entropies).

Three solvers, chosen with ``solver``:

* ``"newton"`` (default): Newton's method with a backtracking line search;
  quadratic convergence, a few iterations, one linear solve of size
  ``(n_features + 1) * n_outputs`` each.
* ``"gd"``: full-batch gradient descent, step ``learning_rate`` (``"auto"``: 1/L with
  L a bound on the gradient's Lipschitz constant), with optional heavy-ball
  ``momentum``.
* ``"sgd"``: mini-batch stochastic gradient descent, ``batch_size`` samples a step,
  shuffled every epoch with ``random_state``, step ``learning_rate / sqrt(epoch)``.

``max_iter`` counts Newton or gradient steps ("newton", "gd") or epochs ("sgd");
``None`` picks 100, 10 000 and 200 respectively. Training stops when the largest
entry of the gradient falls below ``tol`` ("newton", "gd") or the objective changes
by less than ``tol`` (relative) between epochs ("sgd"); otherwise a
``ConvergenceWarning`` is raised. ``loss_curve_`` holds the objective after every
iteration (epoch for "sgd"), ``n_iter_`` the number of iterations run.

The code is split as scikit-learn splits its ``LogisticRegression``: the objective
(value, gradient, Hessian, the bound L) of each loss family is a class of
:mod:`xentlib._objectives`, built on the losses' kernels; the solvers are plain
functions of :mod:`xentlib._solvers`, testable on their own; the estimators here
check their parameters first, against the table ``_parameter_constraints``, then
prepare the data and class weights, and call objective and solver.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import _solvers
from ._objectives import SigmoidObjective, SoftmaxObjective
from ._special import expit, softmax
from ._validation import (
    check_parameters,
    instance_constraint,
    integer_constraint,
    options_constraint,
    real_constraint,
)
from .weighting import class_weights as _balanced_class_weights

__all__ = ["LogisticRegression", "SoftmaxRegression", "MultiLabelLogisticRegression"]


class _CrossEntropyLinearModel(ClassifierMixin, BaseEstimator):
    """The estimators' glue: parameters, data preparation, class weights, prediction.

    ``fit`` of a subclass validates the parameters (:meth:`_validate_params`, before
    anything else), encodes its targets, and calls :meth:`_fit_objective`, which
    builds the subclass's ``_objective`` (a class of :mod:`xentlib._objectives`) and
    runs the chosen solver of :mod:`xentlib._solvers`. Subclasses set
    ``_objective`` and ``_multi_output`` (for scikit-learn's ``validate_data``) and
    define ``fit``, ``decision_function`` and ``predict_proba``.
    """

    #: the objective class (value, gradient, Hessian of the loss family)
    _objective = None
    #: whether ``y`` may be 2-D (passed to ``validate_data``)
    _multi_output = False

    #: the hyper-parameters and their allowed kinds, checked first thing in ``fit``
    _parameter_constraints = {
        "alpha": [real_constraint(low=0.0)],
        "solver": [options_constraint("newton", "gd", "sgd")],
        "learning_rate": [options_constraint("auto"), real_constraint(low=0.0, low_open=True)],
        "momentum": [real_constraint(low=0.0, high=1.0, high_open=True)],
        "batch_size": [integer_constraint(low=1)],
        "max_iter": [options_constraint(None), integer_constraint(low=1)],
        "tol": [real_constraint(low=0.0)],
        "class_weight": [options_constraint(None, "balanced"), instance_constraint(dict, "a dict")],
        "random_state": [
            options_constraint(None),
            integer_constraint(low=0),
            instance_constraint(np.random.Generator, "a numpy.random.Generator"),
        ],
    }

    def __init__(
        self,
        *,
        alpha=1e-2,
        solver="newton",
        learning_rate="auto",
        momentum=0.0,
        batch_size=32,
        max_iter=None,
        tol=1e-6,
        class_weight=None,
        random_state=None,
    ):
        self.alpha = alpha
        self.solver = solver
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.random_state = random_state

    # -- parameters, checked before any data work ------------------------------

    def _validate_params(self):
        """The hyper-parameters checked against :attr:`_parameter_constraints`
        (``ValueError`` naming the parameter); returns them checked."""
        return check_parameters(self.get_params(deep=False), self._parameter_constraints)

    # -- objective + solver ------------------------------------------------------

    def _fit_objective(self, params, Xb, targets, s, k):
        """Minimize the objective from theta = 0 of shape ``(n_features + 1, k)``;
        sets ``coef_``, ``intercept_``, ``loss_curve_`` and ``n_iter_``."""
        objective = self._objective(Xb, targets, s, params["alpha"])
        theta0 = np.zeros((Xb.shape[1], k))
        options = {"tol": params["tol"]}
        if params["max_iter"] is not None:  # None: the solver's own default
            options["max_iter"] = params["max_iter"]
        solver = params["solver"]
        if solver == "newton":
            result = _solvers.newton(objective.value_grad, objective.hessian, theta0, **options)
        else:
            lr = params["learning_rate"]
            options["learning_rate"] = 1.0 / objective.lipschitz() if lr == "auto" else lr
            options["momentum"] = params["momentum"]
            if solver == "gd":
                result = _solvers.gradient_descent(objective.value_grad, theta0, **options)
            else:
                result = _solvers.sgd(objective.value_grad, theta0, Xb.shape[0],
                                      batch_size=params["batch_size"],
                                      random_state=params["random_state"], **options)
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__}: solver {self.solver!r} did not converge in "
                f"{result.n_iter} iterations (tol={self.tol}); increase max_iter",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.loss_curve_ = result.loss_curve
        self.n_iter_ = result.n_iter
        self.coef_ = result.theta[:-1].T.copy()
        self.intercept_ = result.theta[-1].copy()
        return self

    # -- data ----------------------------------------------------------------------

    def _prepare_fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=self._multi_output)
        Xb = np.hstack([X, np.ones((X.shape[0], 1))])
        return Xb, y

    def _design(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return np.hstack([X, np.ones((X.shape[0], 1))])

    def _sample_weights(self, y_index, n_classes):
        """Per-sample weights s_i from class_weight (None, "balanced" or a dict)."""
        cw = self.class_weight
        if cw is None:
            return None
        if isinstance(cw, str) and cw == "balanced":
            w = _balanced_class_weights(y_index, n_classes=n_classes)
        else:  # a dict (the parameter check allows nothing else)
            w = np.ones(n_classes)
            for label, value in cw.items():
                hits = np.flatnonzero(self.classes_ == label)
                if hits.size == 0:
                    raise ValueError(f"class_weight names class {label!r}, which is not in y")
                w[hits[0]] = value
        return w[y_index]

    # -- prediction ------------------------------------------------------------------

    def predict(self, X):
        """The most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        Z = self._logits(self._design(X))
        return self.classes_[np.argmax(Z, axis=1)]

    def _logits(self, Xb):
        return Xb @ self._theta()

    def _theta(self):
        return np.vstack([self.coef_.T, self.intercept_[None, :]])


class LogisticRegression(_CrossEntropyLinearModel):
    r"""Binary logistic regression trained on the binary cross-entropy.

    Minimizes :math:`\frac1n \sum_i s_i\, \ell_i + \frac{\alpha}{2}\lVert w\rVert^2`
    with :math:`\ell_i = \operatorname{softplus}(-z_i)` for positives and
    :math:`\operatorname{softplus}(z_i)` for negatives, :math:`z = Xw + b`. The
    second of the two classes (in sorted order) is the positive one.

    Parameters
    ----------
    alpha : float, default 1e-2
        L2 penalty on the mean loss; ``alpha = 1 / (C * n_samples)`` matches
        ``sklearn.linear_model.LogisticRegression(C=C)``.
    solver : {"newton", "gd", "sgd"}, default "newton"
    learning_rate : "auto" or float, default "auto"
        Step of "gd" and "sgd" ("auto": 1/L, the reciprocal of a bound L on the
        gradient's Lipschitz constant). Any fixed step below 2/L guarantees that
        "gd" *without* momentum decreases the objective at every step; with
        ``momentum > 0`` the objective may rise at some steps.
    momentum : float in [0, 1), default 0.0
        Heavy-ball momentum of "gd" and "sgd".
    batch_size : int, default 32
        Mini-batch size of "sgd".
    max_iter : int, optional
        Iterations ("newton", "gd") or epochs ("sgd"); default 100, 10 000, 200.
    tol : float, default 1e-6
        Stop when the largest gradient entry is below ``tol`` (for "sgd": when the
        objective changes by less than ``tol``, relative).
    class_weight : None, "balanced" or dict
        Weights ``s_i`` of the samples by class: "balanced" is ``n / (2 * count)``.
    random_state : int, optional
        Seed of the mini-batch order of "sgd".

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    loss_curve_ : list of float
        The objective after each iteration (the first entry: at the start).
    n_iter_ : int
    n_features_in_ : int

    See Also
    --------
    SoftmaxRegression
    binary_cross_entropy_with_logits : its loss.

    References
    ----------
    * J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006).
    * L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for large-scale
      machine learning", SIAM Review 60 (2018), 223-311.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from xentlib import LogisticRegression
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> model = LogisticRegression(alpha=1e-3).fit(X, y)
    >>> round(model.score(X, y), 3)
    0.988
    """

    _objective = SigmoidObjective
    _multi_output = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X, y):
        """Fit the model to ``X`` (n_samples, n_features) and two-class labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels of exactly two classes; the second in sorted order is positive.

        Returns
        -------
        self
        """
        params = self._validate_params()
        Xb, y = self._prepare_fit(X, y)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if self.classes_.size != 2:
            raise ValueError(
                "Only binary classification is supported by LogisticRegression: y must "
                f"hold exactly 2 classes, got {self.classes_.size} class(es) "
                "(for more classes use SoftmaxRegression)"
            )
        s = self._sample_weights(y_index, 2)
        return self._fit_objective(params, Xb, y_index.astype(np.float64)[:, None], s, k=1)

    def decision_function(self, X):
        """The logit :math:`z = Xw + b` of the positive class, shape (n_samples,)."""
        return self._logits(self._design(X))[:, 0]

    def predict_proba(self, X):
        """Probabilities of the two classes, shape (n_samples, 2)."""
        z = self.decision_function(X)
        return np.column_stack([expit(-z), expit(z)])

    def predict(self, X):
        """The predicted class: the positive one where the logit is > 0."""
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]


class SoftmaxRegression(_CrossEntropyLinearModel):
    r"""Multinomial (softmax) logistic regression trained on the categorical cross-entropy.

    Minimizes :math:`\frac1n \sum_i s_i\,(-\log \operatorname{softmax}(z_i)_{y_i})
    + \frac{\alpha}{2}\lVert W\rVert^2` with :math:`z = XW + b`, one column of
    :math:`W` per class. The parameters are those of :class:`LogisticRegression`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (n_classes, n_features)
    intercept_ : ndarray of shape (n_classes,)
        Intercepts are identified only up to a common shift (softmax ignores it);
        the solvers return the one of least norm.
    loss_curve_ : list of float
    n_iter_ : int
    n_features_in_ : int

    See Also
    --------
    LogisticRegression
    softmax_cross_entropy : its loss.

    References
    ----------
    * J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006).
    * L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for large-scale
      machine learning", SIAM Review 60 (2018), 223-311.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from xentlib import SoftmaxRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SoftmaxRegression(alpha=1e-3).fit(X, y)
    >>> model.predict_proba(X[:1]).shape
    (1, 3)
    >>> round(model.score(X, y), 2)
    0.99
    """

    _objective = SoftmaxObjective
    _multi_output = False

    def fit(self, X, y):
        """Fit the model to ``X`` (n_samples, n_features) and class labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels of at least two classes.

        Returns
        -------
        self
        """
        params = self._validate_params()
        Xb, y = self._prepare_fit(X, y)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        k = self.classes_.size
        if k < 2:
            raise ValueError(f"SoftmaxRegression needs at least 2 classes in y, got {k} class")
        s = self._sample_weights(y_index, k)
        return self._fit_objective(params, Xb, y_index, s, k=k)

    def decision_function(self, X):
        """The logits, shape (n_samples, n_classes); for two classes the difference
        of the second and first logit, shape (n_samples,)."""
        Z = self._logits(self._design(X))
        return Z[:, 1] - Z[:, 0] if Z.shape[1] == 2 else Z

    def predict_proba(self, X):
        """Softmax probabilities, shape (n_samples, n_classes)."""
        return softmax(self._logits(self._design(X)), -1)


class MultiLabelLogisticRegression(_CrossEntropyLinearModel):
    r"""One sigmoid per label, trained jointly on the multi-label cross-entropy.

    Minimizes :math:`\frac1n \sum_i \sum_l s_{il}\,\mathrm{BCE}(y_{il}, z_{il})
    + \frac{\alpha}{2}\lVert W\rVert^2` with :math:`z = XW + b`, one column per label.

    ``y`` is an indicator matrix (n_samples, n_labels) of 0/1. Given 1-D class labels
    instead, the model is trained one-vs-rest on their indicator matrix and predicts
    the class with the largest logit, as ``OneVsRestClassifier`` does; its
    ``predict_proba`` then normalizes the per-class sigmoids to sum to 1.

    ``class_weight="balanced"`` weights each label's positives by
    ``n / (2 * n_positive)`` and its negatives by ``n / (2 * n_negative)``.
    Other parameters are those of :class:`LogisticRegression`.

    Attributes
    ----------
    classes_ : ndarray
        ``arange(n_labels)`` for an indicator matrix, the class labels otherwise.
    coef_ : ndarray of shape (n_labels, n_features)
    intercept_ : ndarray of shape (n_labels,)
    loss_curve_ : list of float
    n_iter_ : int
    n_features_in_ : int

    See Also
    --------
    LogisticRegression
    multilabel_cross_entropy : its loss.

    References
    ----------
    * G. Tsoumakas and I. Katakis, "Multi-label classification: an overview",
      International Journal of Data Warehousing and Mining 3 (2007), 1-13.
    * J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006).

    Examples
    --------
    >>> import numpy as np
    >>> from xentlib import MultiLabelLogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 1], [0, 1], [1, 0], [1, 1]])
    >>> MultiLabelLogisticRegression(alpha=0.1).fit(X, Y).predict(X).shape
    (4, 2)
    """

    _objective = SigmoidObjective
    _multi_output = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def fit(self, X, y):
        """Fit to ``X`` and an indicator matrix ``y`` (or 1-D class labels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_labels) or (n_samples,)
            A 0/1 indicator matrix, or class labels (trained one-vs-rest).

        Returns
        -------
        self
        """
        params = self._validate_params()
        Xb, y = self._prepare_fit(X, y)
        kind = type_of_target(y)
        if kind == "multilabel-indicator":
            self._binarizer = None
            T = np.asarray(y, dtype=np.float64)
            self.classes_ = np.arange(T.shape[1])
        else:
            y = column_or_1d(y, warn=True)
            check_classification_targets(y)
            self._binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._binarizer.classes_
            if self.classes_.size < 2:
                raise ValueError(
                    "MultiLabelLogisticRegression needs at least 2 classes, got 1 class"
                )
            T = self._binarizer.transform(y).astype(np.float64)
        if self._binarizer is None:
            s = self._label_weights(T)
        else:  # one-vs-rest on class labels: class weights weigh whole samples
            per_sample = self._sample_weights(np.searchsorted(self.classes_, y), self.classes_.size)
            s = None if per_sample is None else np.repeat(per_sample[:, None], T.shape[1], axis=1)
        # s holds one weight per element (n_samples, n_labels), not one per sample
        return self._fit_objective(params, Xb, T, s, k=T.shape[1])

    def _label_weights(self, T):
        cw = self.class_weight
        if cw is None:
            return None
        if not (isinstance(cw, str) and cw == "balanced"):
            raise ValueError(
                f"class_weight must be None or 'balanced' for multi-label targets, got {cw!r}"
            )
        n = T.shape[0]
        n_pos = T.sum(axis=0)
        if np.any(n_pos == 0) or np.any(n_pos == n):
            raise ValueError("class_weight='balanced' needs positives and negatives for every label")
        return np.where(T == 1, n / (2 * n_pos), n / (2 * (n - n_pos)))

    def decision_function(self, X):
        """The logits, shape (n_samples, n_labels); 1-D for a binary 1-D target."""
        Z = self._logits(self._design(X))
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        """Per-label probabilities :math:`\\sigma(z)`, shape (n_samples, n_labels).

        For a model fit on 1-D class labels: class probabilities (normalized
        sigmoids, or ``[1 - p, p]`` for two classes).
        """
        Z = self._logits(self._design(X))
        P = expit(Z)
        if self._binarizer is None:
            return P
        if P.shape[1] == 1:
            return np.column_stack([expit(-Z[:, 0]), P[:, 0]])
        return P / P.sum(axis=1, keepdims=True)

    def predict(self, X):
        """0/1 indicators (probability > 0.5) or, for 1-D targets, class labels."""
        Z = self._logits(self._design(X))
        if self._binarizer is None:
            return (Z > 0).astype(int)
        if Z.shape[1] == 1:
            return self.classes_[(Z[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(Z, axis=1)]
