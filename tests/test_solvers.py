"""xentlib._solvers and xentlib._objectives on their own.

The solvers are checked on functions whose minimizer or iterates are known by hand
(quadratics, a one-dimensional function where Newton's full step overshoots), so that
dropping SGD's step decay, the momentum, or Newton's line search is caught; then, with
the models' objectives, against scikit-learn's LogisticRegression at the same penalty
(``alpha = 1 / (C * n)``). The objectives are checked against scikit-learn's
``log_loss``, scipy's ``log_expit`` and central differences.
"""

import math

import numpy as np
import pytest
from scipy.special import log_expit
from scipy.special import softmax as sp_softmax
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from xentlib._objectives import SigmoidObjective, SoftmaxObjective
from xentlib._solvers import gradient_descent, newton, sgd

# ---------------------------------------------------------------------------
# test functions with known answers
# ---------------------------------------------------------------------------


def _quadratic(A, b):
    """J = 1/2 theta^T A theta - b^T theta: gradient A theta - b, Hessian A."""
    def value_grad(theta):
        return 0.5 * theta @ A @ theta - b @ theta, A @ theta - b
    return value_grad, (lambda theta: A)


def _spd(rng, d=4):
    M = rng.normal(size=(d, d))
    return M @ M.T + d * np.eye(d), rng.normal(size=d)


def _rows_quadratic(c, log=None):
    """J(theta; rows) = mean over rows of 1/2 (theta - c_i)^2; records the rows asked."""
    c = np.asarray(c, dtype=float)

    def value_grad(theta, rows=None):
        if log is not None and rows is not None:
            log.append(np.array(rows))
        ci = c if rows is None else c[rows]
        return 0.5 * np.mean((theta[0] - ci) ** 2), np.array([theta[0] - ci.mean()])

    return value_grad


# ---------------------------------------------------------------------------
# gradient descent
# ---------------------------------------------------------------------------


def test_gd_reaches_the_quadratics_minimizer(rng):
    A, b = _spd(rng)
    value_grad, _ = _quadratic(A, b)
    L = np.linalg.eigvalsh(A).max()
    result = gradient_descent(value_grad, np.zeros(4), learning_rate=1 / L, tol=1e-12)
    assert result.converged
    np.testing.assert_allclose(result.theta, np.linalg.solve(A, b), rtol=0, atol=1e-11)
    assert len(result.loss_curve) == result.n_iter + 1
    # step 1/L: the objective never rises (but for rounding at the minimum)
    assert np.all(np.diff(result.loss_curve) <= 1e-15)


def test_gd_momentum_iterates_by_hand():
    # J = theta^2 (a = 2), eta = 0.1, mu = 0.5, theta_0 = 1:
    # v1 = -0.2, theta1 = 0.8; v2 = 0.5 v1 - 0.1*1.6 = -0.26, theta2 = 0.54;
    # v3 = 0.5 v2 - 0.1*1.08 = -0.238, theta3 = 0.302 (without momentum: 0.8, 0.64, 0.512)
    value_grad, _ = _quadratic(np.array([[2.0]]), np.zeros(1))
    result = gradient_descent(value_grad, np.array([1.0]), learning_rate=0.1, momentum=0.5,
                              max_iter=3, tol=0.0)
    np.testing.assert_allclose(result.theta, [0.302], rtol=1e-14)
    np.testing.assert_allclose(result.loss_curve, [1.0, 0.64, 0.54**2, 0.302**2], rtol=1e-14)
    assert (result.n_iter, result.converged) == (3, False)
    plain = gradient_descent(value_grad, np.array([1.0]), learning_rate=0.1, max_iter=3, tol=0.0)
    np.testing.assert_allclose(plain.theta, [0.512], rtol=1e-14)


def test_gd_diverges_loudly():
    value_grad, _ = _quadratic(np.array([[2.0]]), np.zeros(1))
    with pytest.raises(ValueError, match="gradient descent diverged"), np.errstate(over="ignore"):
        gradient_descent(value_grad, np.array([1.0]), learning_rate=10.0, max_iter=2000, tol=0.0)


# ---------------------------------------------------------------------------
# SGD
# ---------------------------------------------------------------------------


def test_sgd_step_decay_and_momentum_by_hand():
    # c = (1, 3), one batch of both samples per epoch (its mean is exactly 2 in any
    # order), so each epoch is one step on grad = theta - 2 with eta_t = 0.5 / sqrt(t)
    # and momentum 0.5, from theta = 0
    v, theta, expected = 0.0, 0.0, []
    for t in (1, 2, 3):
        v = 0.5 * v - 0.5 / math.sqrt(t) * (theta - 2.0)
        theta += v
        expected.append(theta)
    # written out: theta1 = 1, theta2 = 1.5 + 0.5/sqrt(2), ...
    assert expected[0] == 1.0 and expected[1] == pytest.approx(1.5 + 0.5 / math.sqrt(2), abs=1e-15)
    result = sgd(_rows_quadratic([1.0, 3.0]), np.zeros(1), 2, learning_rate=0.5, momentum=0.5,
                 batch_size=2, max_iter=3, tol=0.0, random_state=0)
    np.testing.assert_allclose(result.theta, [expected[-1]], rtol=1e-15)
    J = [0.5 * ((x - 2.0) ** 2 + 1.0) for x in [0.0] + expected]
    np.testing.assert_allclose(result.loss_curve, J, rtol=1e-15)
    assert (result.n_iter, result.converged) == (3, False)
    # without decay (eta_t = 0.5) theta2 would be 2.0, without momentum 1.5 + 0.5/sqrt(2) - 0.5
    assert abs(result.loss_curve[2] - 0.5 * (0.0 + 1.0)) > 1e-3


def test_sgd_visits_every_sample_once_per_epoch_in_a_seeded_order():
    log = []
    sgd(_rows_quadratic(np.arange(7.0), log), np.zeros(1), 7, learning_rate=0.1,
        batch_size=3, max_iter=4, tol=0.0, random_state=5)
    assert [len(r) for r in log] == [3, 3, 1] * 4
    rng = np.random.default_rng(5)  # the documented order: default_rng(random_state)
    for epoch in range(4):
        np.testing.assert_array_equal(np.concatenate(log[3 * epoch:3 * epoch + 3]),
                                      rng.permutation(7))
    again = []
    sgd(_rows_quadratic(np.arange(7.0), again), np.zeros(1), 7, learning_rate=0.1,
        batch_size=3, max_iter=4, tol=0.0, random_state=5)
    assert all(np.array_equal(a, b) for a, b in zip(log, again, strict=True))


def test_sgd_stops_when_an_epoch_changes_the_objective_by_less_than_tol():
    result = sgd(_rows_quadratic([1.0, 3.0]), np.zeros(1), 2, learning_rate=1.0, batch_size=2,
                 max_iter=50, tol=1e-3, random_state=0)
    # learning_rate 1: the first epoch lands on the minimizer 2, the second changes nothing
    assert result.converged and result.n_iter == 2
    np.testing.assert_allclose(result.theta, [2.0], rtol=0, atol=0)


def test_sgd_tol_is_relative_to_the_objective():
    # the same iterates, J shifted by 999.5 (so |J| ~ 1000): tol 1e-6 relative stops where
    # tol 1e-3 stops on the unshifted J (whose |J| < 1 makes the test absolute)
    plain = _rows_quadratic([1.0, 3.0])

    def shifted(theta, rows=None):
        value, grad = plain(theta, rows)
        return value + 999.5, grad

    kw = dict(learning_rate=0.05, batch_size=2, max_iter=500, random_state=0)
    a = sgd(plain, np.zeros(1), 2, tol=1e-3, **kw)
    b = sgd(shifted, np.zeros(1), 2, tol=1e-6, **kw)
    assert a.converged and b.converged and 10 < a.n_iter == b.n_iter < 500


# ---------------------------------------------------------------------------
# Newton
# ---------------------------------------------------------------------------


def test_newton_solves_a_quadratic_in_one_step(rng):
    A, b = _spd(rng)
    value_grad, hessian = _quadratic(A, b)
    result = newton(value_grad, hessian, np.zeros(4), tol=1e-10)
    x = np.linalg.solve(A, b)
    np.testing.assert_allclose(result.theta, x, rtol=1e-13, atol=0)
    assert (result.n_iter, result.converged) == (1, True)
    np.testing.assert_allclose(result.loss_curve[-1], -0.5 * b @ x, rtol=1e-13)


def test_newton_takes_the_minimum_norm_step_on_a_singular_hessian():
    # J = 1/2 (t1 + t2 - 1)^2: every point with t1 + t2 = 1 is a minimizer; from 0 the
    # least-squares step lands on the one of least norm, (1/2, 1/2)
    def value_grad(t):
        r = t.sum() - 1.0
        return 0.5 * r * r, np.array([r, r])
    result = newton(value_grad, lambda t: np.ones((2, 2)), np.zeros(2), tol=1e-12)
    np.testing.assert_allclose(result.theta, [0.5, 0.5], rtol=0, atol=1e-15)


def test_newton_line_search_keeps_descending_where_the_full_step_overshoots():
    # J = sqrt(1 + t^2): the full Newton step maps t to -t^3 (from 2 to -8, J from 2.24
    # to 8.06); backtracking halves it until J falls enough
    def value_grad(t):
        r = math.sqrt(1 + t[0] ** 2)
        return r, np.array([t[0] / r])
    result = newton(value_grad, lambda t: np.array([[(1 + t[0] ** 2) ** -1.5]]),
                    np.array([2.0]), tol=1e-12)
    assert result.converged and abs(result.theta[0]) < 1e-12
    assert np.all(np.diff(result.loss_curve) <= 0) and result.loss_curve[-1] == 1.0
    assert result.loss_curve[1] == pytest.approx(math.sqrt(1.25), rel=1e-15)  # t = 1/4: -0.5


# ---------------------------------------------------------------------------
# the models' objectives
# ---------------------------------------------------------------------------


def _design(X):
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _central_jacobian(f, theta, h=1e-6):
    flat = theta.reshape(-1)
    cols = []
    for j in range(flat.size):
        e = np.zeros_like(flat)
        e[j] = h
        cols.append((f((flat + e).reshape(theta.shape)) - f((flat - e).reshape(theta.shape)))
                    .reshape(-1) / (2 * h))
    return np.array(cols).T


@pytest.fixture
def small(rng):
    X = rng.normal(size=(40, 3))
    return X, rng.integers(0, 3, size=40), rng.uniform(0.5, 2.0, size=40)


def test_sigmoid_objective_value_gradient_hessian(small, rng):
    X, y3, s = small
    y = (y3 > 0).astype(float)
    Xb, alpha = _design(X), 0.3
    obj = SigmoidObjective(Xb, y[:, None], s, alpha)
    theta = rng.normal(size=(4, 1))
    value, grad = obj.value_grad(theta)
    z = Xb @ theta[:, 0]
    expected = (log_loss(y, np.clip(1 / (1 + np.exp(-z)), 0, 1), sample_weight=s, normalize=False)
                / 40 + alpha / 2 * np.sum(theta[:-1] ** 2))
    assert value == pytest.approx(expected, rel=1e-12, abs=0)
    np.testing.assert_allclose(grad, _central_jacobian(lambda t: np.array(obj.value_grad(t)[0]),
                                                       theta).reshape(theta.shape),
                               rtol=1e-7, atol=1e-9)
    H = obj.hessian(theta)
    np.testing.assert_allclose(H, _central_jacobian(lambda t: obj.value_grad(t)[1], theta),
                               rtol=1e-6, atol=1e-8)
    # the intercept is not penalized: alpha = 0 changes only the weights' diagonal
    H0 = SigmoidObjective(Xb, y[:, None], s, 0.0).hessian(theta)
    np.testing.assert_allclose(np.diag(H - H0), [alpha] * 3 + [0.0], rtol=1e-12, atol=1e-15)


def test_multilabel_objective_sums_binary_losses_with_element_weights(small, rng):
    X, _, _ = small
    T = rng.integers(0, 2, size=(40, 2)).astype(float)
    S = rng.uniform(0.5, 2.0, size=(40, 2))
    Xb, alpha = _design(X), 0.1
    obj = SigmoidObjective(Xb, T, S, alpha)
    theta = rng.normal(size=(4, 2))
    Z = Xb @ theta
    expected = (-(S * (T * log_expit(Z) + (1 - T) * log_expit(-Z))).sum() / 40
                + alpha / 2 * np.sum(theta[:-1] ** 2))
    value, grad = obj.value_grad(theta)
    assert value == pytest.approx(expected, rel=1e-12, abs=0)
    np.testing.assert_allclose(obj.hessian(theta),
                               _central_jacobian(lambda t: obj.value_grad(t)[1], theta),
                               rtol=1e-6, atol=1e-8)


def test_softmax_objective_value_gradient_hessian(small, rng):
    X, y, s = small
    Xb, alpha = _design(X), 0.2
    obj = SoftmaxObjective(Xb, y, s, alpha)
    theta = rng.normal(size=(4, 3))
    value, grad = obj.value_grad(theta)
    expected = (log_loss(y, sp_softmax(Xb @ theta, axis=1), sample_weight=s, normalize=False,
                         labels=[0, 1, 2]) / 40 + alpha / 2 * np.sum(theta[:-1] ** 2))
    assert value == pytest.approx(expected, rel=1e-12, abs=0)
    np.testing.assert_allclose(grad.reshape(-1),
                               _central_jacobian(lambda t: np.array([obj.value_grad(t)[0]]),
                                                 theta)[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(obj.hessian(theta),
                               _central_jacobian(lambda t: obj.value_grad(t)[1], theta),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_objective_matches_the_models_former_formula(weighted):
    # SoftmaxRegression's own formula before it used the kernel: -sum T log q and
    # q - T with expm1(log q_y) at the true class, weighted, summed, divided by n
    rng = np.random.default_rng(13)
    X = rng.normal(scale=5, size=(200, 4))
    Xb = _design(X)
    theta = rng.normal(size=(5, 5))
    y = rng.integers(0, 5, size=200)
    T = np.eye(5)[y]
    s = rng.uniform(0.1, 3, size=200) if weighted else None
    Z = Xb @ theta
    logq = Z - np.log(np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) \
        - Z.max(axis=1, keepdims=True)
    loss = -(T * logq).sum(axis=1, keepdims=True)
    dZ = np.where(T == 1, np.expm1(logq), np.exp(logq) - T)
    if s is not None:
        loss, dZ = loss * s[:, None], dZ * s[:, None]
    value, grad = SoftmaxObjective(Xb, y, s, 0.0).value_grad(theta)
    # log q from a plain log-sum-exp differs from the kernel's TwoSum-corrected one in
    # the last bits: equal to 1e-13, and the gradient's structure (expm1 at y) exact
    assert value == pytest.approx(loss.sum() / 200, rel=1e-13, abs=0)
    np.testing.assert_allclose(grad, Xb.T @ dZ / 200, rtol=1e-12, atol=1e-15)


def test_mini_batch_objective_is_the_objective_of_those_rows(small, rng):
    X, y, s = small
    Xb = _design(X)
    rows = np.array([3, 17, 5, 30])
    theta = rng.normal(size=(4, 3))
    whole = SoftmaxObjective(Xb, y, s, 0.2)
    alone = SoftmaxObjective(Xb[rows], y[rows], s[rows], 0.2)
    for got, ref in zip(whole.value_grad(theta, rows), alone.value_grad(theta), strict=True):
        np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("family", ["sigmoid", "softmax"])
def test_lipschitz_bounds_the_hessian(small, rng, family):
    X, y, s = small
    Xb = _design(X)
    if family == "sigmoid":
        obj, k, c = SigmoidObjective(Xb, (y > 0).astype(float)[:, None], s, 0.1), 1, 0.25
    else:
        obj, k, c = SoftmaxObjective(Xb, y, s, 0.1), 3, 0.5
    L = obj.lipschitz()
    assert L == pytest.approx(c * np.linalg.eigvalsh(Xb.T @ Xb).max() / 40 * s.max() + 0.1,
                              rel=1e-12)
    for scale in (0.0, 0.3, 3.0):
        theta = scale * rng.normal(size=(4, k))
        assert np.linalg.eigvalsh(obj.hessian(theta)).max() <= L * (1 + 1e-12)


# ---------------------------------------------------------------------------
# objective + solver against scikit-learn at the same penalty
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[:, :10])
    return X, y


def _sk_theta(X, y, C):
    sk = SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
    return np.vstack([sk.coef_.T, sk.intercept_[None, :]])


def test_newton_and_gd_reach_sklearns_binary_solution(cancer):
    X, y = cancer
    C = 0.1
    n = X.shape[0]
    obj = SigmoidObjective(_design(X), y.astype(float)[:, None], None, 1 / (C * n))
    reference = _sk_theta(X, y, C)
    theta0 = np.zeros((11, 1))
    result = newton(obj.value_grad, obj.hessian, theta0, tol=1e-12)
    assert result.converged and result.n_iter < 15
    np.testing.assert_allclose(result.theta, reference, rtol=0, atol=1e-12)
    # gradient descent: |theta - theta*| <= |grad| / alpha (strong convexity alpha)
    result = gradient_descent(obj.value_grad, theta0, learning_rate=1 / obj.lipschitz(),
                              tol=1e-10)
    assert result.converged
    bound = np.sqrt(11) * 1e-10 * C * n  # |grad|_2 <= sqrt(11) tol, divided by alpha
    np.testing.assert_allclose(result.theta, reference, rtol=0, atol=bound + 1e-12)


def test_sgd_gets_close_to_sklearns_objective(cancer):
    X, y = cancer
    C = 0.1
    n = X.shape[0]
    obj = SigmoidObjective(_design(X), y.astype(float)[:, None], None, 1 / (C * n))
    best = obj.value_grad(_sk_theta(X, y, C))[0]
    start = obj.value_grad(np.zeros((11, 1)))[0]
    result = sgd(obj.value_grad, np.zeros((11, 1)), n, learning_rate=1 / obj.lipschitz(),
                 max_iter=200, tol=1e-9, random_state=0)
    # 200 epochs with steps 1/(L sqrt(epoch)): within 1e-5 of the way from J(0) to J*
    assert best <= result.loss_curve[-1] < best + 1e-5 * (start - best)


def test_newton_reaches_sklearns_softmax_solution():
    X, y = load_iris(return_X_y=True)
    C, n = 1.0, X.shape[0]
    obj = SoftmaxObjective(_design(X), y, None, 1 / (C * n))
    result = newton(obj.value_grad, obj.hessian, np.zeros((5, 3)), tol=1e-12)
    sk = SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
    assert result.converged
    # W is unique (the penalty fixes the shift); the intercepts only up to a common shift
    np.testing.assert_allclose(result.theta[:-1], sk.coef_.T, rtol=0, atol=1e-10)
    np.testing.assert_allclose(sp_softmax(_design(X) @ result.theta, axis=1),
                               sk.predict_proba(X), rtol=0, atol=1e-9)
