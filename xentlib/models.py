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
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._kernels import sigmoid_ce, softmax_ce
from ._special import expit, softmax
from ._validation import check_integer, check_scalar
from .weighting import class_weights as _balanced_class_weights

__all__ = ["LogisticRegression", "SoftmaxRegression", "MultiLabelLogisticRegression"]

_DEFAULT_MAX_ITER = {"newton": 100, "gd": 10_000, "sgd": 200}


def _sigmoid_loss_and_dlogits(Z, T, s):
    """Elementwise binary cross-entropy of logits Z against targets T, and its derivative
    (1 - T) sigma(Z) - T sigma(-Z), both times the weights s (broadcast) if given."""
    loss, dZ = sigmoid_ce(T, Z)
    if s is not None:
        loss, dZ = loss * s, dZ * s
    return loss, dZ


class _CrossEntropyLinearModel(ClassifierMixin, BaseEstimator):
    """Shared parameters, validation and solvers. Subclasses define the loss."""

    #: 1/4 for sigmoid outputs, 1/2 for softmax: bounds the curvature of the loss
    _curvature = 0.25

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

    # -- parameters ---------------------------------------------------------

    def _check_params(self):
        """The hyper-parameters, checked with xentlib's own validators; returns max_iter."""
        if self.solver not in _DEFAULT_MAX_ITER:
            raise ValueError(f"solver must be 'newton', 'gd' or 'sgd', got {self.solver!r}")
        check_scalar(self.alpha, "alpha", low=0.0)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(self.momentum, "momentum", low=0.0, high=1.0, high_open=True)
        if not (isinstance(self.learning_rate, str) and self.learning_rate == "auto"):
            check_scalar(self.learning_rate, "learning_rate", low=0.0, low_open=True)
        check_integer(self.batch_size, "batch_size", low=1)
        max_iter = _DEFAULT_MAX_ITER[self.solver] if self.max_iter is None else self.max_iter
        return check_integer(max_iter, "max_iter", low=1)

    # -- the objective ----------------------------------------------------------

    def _objective(self, theta, Xb, T, s):
        """Penalized mean loss and its gradient; theta has shape (n_features + 1, k)."""
        Z = Xb @ theta
        loss, dZ = self._loss_and_dlogits(Z, T, s)
        n = Xb.shape[0]
        W = theta[:-1]
        value = loss.sum() / n + 0.5 * self.alpha * np.sum(W * W)
        grad = Xb.T @ dZ / n
        grad[:-1] += self.alpha * W
        return value, grad

    def _lipschitz(self, Xb, s):
        """A bound on the Lipschitz constant of the objective's gradient."""
        spectral = np.linalg.norm(Xb, 2) ** 2 / Xb.shape[0]
        return self._curvature * spectral * (1.0 if s is None else s.max()) + self.alpha

    def _penalty_matrix(self, d, k):
        """alpha on the weights, 0 on the intercept, as a diagonal of size d*k."""
        diag = np.full((d, k), self.alpha)
        diag[-1] = 0.0
        return diag.reshape(-1)

    # -- solvers --------------------------------------------------------------

    def _solve(self, Xb, T, s, k):
        max_iter = self._check_params()
        theta = np.zeros((Xb.shape[1], k))
        solver = {"newton": self._newton, "gd": self._gd, "sgd": self._sgd}[self.solver]
        theta, curve, n_iter, converged = solver(theta, Xb, T, s, max_iter)
        if not converged:
            warnings.warn(
                f"{type(self).__name__}: solver {self.solver!r} did not converge in "
                f"{max_iter} iterations (tol={self.tol}); increase max_iter",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.loss_curve_ = curve
        self.n_iter_ = n_iter
        return theta

    def _step_size(self, Xb, s):
        return 1.0 / self._lipschitz(Xb, s) if self.learning_rate == "auto" else self.learning_rate

    def _gd(self, theta, Xb, T, s, max_iter):
        lr = self._step_size(Xb, s)
        velocity = np.zeros_like(theta)
        value, grad = self._objective(theta, Xb, T, s)
        curve = [value]
        for it in range(1, max_iter + 1):
            velocity = self.momentum * velocity - lr * grad
            theta = theta + velocity
            value, grad = self._objective(theta, Xb, T, s)
            curve.append(value)
            if not np.isfinite(value):
                raise ValueError(
                    f"gradient descent diverged (objective {value}); lower learning_rate"
                )
            if np.abs(grad).max() <= self.tol:
                return theta, curve, it, True
        return theta, curve, max_iter, False

    def _sgd(self, theta, Xb, T, s, max_iter):
        rng = np.random.default_rng(self.random_state)
        n = Xb.shape[0]
        lr0 = self._step_size(Xb, s)
        velocity = np.zeros_like(theta)
        value, _ = self._objective(theta, Xb, T, s)
        curve = [value]
        for epoch in range(1, max_iter + 1):
            lr = lr0 / np.sqrt(epoch)
            order = rng.permutation(n)
            for start in range(0, n, self.batch_size):
                idx = order[start:start + self.batch_size]
                _, grad = self._objective(theta, Xb[idx], T[idx], None if s is None else s[idx])
                velocity = self.momentum * velocity - lr * grad
                theta = theta + velocity
            new_value, _ = self._objective(theta, Xb, T, s)
            curve.append(new_value)
            if not np.isfinite(new_value):
                raise ValueError(f"SGD diverged (objective {new_value}); lower learning_rate")
            if abs(value - new_value) <= self.tol * max(1.0, abs(new_value)):
                return theta, curve, epoch, True
            value = new_value
        return theta, curve, max_iter, False

    def _newton(self, theta, Xb, T, s, max_iter):
        value, grad = self._objective(theta, Xb, T, s)
        curve = [value]
        for it in range(1, max_iter + 1):
            if np.abs(grad).max() <= self.tol:
                return theta, curve, it - 1, True
            H = self._hessian(theta, Xb, s)
            H[np.diag_indices_from(H)] += self._penalty_matrix(*theta.shape)
            g = grad.reshape(-1)
            # least squares: the softmax Hessian is singular along the shift of all logits
            step = np.linalg.lstsq(H, g, rcond=None)[0].reshape(theta.shape)
            t, slope = 1.0, float(np.sum(step * grad))
            while True:  # backtracking (Armijo) line search
                new_theta = theta - t * step
                new_value, new_grad = self._objective(new_theta, Xb, T, s)
                if new_value <= value - 1e-4 * t * slope or t < 1e-10:
                    break
                t *= 0.5
            theta, value, grad = new_theta, new_value, new_grad
            curve.append(value)
        return theta, curve, max_iter, bool(np.abs(grad).max() <= self.tol)

    # -- fitting and prediction ------------------------------------------------

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
        elif isinstance(cw, dict):
            w = np.ones(n_classes)
            for label, value in cw.items():
                hits = np.flatnonzero(self.classes_ == label)
                if hits.size == 0:
                    raise ValueError(f"class_weight names class {label!r}, which is not in y")
                w[hits[0]] = value
        else:
            raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {cw!r}")
        return w[y_index]

    def predict(self, X):
        """The most probable class of each sample."""
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

    _multi_output = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X, y):
        """Fit the model to ``X`` (n_samples, n_features) and two-class labels ``y``."""
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
        theta = self._solve(Xb, y_index.astype(np.float64)[:, None], s, k=1)
        self.coef_ = theta[:-1].T.copy()
        self.intercept_ = theta[-1].copy()
        return self

    def _loss_and_dlogits(self, Z, T, s):
        return _sigmoid_loss_and_dlogits(Z, T, None if s is None else s[:, None])

    def _hessian(self, theta, Xb, s):
        p = expit(Xb @ theta)[:, 0]
        d = p * (1 - p) / Xb.shape[0]
        if s is not None:
            d = d * s
        return (Xb * d[:, None]).T @ Xb

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

    _curvature = 0.5
    _multi_output = False

    def fit(self, X, y):
        """Fit the model to ``X`` (n_samples, n_features) and class labels ``y``."""
        Xb, y = self._prepare_fit(X, y)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        k = self.classes_.size
        if k < 2:
            raise ValueError(f"SoftmaxRegression needs at least 2 classes in y, got {k} class")
        s = self._sample_weights(y_index, k)
        theta = self._solve(Xb, np.eye(k)[y_index], s, k=k)
        self.coef_ = theta[:-1].T.copy()
        self.intercept_ = theta[-1].copy()
        return self

    def _loss_and_dlogits(self, Z, T, s):
        # T is one-hot: the losses' softmax cross-entropy kernel, with the labels (its
        # gradient q - T takes the true class's q_y - 1 as expm1(log q_y))
        loss, dZ = softmax_ce(Z, T.argmax(axis=1), None, None, 0.0)
        loss = loss[:, None]
        if s is not None:
            loss, dZ = loss * s[:, None], dZ * s[:, None]
        return loss, dZ

    def _hessian(self, theta, Xb, s):
        n, d = Xb.shape
        k = theta.shape[1]
        q = softmax(Xb @ theta, -1)
        r = (np.ones(n) if s is None else s) / n
        # H = sum_i r_i (diag(q_i) - q_i q_i^T) kron x_i x_i^T, ordered (feature, class)
        Z = (Xb[:, :, None] * q[:, None, :]).reshape(n, d * k) * np.sqrt(r)[:, None]
        H = -(Z.T @ Z)
        for c in range(k):
            block = (Xb * (r * q[:, c])[:, None]).T @ Xb
            H[c::k, c::k] += block
        return H

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

    _multi_output = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def fit(self, X, y):
        """Fit to ``X`` and an indicator matrix ``y`` (or 1-D class labels)."""
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
        theta = self._solve(Xb, T, s, k=T.shape[1])
        self.coef_ = theta[:-1].T.copy()
        self.intercept_ = theta[-1].copy()
        return self

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

    def _loss_and_dlogits(self, Z, T, s):
        # s holds one weight per element (n_samples, n_labels), not one per sample
        return _sigmoid_loss_and_dlogits(Z, T, s)

    def _hessian(self, theta, Xb, s):
        n, d = Xb.shape
        k = theta.shape[1]
        P = expit(Xb @ theta)
        D = P * (1 - P) / n
        if s is not None:
            D = D * s
        H = np.zeros((d * k, d * k))
        for c in range(k):  # labels are independent: block diagonal
            H[c::k, c::k] = (Xb * D[:, c:c + 1]).T @ Xb
        return H

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
