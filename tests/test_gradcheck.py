import numpy as np
import pytest

from xentlib import check_grad


def test_correct_gradient_small_error():
    f = lambda x: float(np.sum(np.sin(x) * x))  # noqa: E731
    g = lambda x: np.cos(x) * x + np.sin(x)  # noqa: E731
    assert check_grad(f, g, np.linspace(-2, 2, 7)) < 1e-8


def test_wrong_gradient_detected():
    f = lambda x: float(np.sum(x**2))  # noqa: E731
    assert check_grad(f, lambda x: x, np.array([1.0, -2.0])) == pytest.approx(0.5, abs=0, rel=1e-6)
    assert check_grad(f, lambda x: 2 * x[::-1], np.array([1.0, 3.0])) > 0.1


def test_zero_gradient():
    assert check_grad(lambda x: 1.0, lambda x: np.zeros_like(x), np.ones(3)) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="grad\\(x\\) must have x's shape"):
        check_grad(lambda x: 0.0, lambda x: np.zeros(5), np.ones(3))
    with pytest.raises(ValueError, match="eps must be >"):
        check_grad(lambda x: 0.0, lambda x: x, np.ones(3), eps=0)
    with pytest.raises(ValueError, match="x contains NaN"):
        check_grad(lambda x: 0.0, lambda x: x, [np.nan])
    with pytest.raises(ValueError, match="f and grad must be callable"):
        check_grad(None, lambda x: x, [1.0])


def test_not_callable_message():
    with pytest.raises(ValueError, match="^f and grad must be callable$"):
        check_grad(1.0, lambda x: x, np.array([1.0]))
