r"""The three solvers of xentlib's models, as plain functions (private).

Each minimizes a smooth function :math:`J` of an array ``theta`` given as callables,
starting from ``theta0``, and returns a :class:`SolverResult` ``(theta, loss_curve,
n_iter, converged)``: ``loss_curve`` holds :math:`J` at the start and after every
iteration (every epoch for :func:`sgd`). They know nothing about models or data;
the estimators of :mod:`xentlib.models` hand them an objective of
:mod:`xentlib._objectives` (``value_grad``, ``hessian``) and check the options
first, so the options are not validated here.

* :func:`gradient_descent`: :math:`\theta \leftarrow \theta + v`,
  :math:`v \leftarrow \mu v - \eta \nabla J(\theta)` (heavy ball; plain gradient
  descent for :math:`\mu = 0`); stops when :math:`\max |\nabla J| \le` ``tol``.
* :func:`sgd`: the same step on the gradient of one shuffled mini-batch, with the
  step :math:`\eta / \sqrt{\text{epoch}}`; stops when :math:`J` changes by at most
  ``tol`` (relative, at least absolute) over an epoch.
* :func:`newton`: :math:`\theta \leftarrow \theta - t\, [\nabla^2 J]^{+} \nabla J`
  with a backtracking (Armijo) line search for :math:`t`; stops when
  :math:`\max |\nabla J| \le` ``tol``.

They are kept private, as scikit-learn keeps its ``_newton_solver.py`` and
``LinearModelLoss``: the chapters teach these algorithms with the estimators'
``solver=`` option (and write their own loops where they show one), and a public
solver would also fix the callable protocol and the result tuple as API.

References
----------
* J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006),
  chapter 3 (line search methods: backtracking, steepest descent and Newton).
* B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
  USSR Computational Mathematics and Mathematical Physics 4 (1964), 1-17.
* L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for large-scale
  machine learning", SIAM Review 60 (2018), 223-311.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class SolverResult(NamedTuple):
    """What every solver returns (unpacks as a 4-tuple)."""

    theta: np.ndarray
    loss_curve: list
    n_iter: int
    converged: bool


def gradient_descent(value_grad, theta0, *, learning_rate, momentum=0.0, max_iter=10_000,
                     tol=1e-6):
    """Full-batch gradient descent with heavy-ball momentum.

    ``value_grad(theta)`` returns ``(J, grad)``. ``max_iter`` counts steps. Raises
    ``ValueError`` if :math:`J` becomes NaN or infinite (a step too large).
    """
    theta = theta0
    velocity = np.zeros_like(theta)
    value, grad = value_grad(theta)
    curve = [value]
    for it in range(1, max_iter + 1):
        velocity = momentum * velocity - learning_rate * grad
        theta = theta + velocity
        value, grad = value_grad(theta)
        curve.append(value)
        if not np.isfinite(value):
            raise ValueError(f"gradient descent diverged (objective {value}); lower learning_rate")
        if np.abs(grad).max() <= tol:
            return SolverResult(theta, curve, it, True)
    return SolverResult(theta, curve, max_iter, False)


def sgd(value_grad, theta0, n_samples, *, learning_rate, momentum=0.0, batch_size=32,
        max_iter=200, tol=1e-6, random_state=None):
    """Mini-batch stochastic gradient descent with heavy-ball momentum.

    ``value_grad(theta, rows)`` returns ``(J, grad)`` of the samples ``rows`` (an
    index array) or, for ``rows=None``, of all ``n_samples`` samples. Every epoch
    visits the samples in a new order (``numpy.random.default_rng(random_state)``)
    in batches of ``batch_size``, with the step ``learning_rate / sqrt(epoch)``.
    ``max_iter`` counts epochs.
    """
    rng = np.random.default_rng(random_state)
    theta = theta0
    velocity = np.zeros_like(theta)
    value, _ = value_grad(theta, None)
    curve = [value]
    for epoch in range(1, max_iter + 1):
        lr = learning_rate / np.sqrt(epoch)
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            _, grad = value_grad(theta, order[start:start + batch_size])
            velocity = momentum * velocity - lr * grad
            theta = theta + velocity
        new_value, _ = value_grad(theta, None)
        curve.append(new_value)
        if not np.isfinite(new_value):
            raise ValueError(f"SGD diverged (objective {new_value}); lower learning_rate")
        if abs(value - new_value) <= tol * max(1.0, abs(new_value)):
            return SolverResult(theta, curve, epoch, True)
        value = new_value
    return SolverResult(theta, curve, max_iter, False)


def newton(value_grad, hessian, theta0, *, max_iter=100, tol=1e-6):
    """Newton's method with a backtracking (Armijo) line search.

    ``value_grad(theta)`` returns ``(J, grad)``; ``hessian(theta)`` the matrix of
    second derivatives in the order of ``theta.reshape(-1)``. The step solves the
    Newton system by least squares (the minimum-norm step where the Hessian is
    singular, as the softmax one is along the common shift of all logits). The line
    search halves :math:`t` from 1 until :math:`J` falls by at least
    :math:`10^{-4}\\, t\\, \\langle \\text{step}, \\nabla J\\rangle` (or
    :math:`t < 10^{-10}`). ``max_iter`` counts Newton steps.
    """
    theta = theta0
    value, grad = value_grad(theta)
    curve = [value]
    for it in range(1, max_iter + 1):
        if np.abs(grad).max() <= tol:
            return SolverResult(theta, curve, it - 1, True)
        step = np.linalg.lstsq(hessian(theta), grad.reshape(-1), rcond=None)[0]
        step = step.reshape(theta.shape)
        t, slope = 1.0, float(np.sum(step * grad))
        while True:  # backtracking (Armijo) line search
            new_theta = theta - t * step
            new_value, new_grad = value_grad(new_theta)
            if new_value <= value - 1e-4 * t * slope or t < 1e-10:
                break
            t *= 0.5
        theta, value, grad = new_theta, new_value, new_grad
        curve.append(value)
    return SolverResult(theta, curve, max_iter, bool(np.abs(grad).max() <= tol))
