"""Input checks shared by every public function of :mod:`xentlib`.

Every check raises :class:`ValueError` whose message starts with the name of the
offending argument, so that a reader sees at once which input was wrong. Nothing is
broadcast silently: shapes must agree exactly where the documentation says so.
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def compute_dtype(dtype):
    """The dtype xentlib computes in for an input of ``dtype``.

    float32, float64 and long double are kept; float16 is computed in float32 (and the
    result rounded back once, see :func:`keeps_float16`); integers and booleans become
    float64. This is the one home of xentlib's dtype policy.
    """
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return np.dtype(np.float32)
    if np.issubdtype(dtype, np.floating):
        return dtype
    return np.dtype(np.float64)


def float_dtype(*arrays):
    """The common dtype in which several inputs are computed (see :func:`compute_dtype`)."""
    dtypes = [compute_dtype(np.asarray(a).dtype) for a in arrays if a is not None]
    return np.result_type(*dtypes) if dtypes else np.dtype(np.float64)


def keeps_float16(*names):
    """Decorator: round the result to float16 when every named argument is float16.

    The function itself computes in float32 (:func:`compute_dtype`); rounding once at
    the end keeps the result within about an ulp of float16.
    """

    def decorate(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            out = func(*args, **kwargs)
            bound = signature.bind(*args, **kwargs).arguments
            dtypes = [getattr(bound[n], "dtype", None) for n in names if bound.get(n) is not None]
            if dtypes and all(d == np.float16 for d in dtypes):
                return out.astype(np.float16)
            return out

        return wrapper

    return decorate


def as_float_array(x, name, *, dtype=None, allow_inf=False, min_ndim=0):
    """Convert ``x`` to a non-empty floating array with no NaN (and no inf unless allowed).

    The dtype is :func:`compute_dtype` of the input's (float16 becomes float32, long
    double stays long double, integers become float64), unless ``dtype`` is given.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} must hold real numbers, got complex values")
    if dtype is None:
        dtype = compute_dtype(arr.dtype)
    arr = arr.astype(dtype, copy=False)
    if arr.size == 0:
        raise ValueError(f"{name} is empty; it needs at least one element")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()  # one pass, no temporary array; finite unless NaN/inf (or overflow)
    if not np.isfinite(total):
        if np.isnan(arr).any():
            raise ValueError(f"{name} contains NaN")
        if not allow_inf and np.isinf(arr).any():
            raise ValueError(f"{name} contains inf; only finite values are allowed")
    return arr


def check_in_unit_interval(arr, name):
    """Raise unless every element of ``arr`` lies in [0, 1]."""
    if arr.min() < 0 or arr.max() > 1:
        bad = arr[(arr < 0) | (arr > 1)].flat[0]
        raise ValueError(f"{name} must lie in [0, 1]; found {bad!r}")
    return arr


def sum_tolerance(dtype):
    """How far a probability row may sum from 1: the square root of machine epsilon."""
    return float(np.sqrt(np.finfo(dtype).eps))


def check_distribution(arr, name, axis=-1, *, given_dtype=None):
    """Raise unless ``arr`` holds probability vectors along ``axis`` (in [0, 1], summing to 1).

    The tolerance is that of ``given_dtype``, the dtype the caller passed (default:
    ``arr``'s): a float16 distribution computed in float64 is checked as float16.
    """
    check_in_unit_interval(arr, name)
    sums = arr.sum(axis=axis)
    tol_dtype = arr.dtype if given_dtype is None else np.dtype(given_dtype)
    if not np.issubdtype(tol_dtype, np.floating):  # integers, booleans: exact values
        tol_dtype = np.dtype(np.float64)
    tol = sum_tolerance(tol_dtype) * max(1, arr.shape[axis] ** 0.5)
    if np.any(np.abs(sums - 1) > tol):
        worst = np.asarray(sums).flat[np.argmax(np.abs(np.asarray(sums) - 1))]
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (tolerance {tol:.1e}); a row sums to {worst!r}"
        )
    return arr


def check_axis(axis, ndim, name="axis"):
    """Raise unless ``axis`` is a valid integer axis for an array of ``ndim`` dimensions."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an array of {ndim} dimension(s)")
    return int(axis)


def check_same_shape(a, b, name_a, name_b):
    """Raise unless ``a`` and ``b`` have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}"
        )


def check_reduction(reduction):
    """Raise unless ``reduction`` is one of "mean", "sum", "none"."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def check_scalar(value, name, *, low=None, high=None, low_open=False, high_open=False):
    """Raise unless ``value`` is a finite real number in the stated interval."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value!r}")
    return value


def check_integer(value, name, *, low=None):
    """Raise unless ``value`` is an integer (not a bool), at least ``low`` when given.

    Returns it as an ``int``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_labels(y, name, n_classes=None):
    """Integer class labels: integral values, >= 0 and < ``n_classes`` when given.

    Returns an ``intp`` array.
    """
    arr = np.asarray(y)
    if arr.size == 0:
        raise ValueError(f"{name} is empty; it needs at least one label")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise ValueError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must hold integer class labels; found non-integer values")
    if arr.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0; found {arr.min()!r}")
    if n_classes is not None and arr.max() >= n_classes:
        raise ValueError(
            f"{name} holds label {arr.max()!r}, out of range for {n_classes} classes"
        )
    return arr.astype(np.intp, copy=False)  # no copy of labels that are intp already


def check_weight(weight, name, shape, dtype):
    """Non-negative finite weights of exactly ``shape``."""
    w = as_float_array(weight, name, dtype=dtype)
    if w.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {w.shape}")
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return w


# ---------------------------------------------------------------------------
# declarative hyper-parameter checks (the estimators' ``_parameter_constraints``)
# ---------------------------------------------------------------------------

def _either(words):
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class Constraint:
    """One allowed kind of value for a hyper-parameter, as scikit-learn's
    ``_parameter_constraints`` entries: ``words`` says it in words (``("a real
    number >= 0",)``, or one word per allowed option), ``matches(value)`` whether
    ``value`` is of this kind at all (its type), and ``check(value, name)`` returns
    the value checked (and converted) or raises a :class:`ValueError` naming ``name``.
    """

    def __init__(self, words, matches, check):
        self.words = tuple(words)
        self.matches = matches
        self.check = check

    def __repr__(self):
        return f"Constraint({_either(self.words)!r})"


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def real_constraint(*, low=None, high=None, low_open=False, high_open=False):
    """A finite real number in an interval, checked with :func:`check_scalar`."""
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        bounds.append(f"{'<' if high_open else '<='} {high}")
    return Constraint(
        ["a real number" + (" " + " and ".join(bounds) if bounds else "")],
        _is_real,
        lambda value, name: check_scalar(
            value, name, low=low, high=high, low_open=low_open, high_open=high_open
        ),
    )


def integer_constraint(*, low=None):
    """An integer (not a bool), at least ``low``, checked with :func:`check_integer`."""
    return Constraint(
        ["an integer" + ("" if low is None else f" >= {low}")],
        _is_integer,
        lambda value, name: check_integer(value, name, low=low),
    )


def options_constraint(*options):
    """One of a few fixed values (strings or None), compared with ``==`` and type."""

    def matches(value):
        return any(type(value) is type(o) and value == o for o in options)

    return Constraint([repr(o) for o in options], matches, lambda value, name: value)


def instance_constraint(types, description):
    """An instance of ``types`` (a type or a tuple of types), passed through."""
    return Constraint([description], lambda value: isinstance(value, types),
                      lambda value, name: value)


def check_parameters(params, constraints):
    """Check each ``params[name]`` against the list of allowed kinds ``constraints[name]``.

    Returns a dict of the checked values (numbers as ``float``/``int``). A value of
    none of the allowed kinds raises ``ValueError("{name} must be A or B, got ...")``;
    a value of the right kind but out of range raises that kind's own message
    (``"alpha must be >= 0.0, got -1.0"``).
    """
    checked = {}
    for name, allowed in constraints.items():
        value = params[name]
        kinds = [c for c in allowed if c.matches(value)]
        if not kinds:
            words = _either([word for c in allowed for word in c.words])
            raise ValueError(f"{name} must be {words}, got {value!r}")
        error = None
        for kind in kinds:
            try:
                checked[name] = kind.check(value, name)
                break
            except ValueError as exc:
                error = exc
        else:
            raise error
    return checked
