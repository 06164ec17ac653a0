r"""Penalized cross-entropy objectives of linear models (private: the models' own).

What the estimators of :mod:`xentlib.models` minimize, as scikit-learn's
``LinearModelLoss`` in miniature: with :math:`\theta = [W; b]` of shape
``(n_features + 1, k)``, :math:`X_b = [X, 1]` and :math:`Z = X_b \theta`,

.. math:: J(\theta) = \frac{1}{n} \sum_{i=1}^{n} \sum_{c} s_{ic}\, \ell(y_i, z_i)_c
          + \frac{\alpha}{2} \lVert W \rVert^2 ,
          \qquad
          \nabla J = \frac{1}{n} X_b^\top \big(s \odot \partial\ell/\partial Z\big)
          + \alpha \begin{bmatrix} W \\ 0 \end{bmatrix} ,

the weighted *sum* divided by :math:`n` (scikit-learn's convention, not the weighted
mean of :mod:`xentlib.losses`), the intercept not penalized. The loss and its
derivative come from the loss family's kernel in :mod:`xentlib._kernels` and are
weighed by the losses' own helper, so no formula is written twice; each class adds
the family's Hessian and the curvature bound behind the step size 1/L.

* :class:`SigmoidObjective`: one sigmoid per output column (binary: ``k = 1``;
  multi-label: one column per label), weights per sample or per element.
* :class:`SoftmaxObjective`: softmax over ``k`` classes, integer labels, weights
  per sample.

The solvers (:mod:`xentlib._solvers`) see only ``value_grad(theta, rows=None)``
(``rows``: a mini-batch, the objective of those samples alone) and
``hessian(theta)``. Like scikit-learn's ``LinearModelLoss`` this is not public API:
its arguments are validated by the estimators.
"""

from __future__ import annotations

import numpy as np

from ._kernels import sigmoid_ce, softmax_ce
from ._special import expit, softmax
from .losses import _finish_grad, _finish_value


class LinearObjective:
    """The penalized objective :math:`J` above; subclasses give the loss family.

    Parameters
    ----------
    Xb : ndarray of shape (n, d)
        The design matrix with its last column of ones (the intercept).
    targets : ndarray
        What the family's kernel takes (0/1 columns, or integer labels).
    s : ndarray or None
        Weights :math:`s`, per sample or per element (None: all 1).
    alpha : float
        The L2 penalty :math:`\\alpha` on every row of :math:`\\theta` but the last.

    Subclasses define ``curvature`` (a bound on the second derivative of the loss
    with respect to the logits, per unit weight), ``_loss_and_dlogits(Z, targets)``
    (the family's kernel: unweighted loss and its derivative, shaped like ``Z``
    or per sample) and ``_loss_hessian(theta)``.
    """

    curvature = None

    def __init__(self, Xb, targets, s, alpha):
        self.Xb, self.targets, self.s, self.alpha = Xb, targets, s, alpha

    def value_grad(self, theta, rows=None):
        """:math:`J(\\theta)` and :math:`\\nabla J(\\theta)` (shaped like ``theta``),
        over all samples or, for an index array ``rows``, over those samples alone
        (their own :math:`n`)."""
        Xb, targets, s = self.Xb, self.targets, self.s
        if rows is not None:
            Xb, targets, s = Xb[rows], targets[rows], None if s is None else s[rows]
        loss, dZ = self._loss_and_dlogits(Xb @ theta, targets)
        n = Xb.shape[0]
        # the losses' own helpers weigh by s and sum; the models divide by n, not by sum(s)
        total = _finish_value(loss, s, None, "sum")
        dZ = _finish_grad(dZ, s, None, n, "sum")
        W = theta[:-1]
        value = total / n + 0.5 * self.alpha * np.sum(W * W)
        grad = Xb.T @ dZ / n
        grad[:-1] += self.alpha * W
        return value, grad

    def lipschitz(self):
        """A bound :math:`L` on the Lipschitz constant of :math:`\\nabla J`:
        ``curvature`` times :math:`\\lambda_{\\max}(X_b^\\top X_b)/n` times the largest
        weight, plus :math:`\\alpha`."""
        spectral = np.linalg.norm(self.Xb, 2) ** 2 / self.Xb.shape[0]
        return self.curvature * spectral * (1.0 if self.s is None else self.s.max()) + self.alpha

    def hessian(self, theta):
        """:math:`\\nabla^2 J(\\theta)`, of size ``theta.size``, rows and columns in the
        order of ``theta.reshape(-1)`` (feature-major, then output)."""
        H = self._loss_hessian(theta)
        d, k = theta.shape
        penalty = np.full((d, k), self.alpha)
        penalty[-1] = 0.0  # the intercept is not penalized
        H[np.diag_indices_from(H)] += penalty.reshape(-1)
        return H


class SigmoidObjective(LinearObjective):
    """Binary cross-entropy per output column (``targets``: 0/1 or in [0, 1], shape
    (n, k)); ``s`` per sample (n,) or per element (n, k). Kernel:
    :func:`xentlib._kernels.sigmoid_ce`."""

    curvature = 0.25  # sigma'(z) <= 1/4

    def __init__(self, Xb, targets, s, alpha):
        if s is not None and s.ndim == 1:
            s = s[:, None]  # one weight per sample: the same for each column
        super().__init__(Xb, targets, s, alpha)

    @staticmethod
    def _loss_and_dlogits(Z, T):
        return sigmoid_ce(T, Z)

    def _loss_hessian(self, theta):
        n, d = self.Xb.shape
        k = theta.shape[1]
        P = expit(self.Xb @ theta)
        D = P * (1 - P) / n
        if self.s is not None:
            D = D * self.s
        H = np.zeros((d * k, d * k))
        for c in range(k):  # the columns are independent: block diagonal
            H[c::k, c::k] = (self.Xb * D[:, c:c + 1]).T @ self.Xb
        return H


class SoftmaxObjective(LinearObjective):
    """Softmax cross-entropy over ``k = theta.shape[1]`` classes (``targets``: integer
    labels, shape (n,)); ``s`` per sample (n,). Kernel:
    :func:`xentlib._kernels.softmax_ce` (its gradient takes the true class's
    :math:`q_y - 1` as ``expm1(log q_y)``)."""

    curvature = 0.5  # the softmax Jacobian's largest eigenvalue is at most 1/2

    @staticmethod
    def _loss_and_dlogits(Z, labels):
        return softmax_ce(Z, labels, None, None, 0.0)

    def _loss_hessian(self, theta):
        Xb = self.Xb
        n, d = Xb.shape
        k = theta.shape[1]
        q = softmax(Xb @ theta, -1)
        r = (np.ones(n) if self.s is None else self.s) / n
        # sum_i r_i (diag(q_i) - q_i q_i^T) kron x_i x_i^T, ordered (feature, class)
        Z = (Xb[:, :, None] * q[:, None, :]).reshape(n, d * k) * np.sqrt(r)[:, None]
        H = -(Z.T @ Z)
        for c in range(k):
            H[c::k, c::k] += (Xb * (r * q[:, c])[:, None]).T @ Xb
        return H
