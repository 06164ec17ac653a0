r"""Self-checking exercises: the feedback cells of the book's notebooks.

After every exercise of a chapter notebook comes a cell tagged ``check`` (and
``remove-input``, so the book shows its output but not the call)::

    from xentlib.exercises import check

    check("ch1-ex-loaded-die", globals())

:func:`check` looks up the exercise by its label, reads the exercise's own answer
variables (each name begins with ``ans_`` and a prefix of that exercise, and the
exercise's text names them) from the namespace it is given, and prints one line per
answer:

* ``passed — <name>: <what was checked>``;
* ``not right yet — <name>: <what is wrong>``, in words a student understands and
  never the answer itself;
* ``not attempted yet — <name>`` while the variable is missing or still the
  placeholder ``...`` (Ellipsis) that ``make student`` writes.

The references are computed here, from the exercise's own data (the numbers of its
text, or the chapter's variables the exercise names), so the student notebooks carry no
answers. A number is compared to a stated tolerance; a function is tried on generated
inputs against properties and a reference computed with xentlib; an array's shape and
values are compared; a word is compared through a hash.

Adding a check: write a function decorated with ``@_exercise(label, name=description,
...)`` that returns, for each answer name, a pair (what is checked, test), where the
test takes the student's value and returns ``None`` when it is right or raises
:class:`_Wrong` with the message (the builders :func:`_number`, :func:`_array`,
:func:`_function` and :func:`_hashed` make the usual tests). Then add the check cell
after the exercise, and a wrong answer to ``tests/test_exercises.py``.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import log_sigmoid, sigmoid, softmax
from .calibration import expected_calibration_error, fit_temperature
from .datasets import subsample_class
from .information import cross_entropy, entropy, kl_divergence
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    focal_loss,
    multilabel_cross_entropy_grad,
    softmax_cross_entropy,
)
from .models import LogisticRegression, MultiLabelLogisticRegression
from .weighting import class_weights, smooth_labels

__all__ = ["check", "evaluate", "answer_names", "placeholder_source", "labels", "Result"]

PASSED, WRONG, NOT_ATTEMPTED = "passed", "not right yet", "not attempted yet"
LN2 = math.log(2.0)


class _Wrong(Exception):
    """Raised by a test with the message the student sees."""


class _MissingData(Exception):
    """A chapter variable the check needs is not defined."""


@dataclass(frozen=True)
class Result:
    """The outcome of one answer's check: its ``name``, ``status`` and ``message``."""

    name: str
    status: str
    message: str = ""

    def line(self) -> str:
        """The one line :func:`check` prints."""
        if self.status == NOT_ATTEMPTED:
            return f"{NOT_ATTEMPTED} — {self.name}"
        return f"{self.status} — {self.name}: {self.message}"


@dataclass(frozen=True)
class _Exercise:
    label: str
    answers: dict[str, str]  # name -> what to store there (used by the placeholders)
    build: Callable[[dict], dict]


_EXERCISES: dict[str, _Exercise] = {}


def _exercise(label: str, **answers: str):
    def register(build):
        _EXERCISES[label] = _Exercise(label, answers, build)
        return build

    return register


def labels() -> list[str]:
    """The labels of every exercise that has a check."""
    return list(_EXERCISES)


def _get(label: str) -> _Exercise:
    if label not in _EXERCISES:
        raise ValueError(f"exercise: no check is registered for the label {label!r}")
    return _EXERCISES[label]


def answer_names(exercise: str) -> tuple[str, ...]:
    """The names of the variables that hold the answers of ``exercise``."""
    return tuple(_get(exercise).answers)


def placeholder_source(exercise: str) -> str:
    """The "your solution" cell of the student notebook: one placeholder per answer."""
    lines = ["# Your solution here. Replace each ... by your answer, then run the check below."]
    for name, what in _get(exercise).answers.items():
        lines.append(f"{name} = ...  # {what}")
    return "\n".join(lines) + "\n"


def _attempted(namespace, name) -> bool:
    return name in namespace and namespace[name] is not Ellipsis


def evaluate(exercise: str, namespace) -> list[Result]:
    """Check the answers of ``exercise`` found in ``namespace`` (a dict, e.g. ``globals()``).

    Parameters
    ----------
    exercise : str
        The exercise's label, e.g. ``"ch1-ex-loaded-die"``.
    namespace : mapping
        Where the answers (and the chapter's data the check needs) are looked up.

    Returns
    -------
    list of Result
        One result per answer, in the order of the exercise's text.

    See Also
    --------
    check : prints these results, one line each.
    """
    ex = _get(exercise)
    if not hasattr(namespace, "__contains__") or not hasattr(namespace, "__getitem__"):
        raise ValueError("namespace: pass a mapping of names to values, e.g. globals()")
    attempted = [name for name in ex.answers if _attempted(namespace, name)]
    if not attempted:
        return [Result(name, NOT_ATTEMPTED) for name in ex.answers]
    try:
        tests = ex.build(namespace)
    except _MissingData as missing:
        return [
            Result(name, WRONG, f"cannot be checked: {missing} (run the chapter's cells above first)")
            if name in attempted else Result(name, NOT_ATTEMPTED)
            for name in ex.answers
        ]
    results = []
    for name in ex.answers:
        if name not in attempted:
            results.append(Result(name, NOT_ATTEMPTED))
            continue
        what, test = tests[name]
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                test(namespace[name])
        except _Wrong as wrong:
            results.append(Result(name, WRONG, str(wrong)))
        except Exception as error:  # the student's value broke the test: say what it was
            results.append(Result(name, WRONG, f"could not be checked ({type(error).__name__}: {error})"))
        else:
            results.append(Result(name, PASSED, what))
    return results


def check(exercise: str, namespace) -> None:
    """Print one line per answer of ``exercise``: passed, what is wrong, or not attempted yet.

    Parameters
    ----------
    exercise : str
        The exercise's label, e.g. ``"ch1-ex-loaded-die"``.
    namespace : mapping
        Where the answers are looked up: pass ``globals()`` in a notebook.

    See Also
    --------
    evaluate : the same results as a list, for tests.
    """
    for result in evaluate(exercise, namespace):
        print(result.line())


# --------------------------------------------------------------------------------------
# test builders


def _data(namespace, name):
    if name not in namespace:
        raise _MissingData(f"the chapter's variable `{name}` is not defined")
    return namespace[name]


def _as_number(value) -> float:
    if isinstance(value, str | bytes) or np.ndim(value) != 0:
        raise _Wrong(f"should be a single number, not {type(value).__name__}"
                     + (f" of shape {np.shape(value)}" if np.ndim(value) else ""))
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise _Wrong(f"should be a number, not {type(value).__name__}") from None
    if not math.isfinite(x):
        raise _Wrong(f"is {x}, not a finite number")
    return x


def _close(x, ref, rtol, atol) -> bool:
    x, ref = np.asarray(x, dtype=float), np.asarray(ref, dtype=float)
    return bool(np.all(np.abs(x - ref) <= atol + rtol * np.abs(ref)))


def _tolerance(rtol, atol) -> str:
    parts = ([f"a relative error of {rtol:g}"] if rtol else []) + ([f"an absolute error of {atol:g}"] if atol else [])
    return " or ".join(parts)


def _number(ref, *, rtol=1e-6, atol=0.0, hints=()):
    """A number within ``rtol``/``atol`` of ``ref``; ``hints``: (likely wrong value, message)."""

    def test(value):
        x = _as_number(value)
        if _close(x, ref, rtol, atol):
            return
        for alt, message in hints:
            if _close(x, alt, max(rtol, 1e-9), atol):
                raise _Wrong(message)
        raise _Wrong(f"is too {'large' if x > ref else 'small'} (the check allows {_tolerance(rtol, atol)})")

    return test


def _as_array(value, shape):
    if isinstance(value, str | bytes) or callable(value):
        raise _Wrong(f"should be an array of shape {shape}, not {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(f"should be an array of numbers of shape {shape}") from None
    if arr.shape != tuple(shape):
        raise _Wrong(f"has shape {arr.shape}, but the exercise asks for shape {tuple(shape)}")
    if not np.all(np.isfinite(arr)):
        raise _Wrong("contains values that are not finite (nan or inf)")
    return arr


def _array(ref, *, rtol=1e-6, atol=0.0, hints=()):
    """An array of ``ref``'s shape, within ``rtol``/``atol`` of it elementwise."""
    ref = np.asarray(ref, dtype=float)

    def test(value):
        arr = _as_array(value, ref.shape)
        if _close(arr, ref, rtol, atol):
            return
        for alt, message in hints:
            if np.shape(alt) == ref.shape and _close(arr, alt, max(rtol, 1e-9), atol):
                raise _Wrong(message)
        bad = np.abs(arr - ref) > atol + rtol * np.abs(ref)
        raise _Wrong(f"{int(bad.sum())} of its {ref.size} values are off "
                     f"(the check allows {_tolerance(rtol, atol)})")

    return test


def _call(fn, args, description):
    args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)  # fn may write to them
    try:
        return fn(*args)
    except Exception as error:
        raise _Wrong(f"raised {type(error).__name__} ({error}) on {description}") from None


def _function(cases, reference, *, rtol=1e-9, atol=0.0, properties=()):
    """A function of the given arguments: ``cases`` are (description, args) pairs, its output
    must match ``reference(*args)`` in shape and values; ``properties`` are tests of the
    function itself, run first, that raise :class:`_Wrong`."""

    def test(fn):
        if not callable(fn):
            raise _Wrong(f"should be a function, not {type(fn).__name__}")
        for prop in properties:
            prop(fn)
        for description, args in cases:
            out = _call(fn, args, description)
            ref = np.asarray(reference(*args), dtype=float)
            try:
                got = np.asarray(out, dtype=float)
            except (TypeError, ValueError):
                raise _Wrong(f"returned {type(out).__name__}, not numbers, on {description}") from None
            if got.shape != ref.shape:
                raise _Wrong(f"returned shape {got.shape} on {description}; expected shape {ref.shape}")
            if not np.all(np.isfinite(got)):
                raise _Wrong(f"returned nan or inf on {description}")
            if not _close(got, ref, rtol, atol):
                raise _Wrong(f"returned wrong values on {description}")

    return test


def _normalized(word) -> str:
    return " ".join(str(word).lower().replace("-", " ").split())


def _hashed(digest, *, choices):
    """A word or phrase, compared through the SHA-256 of its normalized form."""

    def test(value):
        if not isinstance(value, str):
            raise _Wrong(f"should be a string, one of {', '.join(repr(c) for c in choices)}")
        word = _normalized(value)
        if word not in {_normalized(c) for c in choices}:
            raise _Wrong(f"should be one of {', '.join(repr(c) for c in choices)}")
        if hashlib.sha256(word.encode()).hexdigest() != digest:
            raise _Wrong("is not the right choice: compare the scores of the three predictions again")

    return test


def _custom(test):
    return test


_RNG_SEED = 20261125


def _rng(k=0):
    return np.random.default_rng(_RNG_SEED + k)


# --------------------------------------------------------------------------------------
# Chapter 1


@_exercise("ch1-ex-loaded-die", ans_loaded_die_bits="H(P) in bits", ans_loaded_die_nats="H(P) in nats")
def _ch1_loaded_die(ns):
    die = np.array([1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 16, 0.0])
    bits, nats = entropy(die, base=2), entropy(die)
    return {
        "ans_loaded_die_bits": ("H(P) in bits, to 1e-6", _number(bits, hints=[
            (nats, "this is the entropy in nats; the question asks for bits (log base 2)")])),
        "ans_loaded_die_nats": ("H(P) in nats, to 1e-6", _number(nats, hints=[
            (bits, "this is the entropy in bits; nats use the natural logarithm"),
            (bits / LN2, "converting bits to nats multiplies by ln 2, it does not divide")])),
    }


@_exercise("ch1-ex-one-hot", ans_one_hot_ce="H(P, Q) in nats for Q = (0.7, 0.2, 0.1)",
           ans_one_hot_ce_moved="H(P, Q') in nats for Q' = (0.8, 0.2, 0)")
def _ch1_one_hot(ns):
    truth = np.array([0.0, 1.0, 0.0])
    q, q_moved = np.array([0.7, 0.2, 0.1]), np.array([0.8, 0.2, 0.0])
    common = [
        (-math.log(0.7), "this is -ln of the largest probability (cat); the photo shows a dog"),
        (-np.log(q).sum(), "only the true class's term survives: the one-hot P is 0 elsewhere"),
        (cross_entropy(truth, q, base=2), "this is in bits; the question asks for nats"),
    ]
    return {
        "ans_one_hot_ce": ("the one-hot cross-entropy, to 1e-6", _number(cross_entropy(truth, q), hints=common)),
        "ans_one_hot_ce_moved": ("the cross-entropy after moving bird's probability to cat, to 1e-6",
                                 _number(cross_entropy(truth, q_moved), hints=[
                                     (-math.log(0.8), "this is -ln of cat's probability; the photo shows a dog")]
                                         + common[2:])),
    }


@_exercise("ch1-ex-max-entropy", ans_max_entropy_P="random distributions, shape (m, 7) with m >= 100",
           ans_max_entropy_H="their entropies in nats, shape (m,)")
def _ch1_max_entropy(ns):
    def test_p(value):
        arr = np.asarray(value, dtype=float) if not isinstance(value, str) else None
        if arr is None or arr.ndim != 2 or arr.shape[1] != 7 or arr.shape[0] < 100:
            raise _Wrong(f"should have shape (m, 7) with at least 100 rows, not {np.shape(value)}")
        if np.any(arr < 0) or not np.allclose(arr.sum(axis=1), 1.0, atol=1e-9):
            raise _Wrong("its rows are not probability distributions (non-negative, summing to 1)")
        if np.unique(arr.round(12), axis=0).shape[0] < arr.shape[0] // 2:
            raise _Wrong("most rows are the same: draw random distributions (e.g. Dirichlet)")

    def test_h(value):
        if not _attempted(ns, "ans_max_entropy_P"):
            raise _Wrong("store the distributions in ans_max_entropy_P too, so that their entropies can be checked")
        P = np.asarray(ns["ans_max_entropy_P"], dtype=float)
        if P.ndim != 2 or P.shape[1] != 7:
            raise _Wrong("cannot be checked until ans_max_entropy_P has shape (m, 7)")
        _array(entropy(P), rtol=1e-9, atol=1e-12, hints=[
            (np.full(P.shape[0], math.log(7)), "these are all log 7: that is H(P, U), not H(P)"),
            (entropy(P, base=2), "these are in bits; the question asks for nats")])(value)
        if np.any(np.asarray(value) > math.log(7) + 1e-12):
            raise _Wrong("some entropies exceed log 7, which the exercise proves impossible")

    return {
        "ans_max_entropy_P": ("rows are random distributions on 7 outcomes", _custom(test_p)),
        "ans_max_entropy_H": ("the entropies of those rows, all at most log 7", _custom(test_h)),
    }


@_exercise("ch1-ex-smoothing", ans_smoothing_kl="KL in bits per letter for a = 0.01, 0.1, 1, 10, 100 (5 values)",
           ans_smoothing_best_a="the a of the list that wastes the fewest bits")
def _ch1_smoothing(ns):
    P_descr = np.asarray(_data(ns, "P_descr"), dtype=float)
    zen_counts = np.asarray(_data(ns, "zen_counts"), dtype=float)
    grid = [0.01, 0.1, 1.0, 10.0, 100.0]
    smoothed = [(zen_counts + a) / (zen_counts.sum() + a * zen_counts.size) for a in grid]
    kl = np.array([kl_divergence(P_descr, Q, base=2) for Q in smoothed])
    return {
        "ans_smoothing_kl": ("KL(descriptions || smoothed Zen) in bits for each a, to 1e-6", _array(kl, hints=[
            (kl * LN2, "these are in nats; the question asks for bits per letter"),
            (np.array([kl_divergence(Q, P_descr, base=2) for Q in smoothed]),
             "this is KL(smoothed Zen || descriptions): the descriptions are the truth P, first"),
        ])),
        "ans_smoothing_best_a": ("the pseudo-count with the least waste", _number(grid[int(np.argmin(kl))], hints=[
            (grid[int(np.argmax(kl))], "this a wastes the most bits, not the fewest")])),
    }


@_exercise("ch1-ex-direction", ans_direction_kl_pq="D_KL(P || Q) in nats", ans_direction_kl_qp="D_KL(Q || P) in nats")
def _ch1_direction(ns):
    P, Q = [0.9, 0.1], [0.5, 0.5]
    pq, qp = kl_divergence(P, Q), kl_divergence(Q, P)
    return {
        "ans_direction_kl_pq": ("D_KL(P || Q), to 1e-6", _number(pq, hints=[
            (qp, "this is the other direction, D_KL(Q || P)"),
            (pq / LN2, "this is in bits; the question asks for nats")])),
        "ans_direction_kl_qp": ("D_KL(Q || P), to 1e-6", _number(qp, hints=[
            (pq, "this is the other direction, D_KL(P || Q)"),
            (qp / LN2, "this is in bits; the question asks for nats")])),
    }


def _samples_cases():
    rng = _rng(1)
    cases = []
    for n in (7, 60, 600):
        y = rng.integers(0, 3, size=n)
        cases.append((f"{n} random examples of 3 classes", (y, rng.uniform(0.05, 0.95, size=n))))
    return cases


@_exercise("ch1-ex-bug-samples",
           ans_samples_cross_entropy="a function (y, q_true_class) -> the fixed loss, a number")
def _ch1_bug_samples(ns):
    cases = _samples_cases()

    def relabelling(fn):
        y, q = cases[1][1]
        a = _call(fn, (y, q), "60 random examples")
        b = _call(fn, (np.array([2, 0, 1])[y], q), "the same examples with the classes renumbered")
        if not _close(a, b, 1e-12, 0.0):
            raise _Wrong("its value changes when the classes are numbered differently")

    def growth(fn):
        y, q = cases[1][1]
        a = _call(fn, (y, q), "60 random examples")
        b = _call(fn, (np.tile(y, 2), np.tile(q, 2)), "the same 60 examples twice")
        if not _close(a, b, 1e-12, 0.0):
            raise _Wrong("its value changes when every example is repeated twice: it grows with n")

    return {
        "ans_samples_cross_entropy": (
            "tried on 3 generated data sets: independent of the class numbering and of n, and equal to "
            "xentlib.categorical_cross_entropy",
            _function(cases, lambda y, q: -np.mean(np.log(q)), properties=[relabelling, growth])),
    }


@_exercise("ch1-ex-perplexity", ans_perplexity="a function (p, q) -> the perplexity e^H(P, Q), a number",
           ans_perplexity_zen="the perplexity of the smoothed Zen model Q_zen on P_descr")
def _ch1_perplexity(ns):
    rng = _rng(2)
    cases = []
    for C in (2, 5, 26):
        p = rng.dirichlet(np.ones(C))
        cases.append((f"random P and Q on {C} outcomes", (p, rng.dirichlet(np.ones(C)))))
        cases.append((f"the uniform Q on {C} outcomes", (p, np.full(C, 1 / C))))
    tests = {"ans_perplexity": ("tried on 6 generated (P, Q): equal to e^H(P, Q)",
                                _function(cases, lambda p, q: np.exp(cross_entropy(p, q)), rtol=1e-9))}
    if _attempted(ns, "ans_perplexity_zen"):
        P, Q = np.asarray(_data(ns, "P_descr")), np.asarray(_data(ns, "Q_zen"))
        ref = math.exp(cross_entropy(P, Q))
        tests["ans_perplexity_zen"] = ("the smoothed Zen model's perplexity, to 1e-6", _number(ref, hints=[
            (math.exp(entropy(P)), "this is e^H(P), the lowest possible perplexity, not the Zen model's"),
            (math.log(ref), "this is the cross-entropy itself; the perplexity is its exponential"),
            (math.exp(cross_entropy(P, Q, base=2)), "e^(bits) mixes units: use e^H in nats or 2^H in bits")]))
    return tests


# --------------------------------------------------------------------------------------
# Chapter 2


@_exercise("ch2-ex-slope", ans_sigmoid_slope="a function z -> sigma'(z), elementwise")
def _ch2_slope(ns):
    cases = [("a grid of 121 logits from -6 to 6", (np.linspace(-6, 6, 121),)),
             ("the logits (-30, 0, 30)", (np.array([-30.0, 0.0, 30.0]),))]

    def peak(fn):
        grid = np.linspace(-6, 6, 121)
        values = np.asarray(_call(fn, (grid,), "a grid of logits"), dtype=float)
        if values.shape == grid.shape and np.all(np.isfinite(values)) and not np.isclose(values.max(), 0.25):
            raise _Wrong("its largest value on [-6, 6] is not the slope of the logistic function at its steepest")

    return {"ans_sigmoid_slope": ("tried on 124 logits: equal to the derivative of xentlib.sigmoid",
                                  _function(cases, lambda z: sigmoid(z) * (1 - sigmoid(z)), rtol=1e-9, atol=1e-300,
                                            properties=[peak]))}


@_exercise("ch2-ex-soft", ans_soft_argmin="the q at which the loss for y = 0.3 is smallest",
           ans_soft_min_loss="the loss there, in nats")
def _ch2_soft(ns):
    floor = entropy([0.3, 0.7])
    return {
        "ans_soft_argmin": ("the minimizer, to 0.002", _number(0.3, rtol=0, atol=2e-3, hints=[
            (0.7, "this is 1 - y: the loss pulls q towards y itself"),
            (0.0, "q = 0 is the minimizer only for y = 0")])),
        "ans_soft_min_loss": ("the smallest loss, to 1e-3", _number(floor, rtol=1e-3, hints=[
            (0.0, "a soft target's loss never reaches 0: what is left at the minimum?"),
            (floor / LN2, "this is in bits; the question asks for nats")])),
    }


@_exercise("ch2-ex-clip", ans_clip_true_loss="the true loss at z = -30 (nats)",
           ans_clip_clipped_loss="the loss with q clipped at 1e-7",
           ans_clip_true_grad="d(true loss)/dz at z = -30", ans_clip_clipped_grad="d(clipped loss)/dz at z = -30")
def _ch2_clip(ns):
    z0 = np.array([-30.0])
    true_loss = binary_cross_entropy_with_logits([1.0], z0)
    clipped = binary_cross_entropy([1.0], sigmoid(z0), eps=1e-7)
    grad = float(sigmoid(z0)[0] - 1.0)
    sign = "the sign: raising z lowers this example's loss, so the gradient is negative"
    return {
        "ans_clip_true_loss": ("the loss from the logit, to 1e-6", _number(true_loss, hints=[
            (clipped, "this is the clipped loss; the true loss is computed from the logit, without clipping")])),
        "ans_clip_clipped_loss": ("the clipped loss, to 1e-6", _number(clipped, hints=[
            (true_loss, "this is the true loss; clip q = sigma(z) at 1e-7 first")])),
        "ans_clip_true_grad": ("the gradient of the true loss, to 1e-6", _number(grad, rtol=0, atol=1e-6, hints=[
            (-grad, sign), (0.0, "the true loss still depends on z: its gradient is not 0")])),
        "ans_clip_clipped_grad": ("the gradient of the clipped loss, to 1e-6", _number(0.0, rtol=0, atol=1e-6, hints=[
            (grad, "this is the true loss's gradient: once q is clipped, does the loss still change with z?"),
            (-grad, "once q is clipped, does the loss still change with z?")])),
    }


@_exercise("ch2-ex-base-rate", ans_base_rate_entropy="H_b of the training base rate, in nats",
           ans_base_rate_test_loss="the base-rate model's mean loss on the test split")
def _ch2_base_rate(ns):
    y_train = np.asarray(_data(ns, "y_train"), dtype=float)
    y_test = np.asarray(_data(ns, "y_test"), dtype=float)
    base, test_base = y_train.mean(), y_test.mean()
    h_b = entropy([base, 1 - base])
    loss = binary_cross_entropy(y_test, np.full(y_test.size, base))
    return {
        "ans_base_rate_entropy": ("H_b of the training base rate, to 1e-6", _number(h_b, hints=[
            (entropy([test_base, 1 - test_base]), "this uses the test split's base rate; use the training one"),
            (h_b / LN2, "this is in bits; the losses are in nats")])),
        "ans_base_rate_test_loss": ("the constant model's test loss, to 1e-6", _number(loss, hints=[
            (entropy([test_base, 1 - test_base]), "this predicts the test base rate, which the model cannot know"),
            (h_b, "this is H_b of the training base rate; evaluate the constant prediction on the test labels"),
            (loss / LN2, "this is in bits; the losses are in nats")])),
    }


def _margin_cases():
    rng = _rng(3)
    t = np.where(rng.uniform(size=40) < 0.5, -1.0, 1.0)
    z = np.clip(rng.normal(0, 6, size=40), -30, 30)
    return [("40 random (t, z) with |z| up to 30", (t, z)),
            ("t = (1, -1, 1, -1), z = (30, 30, -30, -30)",
             (np.array([1.0, -1, 1, -1]), np.array([30.0, 30, -30, -30])))]


@_exercise("ch2-ex-margin", ans_margin_loss="a function (t, z) -> the loss of each example, elementwise",
           ans_margin_grad="a function (t, z) -> d loss / dz for each example")
def _ch2_margin(ns):
    cases = _margin_cases()

    def loss_ref(t, z):
        return binary_cross_entropy_with_logits((t + 1) / 2, z, reduction="none")

    def grad_ref(t, z):
        return sigmoid(z) - (t + 1) / 2

    return {
        "ans_margin_loss": ("tried on 44 (t, z): equal to xentlib's binary cross-entropy with logits",
                            _function(cases, loss_ref, rtol=1e-6, atol=1e-12)),
        "ans_margin_grad": ("tried on 44 (t, z): equal to sigma(z) - y",
                            _function(cases, grad_ref, rtol=1e-6, atol=1e-12)),
    }


@_exercise("ch2-ex-bug-nan", ans_nan_buggy_loss="the final loss the buggy code reports",
           ans_nan_test_loss="the test loss of your fixed version, in nats")
def _ch2_bug_nan(ns):
    def buggy(value):
        if isinstance(value, str) or np.ndim(value) != 0:
            raise _Wrong("should be the single number the buggy `train` returns as its loss")
        if math.isfinite(float(value)):
            raise _Wrong("is finite: run the buggy code as given, on the raw X_train and y_train")

    tests = {"ans_nan_buggy_loss": ("the buggy code's loss is not finite", _custom(buggy))}
    if _attempted(ns, "ans_nan_test_loss"):
        bce_logit = float(_data(ns, "bce_logit"))

        def fixed(value):
            x = _as_number(value)
            if x < 0:
                raise _Wrong("a cross-entropy cannot be negative")
            if x > bce_logit + 0.05:
                raise _Wrong("is well above the fitted model's test loss: are the features standardized "
                             "(training statistics) and is there an intercept column?")
            if x < bce_logit - 0.05:
                raise _Wrong("is far below the fitted model's test loss: is it computed on the test split?")

        tests["ans_nan_test_loss"] = ("finite, and within 0.05 nats of scikit-learn's fitted model", _custom(fixed))
    return tests


# --------------------------------------------------------------------------------------
# Chapter 3


def _logit_cases(k=4):
    rng = _rng(k)
    z = rng.normal(scale=3, size=(5, 4))
    big = np.array([[800.0, 0.0, 0.0], [0.0, -800.0, 1.0]])
    return [("5 random rows of 4 logits", (z,)), ("the same rows shifted by 1000", (z + 1e3,)),
            ("rows with a logit of 800 or -800", (big,)), ("a single row (1-D)", (z[0],))]


@_exercise("ch3-ex-shift", ans_stable_softmax="a function z -> softmax over the last axis, with the maximum subtracted")
def _ch3_shift(ns):
    return {"ans_stable_softmax": ("tried on 4 inputs, huge logits included: equal to xentlib.softmax",
                                   _function(_logit_cases(), lambda z: softmax(z, axis=-1), rtol=1e-9, atol=1e-300))}


@_exercise("ch3-ex-temperature", ans_temperature_entropy="the 5 entropies (nats) for T = 0.1, 0.5, 1, 2, 10")
def _ch3_temperature(ns):
    z = np.array([2.0, 1.0, 0.1])
    temps = [0.1, 0.5, 1.0, 2.0, 10.0]
    ref = np.array([entropy(softmax(z / T)) for T in temps])
    what = "the entropy of softmax(z / T) for each T, to 1e-6"
    return {"ans_temperature_entropy": (what, _array(ref, atol=1e-12, hints=[
        (np.array([entropy(softmax(z * T)) for T in temps]), "these multiply the logits by T; divide them by T"),
        (ref / LN2, "these are in bits; the question asks for nats")]))}


@_exercise("ch3-ex-floor", ans_floor_target="the smoothed target, 10 values (true class first)",
           ans_floor_loss="the smallest possible loss H(t), nats", ans_floor_q_true="the best model's q_true")
def _ch3_floor(ns):
    t = smooth_labels([0], 0.1, n_classes=10)[0]
    other = np.r_[0.9, np.full(9, 0.1 / 9)]
    spread = "spreads epsilon over the 9 other classes; the smoothing of this chapter spreads epsilon / C over all C"
    return {
        "ans_floor_target": ("the smoothed target, to 1e-9", _array(t, rtol=1e-9, hints=[
            (other, spread), (t[::-1], "put the true class first")])),
        "ans_floor_loss": ("the floor H(t), to 1e-6", _number(entropy(t), hints=[
            (entropy(other), spread), (entropy(t, base=2), "this is in bits; the question asks for nats"),
            (-math.log(t[0]), "this is -ln t_true alone; the floor H(t) sums over all 10 classes")])),
        "ans_floor_q_true": ("the best prediction's true-class probability, to 1e-6", _number(t[0], hints=[
            (1.0, "with smoothing the best model does not put all its probability on the true class"),
            (0.9, "1 - epsilon forgets the share epsilon / C that the true class also gets")])),
    }


@_exercise("ch3-ex-mistakes", ans_mistakes_worst="indices of the 5 test images with the largest loss, worst first",
           ans_mistakes_share="the fraction of the total test loss they carry")
def _ch3_mistakes(ns):
    per_image = np.asarray(_data(ns, "per_image"), dtype=float)
    order = np.argsort(per_image)[::-1][:5]
    share = per_image[order].sum() / per_image.sum()

    def worst(value):
        arr = _as_array(value, (5,))
        if not np.all(arr == np.round(arr)):
            raise _Wrong("should hold integer indices into the test set")
        if set(arr.astype(int)) != set(order):
            raise _Wrong("are not the five images with the largest per-image loss (per_image)")
        if not np.array_equal(arr.astype(int), order):
            raise _Wrong("are the right five images, but not in order from the largest loss down")

    return {
        "ans_mistakes_worst": ("the five largest per-image losses, worst first", _custom(worst)),
        "ans_mistakes_share": ("their share of the total loss, to 1e-6", _number(share, hints=[
            (100 * share, "this is a percentage; give a fraction between 0 and 1"),
            (per_image[order].mean() / per_image.mean(), "this compares means; the share compares sums"),
            (float(np.sort(per_image)[:5].sum() / per_image.sum()), "these are the five smallest losses")])),
    }


@_exercise("ch3-ex-jacobian", ans_softmax_jacobian="a function z (1-D) -> the C x C Jacobian of softmax",
           ans_smoothed_grad="a function (z, label, eps) -> gradient of H(t, softmax(z)) in z, shape (C,)")
def _ch3_jacobian(ns):
    rng = _rng(5)
    zs = [rng.normal(scale=2, size=C) for C in (2, 5, 10)]

    def jac_ref(z):
        q = softmax(z)
        return np.diag(q) - np.outer(q, q)

    def grad_ref(z, label, eps):
        return softmax(z) - smooth_labels([label], eps, n_classes=z.size)[0]

    return {
        "ans_softmax_jacobian": ("tried on 3 random logit vectors: equal to diag(q) - q q^T",
                                 _function([(f"random logits of {z.size} classes", (z,)) for z in zs], jac_ref,
                                           rtol=1e-9, atol=1e-15)),
        "ans_smoothed_grad": ("tried on 3 random (z, label, eps): equal to q - t",
                              _function([(f"random logits of {z.size} classes, eps = {e}", (z, int(k), e))
                                         for z, k, e in zip(zs, (1, 3, 0), (0.1, 0.2, 0.0), strict=True)],
                                        grad_ref, rtol=1e-9, atol=1e-15)),
    }


@_exercise("ch3-ex-bug-lse", ans_lse_cross_entropy="a function (logits, labels) -> the mean loss, fixed")
def _ch3_bug_lse(ns):
    rng = _rng(6)
    z = rng.normal(scale=3, size=(6, 4))
    cases = [("one example with small logits", (np.array([[2.0, 1.0, 0.1]]), np.array([0]))),
             ("a batch of 6 examples", (z, rng.integers(0, 4, size=6))),
             ("a logit of 800", (np.array([[800.0, 0.0, 0.0]]), np.array([0]))),
             ("a true class 800 logits behind", (np.array([[-800.0, 0.0, 0.0]]), np.array([0])))]
    return {"ans_lse_cross_entropy": ("tried on 4 inputs, huge logits included: equal to xentlib.softmax_cross_entropy",
                                      _function(cases, lambda lg, lb: softmax_cross_entropy(lb, lg), rtol=1e-9,
                                                atol=1e-300))}


@_exercise("ch3-ex-double", ans_double_bound="the lower bound log(1 + (C - 1)/e) for C = 10, nats",
           ans_double_grad_right="largest |entry| of the correct gradient on the worst test image",
           ans_double_grad_buggy="largest |entry| of the double-softmax gradient there")
def _ch3_double(ns):
    bound = math.log(1 + 9 / math.e)
    tests = {"ans_double_bound": ("the bound, to 1e-6", _number(bound, hints=[
        (bound / LN2, "this is in bits; the question asks for nats"),
        (math.log(1 + 10 / math.e), "C - 1 = 9 other classes, not 10")]))}
    if _attempted(ns, "ans_double_grad_right") or _attempted(ns, "ans_double_grad_buggy"):
        per_image, logits = np.asarray(_data(ns, "per_image")), np.asarray(_data(ns, "logits"), dtype=float)
        y_test = np.asarray(_data(ns, "y_test"))
        i = int(np.argmax(per_image))
        y_i = np.eye(logits.shape[1])[y_test[i]]
        right = np.abs(softmax(logits[i]) - y_i).max()
        u = softmax(logits[i])
        outer = softmax(u) - y_i
        buggy = np.abs(u * (outer - u @ outer)).max()
        tests["ans_double_grad_right"] = ("the correct gradient's largest entry, to 1e-6", _number(right, hints=[
            (buggy, "this is the double-softmax gradient's")]))
        tests["ans_double_grad_buggy"] = ("the double-softmax gradient's largest entry, to 1e-6", _number(buggy, hints=[
            (right, "this is the correct gradient's: the buggy one passes through a second softmax"),
            (np.abs(softmax(u) - y_i).max(), "this forgets the Jacobian of the first softmax (the chain rule)")]))
    return tests


@_exercise("ch3-ex-entropy", ans_confident_entropy="mean prediction entropy (nats) for each T of the list, 6 values",
           ans_confident_ce="test cross-entropy (nats) for each T, 6 values")
def _ch3_entropy(ns):
    logits = np.asarray(_data(ns, "logits"), dtype=float)
    y_test = np.asarray(_data(ns, "y_test"))
    temps = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0]
    ent = np.array([entropy(softmax(logits / T)).mean() for T in temps])
    ce = np.array([softmax_cross_entropy(y_test, logits / T) for T in temps])
    return {
        "ans_confident_entropy": ("the mean entropy for each T, to 1e-6", _array(ent, atol=1e-12, hints=[
            (ent * logits.shape[0], "these are sums over the images; the question asks for means"),
            (ent / LN2, "these are in bits; the question asks for nats"),
            (ce, "these are the cross-entropies against the labels, not the entropies of the predictions")])),
        "ans_confident_ce": ("the test cross-entropy for each T, to 1e-6", _array(ce, hints=[
            (ent, "these are the entropies of the predictions; the cross-entropy uses the labels"),
            (np.array([softmax_cross_entropy(y_test, logits * T) for T in temps]),
             "these multiply the logits by T; divide them by T")])),
    }


# --------------------------------------------------------------------------------------
# Chapter 5


@_exercise("ch5-ex-die", ans_die_rolls="your simulated rolls, integers 0..5",
           ans_die_probs="softmax of the logits that minimize the cross-entropy, 6 values")
def _ch5_die(ns):
    def rolls(value):
        arr = np.asarray(value)
        if isinstance(value, str) or arr.ndim != 1 or arr.size < 30:
            raise _Wrong("should be a 1-D array of at least 30 rolls")
        if not np.all((arr == np.round(arr)) & (arr >= 0) & (arr <= 5)):
            raise _Wrong("should hold the faces as the integers 0 to 5")

    def probs(value):
        arr = _as_array(value, (6,))
        if not _attempted(ns, "ans_die_rolls"):
            raise _Wrong("store the rolls in ans_die_rolls too, so that the fit can be checked against them")
        faces = np.asarray(ns["ans_die_rolls"]).astype(int)
        freq = np.bincount(faces, minlength=6)[:6] / faces.size
        if np.any(arr < 0) or not np.isclose(arr.sum(), 1.0, atol=1e-6):
            raise _Wrong("is not a probability distribution: take the softmax of the optimal logits")
        if not _close(arr, freq, 0.0, 1e-5):
            raise _Wrong("does not match your rolls' frequencies to 1e-5: did the optimizer converge?")

    return {"ans_die_rolls": ("1-D integer rolls of a six-sided die", _custom(rolls)),
            "ans_die_probs": ("the fitted distribution, to 1e-5 of your rolls' frequencies", _custom(probs))}


@_exercise("ch5-ex-mse-peak", ans_mse_peak_z="the logit where |MSE gradient| is largest",
           ans_mse_peak_value="that largest magnitude", ans_mse_peak_ce_grad="cross-entropy's gradient at that logit")
def _ch5_mse_peak(ns):
    z_star = -math.log(2.0)
    return {
        "ans_mse_peak_z": ("the logit, to 1e-3", _number(z_star, rtol=0, atol=1e-3, hints=[
            (-z_star, "the sign: for a positive example the peak is at a negative logit")])),
        "ans_mse_peak_value": ("the magnitude, to 1e-4", _number(4 / 27, rtol=0, atol=1e-4, hints=[
            (-4 / 27, "give the magnitude, a positive number"),
            (4 / 27 / 400, "this is divided by n: use the gradient of one example")])),
        "ans_mse_peak_ce_grad": ("cross-entropy's gradient there, to 1e-3", _number(sigmoid(z_star) - 1, rtol=0,
                                                                                     atol=1e-3, hints=[
            (1 - sigmoid(z_star), "the sign: sigma(z) - y is negative for a positive example")])),
    }


@_exercise("ch5-ex-proper", ans_proper_scores="3 x 3 array: rows q = 0.51, 0.7, 0.99; columns CE, Brier, error rate",
           ans_proper_error_rate_is="'proper', 'strictly proper' or 'neither'")
def _ch5_proper(ns):
    qs, p = np.array([0.51, 0.7, 0.99]), 0.7
    ce = np.array([cross_entropy([p, 1 - p], [q, 1 - q]) for q in qs])
    brier = p * (1 - qs) ** 2 + (1 - p) * qs**2
    error = np.where(qs > 0.5, 1 - p, p)
    ref = np.column_stack([ce, brier, error])
    return {
        "ans_proper_scores": ("expected cross-entropy, Brier score and error rate, to 1e-6", _array(ref, hints=[
            (np.column_stack([ce, 2 * brier, error]),
             "the Brier column is the two-class sum, twice the binary score p(1 - q)^2 + (1 - p) q^2"),
            (np.column_stack([ce / LN2, brier, error]), "the cross-entropy column is in bits; use nats"),
            (np.column_stack([ce, brier, 1 - error]), "the last column is the accuracy, not the error rate")])),
        "ans_proper_error_rate_is": ("the kind of scoring rule", _hashed(
            "84ac874b232a019e0991ddae50eb55777fb836f98d0fe8efda772e592b2a92d9",
            choices=("proper", "strictly proper", "neither"))),
    }


@_exercise("ch5-ex-brier", ans_abs_error_best_q="a function p -> the q in [0, 1] minimizing the expected abs. error",
           ans_abs_error_penalty="expected absolute error at q = p minus at q = 1, for p = 0.8")
def _ch5_brier(ns):
    ps = [0.05, 0.3, 0.49, 0.51, 0.8, 0.95]
    cases = [(f"p = {p}", (p,)) for p in ps]

    def honest(fn):
        if _close(_call(fn, (0.8,), "p = 0.8"), 0.8, 1e-9, 0.0):
            raise _Wrong("returns the honest q = p: is the expected absolute error minimized there? "
                         "It is linear in q")

    return {
        "ans_abs_error_best_q": ("tried on 6 values of p: the minimizer of p(1 - q) + (1 - p) q on [0, 1]",
                                 _function(cases, lambda p: 1.0 if p > 0.5 else 0.0, properties=[honest])),
        "ans_abs_error_penalty": ("the honest report's extra expected absolute error, to 1e-6",
                                  _number((2 * 0.8 - 1) * (1 - 0.8), hints=[
                                      (-(2 * 0.8 - 1) * (1 - 0.8), "the sign: the error at q = p minus that at q = 1")
                                  ])),
    }


@_exercise("ch5-ex-bug", ans_calib_T="the temperature, fitted the right way",
           ans_calib_ece="the ECE on the test set of the temperature-scaled probabilities")
def _ch5_bug(ns):
    digits_split = _data(ns, "digits_split")
    X_tr, y_tr, X_va, y_va, X_te, y_te = digits_split(0)
    model = LogisticRegression(alpha=1e-4).fit(X_tr, y_tr)
    z_va, z_te = model.decision_function(X_va), model.decision_function(X_te)
    T = fit_temperature(y_va, z_va)
    T_test = fit_temperature(y_te, z_te)
    ece = expected_calibration_error(y_te, sigmoid(z_te / T))
    test_set = "this temperature was fitted on the test set: fit it on the validation split"
    return {
        "ans_calib_T": ("the temperature fitted on validation data, to 1e-6", _number(T, hints=[(T_test, test_set)])),
        "ans_calib_ece": ("the test ECE of sigma(z / T), to 1e-6", _number(ece, hints=[
            (np.mean(model.predict(X_te) != y_te), "this is the error rate: the ECE needs probabilities, not labels"),
            (expected_calibration_error(y_te, sigmoid(z_te)), "these probabilities do not use the temperature"),
            (expected_calibration_error(y_te, sigmoid(z_te / T_test)),
             "this uses the temperature fitted on the test set: fit it on the validation split")])),
    }


@_exercise("ch5-ex-design", ans_design_test_error="2 x 2 array: rows CE, MSE; columns shared eta = 0.5, own eta; "
                                                  "test error after 10 steps")
def _ch5_design(ns):
    split, scaler_cls = _data(ns, "train_test_split"), _data(ns, "StandardScaler")
    X_bc, y_bc = _data(ns, "X_bc"), _data(ns, "y_bc")
    descend, losses, etas, with_bias = (_data(ns, k) for k in ("descend", "losses", "etas", "with_bias"))
    X_tr, X_te, y_tr, y_te = split(X_bc, y_bc, test_size=0.25, stratify=y_bc, random_state=0)
    X_tr, X_va, y_tr, y_va = split(X_tr, y_tr, test_size=1 / 3, stratify=y_tr, random_state=0)
    scaler = scaler_cls().fit(X_tr)
    X_tr, X_va, X_te = (scaler.transform(A) for A in (X_tr, X_va, X_te))
    data = (with_bias(X_tr), y_tr, with_bias(X_va), y_va, with_bias(X_te), y_te)
    good = LogisticRegression().fit(X_tr, y_tr)
    start = -np.r_[good.coef_[0], good.intercept_]
    shared = int(np.flatnonzero(np.asarray(etas) == 0.5)[0])
    ref, test_best = [], []
    for name in ("cross-entropy", "MSE"):
        val_err, test_err = descend(losses[name], start, data)
        ref.append([test_err[9, shared], test_err[9, int(np.argmin(val_err.mean(axis=0)))]])
        test_best.append([test_err[9, shared], test_err[9].min()])
    return {"ans_design_test_error": ("test errors after 10 steps, both step-size choices, to 1e-9", _array(
        ref, rtol=0, atol=1e-9, hints=[
            (np.array(ref)[:, ::-1], "the columns are swapped: the shared step 0.5 first, then each loss's own"),
            (np.array(ref)[::-1], "the rows are swapped: cross-entropy first, then MSE"),
            (np.array(test_best), "the own step is chosen by the test error: choose it on the validation split")]))}


# --------------------------------------------------------------------------------------
# Chapter 4


@_exercise("ch4-ex-softmax-floor", ans_softmax_floor_loss="the smallest softmax loss (nats) for m = 1, 2, 3, 4",
           ans_softmax_floor_prob="the probability of each true label then, for m = 1, 2, 3, 4")
def _ch4_softmax_floor(ns):
    m = np.arange(1, 5)
    return {
        "ans_softmax_floor_loss": ("the floor for each m, to 1e-6", _array(np.log(m), atol=1e-9, hints=[
            (np.zeros(4), "0 is the floor of one sigmoid per label; a softmax must share its probability"),
            (np.log2(m), "these are in bits; the question asks for nats")])),
        "ans_softmax_floor_prob": ("the probability per true label, to 1e-6", _array(1 / m, hints=[
            (np.ones(4), "a softmax's probabilities sum to 1 over all labels")])),
    }


@_exercise("ch4-ex-grad", ans_multilabel_grad="a function (Y, Z) -> gradient of the mean loss, shape (n, K)")
def _ch4_grad(ns):
    rng = _rng(7)
    cases = []
    for n, K in ((4, 5), (1, 3), (10, 2)):
        Y = (rng.uniform(size=(n, K)) < 0.4).astype(float)
        cases.append((f"random (Y, Z) with n = {n}, K = {K}", (Y, rng.normal(scale=3, size=(n, K)))))
    return {"ans_multilabel_grad": ("tried on 3 random (Y, Z): equal to xentlib.multilabel_cross_entropy_grad",
                                    _function(cases, lambda Y, Z: multilabel_cross_entropy_grad(Y, Z), rtol=1e-9,
                                              atol=1e-15))}


@_exercise("ch4-ex-metric", ans_metric_empty="subset accuracy, Hamming loss and micro F1 of the empty prediction")
def _ch4_metric(ns):
    Y_test = np.asarray(_data(ns, "Y_test"))
    subset = float(np.mean(Y_test.sum(axis=1) == 0))
    ref = np.array([subset, Y_test.mean(), 0.0])
    return {"ans_metric_empty": ("the three metrics of predicting no label, to 1e-9", _array(ref, rtol=1e-9, atol=1e-12,
                                                                                          hints=[
        (np.array([subset, 1 - Y_test.mean(), 0.0]), "the Hamming loss counts wrong labels, not right ones"),
        (np.array([1 - subset, Y_test.mean(), 0.0]), "the subset accuracy counts images whose whole set is right")]))}


@_exercise("ch4-ex-independence", ans_independence_q="the optimal (q_1, q_2) of binary relevance",
           ans_independence_br_loss="binary relevance's smallest mean loss (nats)",
           ans_independence_lp_loss="label powerset's smallest mean loss (nats)")
def _ch4_independence(ns):
    return {
        "ans_independence_q": ("the optimal marginals, to 1e-4", _array([0.5, 0.5], rtol=0, atol=1e-4)),
        "ans_independence_br_loss": ("the binary-relevance minimum, to 1e-6", _number(2 * LN2, hints=[
            (LN2, "this is the label powerset's minimum; binary relevance pays once per label"),
            (2.0, "this is in bits; the question asks for nats")])),
        "ans_independence_lp_loss": ("the label-powerset minimum, to 1e-6", _number(LN2, hints=[
            (2 * LN2, "this is binary relevance's minimum; a softmax over the two sets pays log 2 once"),
            (1.0, "this is in bits; the question asks for nats")])),
    }


@_exercise("ch4-ex-bug-pipeline", ans_pipeline_Y_pred="the fixed model's 0/1 predictions on the test split (n_test, 5)")
def _ch4_bug_pipeline(ns):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, Y = np.asarray(_data(ns, "X"), dtype=float), np.asarray(_data(ns, "Y"))
    X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    ref = MultiLabelLogisticRegression(alpha=1 / len(X_tr)).fit(scaler.transform(X_tr), Y_tr)
    ref_hamming = np.mean(ref.predict(scaler.transform(X_te)) != Y_te)

    def test(value):
        pred = _as_array(value, Y_te.shape)
        if not np.all((pred == 0) | (pred == 1)):
            raise _Wrong("should hold 0s and 1s, one column per label")
        if pred.sum(axis=1).max() <= 1:
            raise _Wrong("never predicts more than one label per image: use one sigmoid per label")
        if np.mean(pred != Y_te) > ref_hamming + 0.02:
            raise _Wrong("its Hamming loss on the test split (train_test_split(X, Y, random_state=0)) is well above "
                         "that of one penalized sigmoid per label")

    return {"ans_pipeline_Y_pred": ("several labels per image, and a Hamming loss as low as the fixed model's",
                                    _custom(test))}


@_exercise("ch4-ex-design", ans_design_six_right="fraction of test 6s whose whole set is right: BR, LP, chain")
def _ch4_design(ns):
    Y_test, six = np.asarray(_data(ns, "Y_test")), np.asarray(_data(ns, "six"))
    n_six = int((Y_test == six).all(axis=1).sum())

    def test(value):
        arr = _as_array(value, (3,))
        if np.any(arr < 0) or np.any(arr > 1):
            raise _Wrong("should hold fractions between 0 and 1")
        if not np.allclose(arr * n_six, np.round(arr * n_six), atol=1e-9):
            raise _Wrong("are not fractions of the test 6s (whole images of the test split)")
        if arr[1] != 0:
            raise _Wrong("label powerset gets some 6s right, but it never saw their label set: is the set "
                         "of the 6s really left out of its training data?")

    return {"ans_design_six_right": ("fractions of the test 6s; label powerset's is 0 by construction",
                                     _custom(test))}


# --------------------------------------------------------------------------------------
# The numerics page


@_exercise("num-ex-softplus", ans_softplus="a function z -> -log sigma(z), elementwise, stable for every z")
def _num_softplus(ns):
    grid = np.concatenate([-np.logspace(-3, 3, 25), np.logspace(-3, 3, 25)])
    cases = [("z = -800, 40 and 0", (np.array([-800.0, 40.0, 0.0]),)),
             ("50 logits with |z| from 1e-3 to 1e3", (grid,))]
    return {"ans_softplus": ("tried on 53 logits, z = -800 and z = 40 included: equal to -xentlib.log_sigmoid "
                             "to 1e-12", _function(cases, lambda z: -log_sigmoid(z), rtol=1e-12, atol=0.0))}


@_exercise("num-ex-twosum", ans_two_sum="a function (a, b) -> (s, e) with s = fl(a + b) and a + b = s + e exactly")
def _num_twosum(ns):
    from fractions import Fraction

    rng = _rng(8)
    pairs = [(float(a), float(b))
             for a, b in zip(rng.uniform(-60, 60, 200), -rng.uniform(-60, 60, 200), strict=True)]
    pairs += [(1.0, 1e-17), (1e16, 1.0), (0.1, 0.2)]

    def test(fn):
        if not callable(fn):
            raise _Wrong(f"should be a function, not {type(fn).__name__}")
        for a, b in pairs:
            out = _call(fn, (a, b), f"a = {a!r}, b = {b!r}")
            try:
                s, e = (float(v) for v in out)
            except (TypeError, ValueError):
                raise _Wrong("should return the pair (s, e)") from None
            if s != a + b:
                raise _Wrong(f"its s is not the rounded sum fl(a + b) for a = {a!r}, b = {b!r}")
            if Fraction(a) + Fraction(b) != Fraction(s) + Fraction(e):
                raise _Wrong(f"its e is not the exact rounding error for a = {a!r}, b = {b!r}")

    return {"ans_two_sum": ("exact on 203 pairs, checked in rational arithmetic", _custom(test))}


@_exercise("num-ex-from-logits", ans_from_logits_loss="2 x 3: the loss reported for y = 1 (row 0) and y = 0 (row 1), "
                                                      "logits -3, 0.5, 4",
           ans_from_logits_learning="a function z -> True where the logit gets a nonzero gradient")
def _num_from_logits(ns):
    z = np.array([-3.0, 0.5, 4.0])
    q = np.clip(z, 1e-7, 1 - 1e-7)
    ref = np.array([-np.log(q), -np.log1p(-q)])
    true = np.array([binary_cross_entropy_with_logits(np.full(3, y), z, reduction="none") for y in (1.0, 0.0)])
    grid = np.linspace(-3, 3, 601)
    return {
        "ans_from_logits_loss": ("the losses of the logits read as clipped probabilities, to 1e-6", _array(ref, hints=[
            (true, "these are the true losses from the logits; the bug reads the logits as probabilities"),
            (ref[::-1], "the rows are swapped: y = 1 first")])),
        "ans_from_logits_learning": ("tried on 606 logits: True exactly inside (1e-7, 1 - 1e-7)",
                                     _function([("601 logits from -3 to 3", (grid,)),
                                                ("the logits 0, 5e-8, 0.5, 1 - 5e-8, 1",
                                                 (np.array([0.0, 5e-8, 0.5, 1 - 5e-8, 1.0]),))],
                                               lambda v: ((v > 1e-7) & (v < 1 - 1e-7)).astype(float))),
    }


@_exercise("num-ex-double-sigmoid", ans_double_sigmoid_max_prob="the largest probability the loss believes in")
def _num_double_sigmoid(ns):
    return {"ans_double_sigmoid_max_prob": ("the largest probability, to 1e-6", _number(float(sigmoid(1.0)), hints=[
        (1.0, "the loss sees sigma(q) with q in [0, 1], not q itself"),
        (0.5, "this is the smallest; which q gives the largest sigma(q)?")]))}


@_exercise("num-ex-bce-clamp", ans_clamp_z="the logit from which the reported loss stops growing",
           ans_clamp_reported="the loss reported at z = -200", ans_clamp_true="the true loss at z = -200")
def _num_bce_clamp(ns):
    true = float(binary_cross_entropy_with_logits([1.0], [-200.0]))
    return {
        "ans_clamp_z": ("the logit, to 0.25", _number(-100.0, rtol=0, atol=0.25, hints=[
            (100.0, "the sign: a positive example's loss grows as its logit falls")])),
        "ans_clamp_reported": ("the clamped loss, to 1e-6", _number(100.0, hints=[
            (true, "this is the true loss; BCELoss clamps each logarithm at -100")])),
        "ans_clamp_true": ("the true loss, to 1e-6", _number(true, hints=[
            (100.0, "this is the clamped loss; compute the true one from the logit")])),
    }


@_exercise("num-ex-timing", ans_timing_level="list of 'size dtype' strings: softmax CE gradient, PyTorch's median "
                                             "ratio within 0.9-1.1")
def _num_timing(ns):
    speed = _data(ns, "speed")
    rows = [r for r in speed if r["case"] == "softmax CE gradient" and "PyTorch" in r["ratio"]]
    ref = {f"{r['size']} {r['dtype']}" for r in rows if 0.9 <= r["ratio"]["PyTorch"] <= 1.1}

    def test(value):
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise _Wrong("should be a list of strings like the table's 'size dtype'")
        got = {" ".join(v.split()) for v in value}
        if got - {f"{r['size']} {r['dtype']}" for r in rows}:
            raise _Wrong("holds entries that are not 'size dtype' rows of the gradient table")
        if got != ref:
            raise _Wrong("is not the set of rows whose PyTorch ratio lies within 0.9-1.1")

    return {"ans_timing_level": ("the rows of the gradient table within 0.9-1.1", _custom(test))}


# --------------------------------------------------------------------------------------
# Chapter 6


@_exercise("ch6-ex-weighted", ans_weighted_grad="a function (y, z, omega_1) -> d loss / dz for each example")
def _ch6_weighted(ns):
    rng = _rng(10)
    z = np.linspace(-5, 5, 11)
    y = (np.arange(11) % 2).astype(float)
    cases = [("11 logits from -5 to 5, omega_1 = 3", (y, z, 3.0)),
             ("30 random (y, z), omega_1 = 0.5", ((rng.uniform(size=30) < 0.5).astype(float),
                                                  rng.normal(scale=4, size=30), 0.5))]

    def ref(y, z, w):
        return binary_cross_entropy_with_logits_grad(y, z, pos_weight=w, reduction="sum")

    return {"ans_weighted_grad": ("tried on 41 (y, z): equal to xentlib's gradient with pos_weight",
                                  _function(cases, ref, rtol=1e-9, atol=1e-15))}


@_exercise("ch6-ex-newton-coin", ans_newton_errors="|z_k - logit(0.7)| after each of the 5 Newton steps")
def _ch6_newton(ns):
    target, zk, errors, gd = math.log(0.7 / 0.3), 0.0, [], []
    for _ in range(5):
        s = float(sigmoid(zk))
        zk -= (s - 0.7) / (s * (1 - s))
        errors.append(abs(zk - target))
    zg = 0.0
    for _ in range(5):
        zg -= float(sigmoid(zg)) - 0.7
        gd.append(abs(zg - target))
    return {"ans_newton_errors": ("the five errors, to 1e-3 relative (1e-12 absolute)", _array(errors, rtol=1e-3,
                                                                                             atol=1e-12, hints=[
        (np.array(gd), "these fall linearly: gradient steps, not Newton steps z - J'(z) / J''(z)")]))}


@_exercise("ch6-ex-batch", ans_batch_steps="number of gradient steps in 30 epochs for batch 1, 8, 64, n",
           ans_batch_gaps="objective gap after 30 epochs for each batch size")
def _ch6_batch(ns):
    X_train, y_train = _data(ns, "X_train"), _data(ns, "y_train")
    lam, n = _data(ns, "lam"), int(_data(ns, "n"))
    batches = [1, 8, 64, n]
    steps = np.array([30 * math.ceil(n / b) for b in batches], dtype=float)
    tests = {"ans_batch_steps": ("the step counts", _array(steps, rtol=0, atol=0.5, hints=[
        (np.array([30 * (n // b) for b in batches], dtype=float), "an epoch's last, smaller batch is a step too"),
        (np.array([math.ceil(n / b) for b in batches], dtype=float), "these are one epoch's steps; there are 30")]))}
    if _attempted(ns, "ans_batch_gaps"):
        best = LogisticRegression(alpha=lam, tol=1e-12).fit(X_train, y_train).loss_curve_[-1]
        gaps = []
        for b in batches:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = LogisticRegression(alpha=lam, solver="sgd", batch_size=b, max_iter=30, tol=0.0,
                                       random_state=0).fit(X_train, y_train)
            gaps.append(m.loss_curve_[-1] - best)
        tests["ans_batch_gaps"] = ("the four objective gaps, to 1e-6 relative", _array(gaps, atol=1e-15))
    return tests


@_exercise("ch6-ex-softmax-hessian", ans_softmax_hessian="a function z (1-D) -> the C x C Hessian of the loss in z")
def _ch6_hessian(ns):
    rng = _rng(11)
    zs = [rng.normal(scale=2, size=C) for C in (2, 5, 8)]

    def ref(z):
        q = softmax(z)
        return np.diag(q) - np.outer(q, q)

    return {"ans_softmax_hessian": ("tried on 3 random logit vectors: equal to diag(q) - q q^T",
                                    _function([(f"random logits of {z.size} classes", (z,)) for z in zs], ref,
                                              rtol=1e-9, atol=1e-15))}


@_exercise("ch6-ex-bug", ans_bug_L_sum="the smoothness constant L of the summed loss (with the intercept column)",
           ans_bug_fixed_trace="the mean loss before and after each of the 300 fixed steps (301 values)")
def _ch6_bug(ns):
    X_train, y_train = np.asarray(_data(ns, "X_train"), dtype=float), np.asarray(_data(ns, "y_train"), dtype=float)
    n = len(y_train)
    X_ex = np.hstack([X_train, np.ones((n, 1))])
    L_sum = np.linalg.eigvalsh(X_ex.T @ X_ex).max() / 4
    w, trace = np.zeros(X_ex.shape[1]), []
    for _ in range(300):
        trace.append(binary_cross_entropy_with_logits(y_train, X_ex @ w))
        w = w - 0.1 / n * X_ex.T @ (sigmoid(X_ex @ w) - y_train)
    trace.append(binary_cross_entropy_with_logits(y_train, X_ex @ w))
    return {
        "ans_bug_L_sum": ("L of the summed loss, to 1e-6", _number(L_sum, hints=[
            (L_sum / n, "this is L of the mean loss; the buggy gradient is that of the sum"),
            (np.linalg.eigvalsh(X_train.T @ X_train).max() / 4, "include the intercept column of ones")])),
        "ans_bug_fixed_trace": ("the fixed run's 301 losses, to 1e-6", _array(trace)),
    }


@_exercise("ch6-ex-design", ans_design_diffs="log10(Adam's gap) - log10(GD's gap) after 100 steps, tuned, splits 0-2")
def _ch6_design(ns):
    X_raw, y_bc, lam, n = _data(ns, "X_raw"), _data(ns, "y_bc"), _data(ns, "lam"), int(_data(ns, "n"))
    split, gd_gaps, adam_gaps = _data(ns, "train_test_split"), _data(ns, "gd_gaps"), _data(ns, "adam_gaps")
    diffs = []
    for seed in range(3):
        Xs_tr, _, ys_tr, _ = split(X_raw, y_bc, test_size=0.3, stratify=y_bc, random_state=seed)
        Xb = np.hstack([Xs_tr, np.ones((n, 1))])
        L_raw = np.linalg.eigvalsh(Xb.T @ Xb).max() / (4 * n) + lam
        minimum = LogisticRegression(alpha=lam, tol=1e-9).fit(Xs_tr, ys_tr).loss_curve_[-1]
        best_gd = min(gd_gaps(Xb, ys_tr, f / L_raw, 100, minimum)[-1] for f in (0.5, 1, 1.5, 1.99))
        best_adam = min(adam_gaps(Xb, ys_tr, eta, 100, minimum)[-1] for eta in (0.001, 0.003, 0.01, 0.03, 0.1))
        diffs.append(np.log10(best_adam) - np.log10(best_gd))
    diffs = np.array(diffs)
    return {"ans_design_diffs": ("the three paired differences, to 1e-6", _array(diffs, atol=1e-9, hints=[
        (-diffs, "the sign: Adam minus gradient descent")]))}


# --------------------------------------------------------------------------------------
# Chapter 7


@_exercise("ch7-ex-threshold", ans_threshold_logit="the optimal logit for p = 0.05, omega_1 = 19",
           ans_threshold_q="the optimal q there")
def _ch7_threshold(ns):
    p, w = 0.05, 19.0
    z = math.log(w) + math.log(p / (1 - p))
    return {
        "ans_threshold_logit": ("the optimal logit, to 1e-5", _number(z, rtol=0, atol=1e-5, hints=[
            (math.log(p / (1 - p)), "this is the unweighted optimum; the weight moves it by log omega_1")])),
        "ans_threshold_q": ("the optimal q, to 1e-5", _number(float(sigmoid(z)), rtol=0, atol=1e-5, hints=[
            (p, "this is the unweighted optimum, the base rate"),
            (w * p, "w p is not a probability here: normalize by w p + 1 - p")])),
    }


@_exercise("ch7-ex-focal", ans_focal_factor_easy="focal / cross-entropy for q_t = 0.9, gamma = 2",
           ans_focal_factor_hard="the same for q_t = 0.1")
def _ch7_focal(ns):
    def factor(qt):
        z = math.log(qt / (1 - qt))
        return float(focal_loss([1.0], [z], gamma=2.0) / focal_loss([1.0], [z], gamma=0.0))

    return {
        "ans_focal_factor_easy": ("the easy example's factor, to 1e-6", _number(factor(0.9), hints=[
            (factor(0.1), "this is the hard example's factor: (1 - q_t)^gamma with q_t = 0.9"),
            (1 / factor(0.9), "this is cross-entropy / focal; the question asks focal / cross-entropy")])),
        "ans_focal_factor_hard": ("the hard example's factor, to 1e-6", _number(factor(0.1), hints=[
            (factor(0.9), "this is the easy example's factor: (1 - q_t)^gamma with q_t = 0.1"),
            (1 / factor(0.1), "this is cross-entropy / focal; the question asks focal / cross-entropy")])),
    }


@_exercise("ch7-ex-effective", ans_effective_ratios="omega_1 / omega_0 for the five beta, in order")
def _ch7_effective(ns):
    y_tr = np.asarray(_data(ns, "y_tr"))
    betas = (0.0, 0.99, 0.999, 0.9999, 1 - 1e-8)
    ref = np.array([(lambda om: om[1] / om[0])(class_weights(y_tr, method="effective", beta=b)) for b in betas])
    return {"ans_effective_ratios": ("the five ratios, to 1e-6", _array(ref, hints=[
        (1 / ref, "these are omega_0 / omega_1; the question asks omega_1 / omega_0")]))}


@_exercise("ch7-ex-unbias", ans_unbias="a function (q_w, omega_0, omega_1) -> the un-biased probability p")
def _ch7_unbias(ns):
    rng = _rng(9)
    q = rng.uniform(0.01, 0.99, size=30)
    cases = [("30 random q_w with omega = (1, 20)", (q, 1.0, 20.0)),
             ("30 random q_w with omega = (0.6, 3)", (q, 0.6, 3.0)),
             ("the point example q_w = 2 / 2.9, omega = (1, 20)", (2 / 2.9, 1.0, 20.0))]

    def ref(q_w, om0, om1):
        return sigmoid(np.log(q_w / (1 - q_w)) - math.log(om1 / om0))

    return {"ans_unbias": ("tried on 61 cases: logit(p) = logit(q_w) - log(omega_1 / omega_0)",
                           _function(cases, ref, rtol=1e-9))}


@_exercise("ch7-ex-leak", ans_leak_f1_wrong="test F1 of 'oversample, then split', seeds 0-4 (5 values)",
           ans_leak_f1_right="test F1 of 'split, then oversample the training part', seeds 0-4")
def _ch7_leak(ns):
    X_all, is_nine = _data(ns, "X_all"), _data(ns, "is_nine")
    sampler, split = _data(ns, "RandomOverSampler"), _data(ns, "train_test_split")
    scaler_cls, f1 = _data(ns, "StandardScaler"), _data(ns, "f1_score")
    wrong, right = [], []
    for seed in range(5):
        X, y = subsample_class(X_all, is_nine, target_class=1, ratio=20, random_state=seed)
        X_os, y_os = sampler(random_state=seed).fit_resample(X, y)
        X_a, X_b, y_a, y_b = split(X_os, y_os, test_size=0.3, stratify=y_os, random_state=seed)
        sc = scaler_cls().fit(X_a)
        m = LogisticRegression(alpha=1e-4).fit(sc.transform(X_a), y_a)
        wrong.append(f1(y_b, m.predict(sc.transform(X_b))))
        X_a, X_b, y_a, y_b = split(X, y, test_size=0.3, stratify=y, random_state=seed)
        sc = scaler_cls().fit(X_a)
        X_r, y_r = sampler(random_state=seed).fit_resample(sc.transform(X_a), y_a)
        m = LogisticRegression(alpha=1e-4).fit(X_r, y_r)
        right.append(f1(y_b, m.predict(sc.transform(X_b))))
    wrong, right = np.array(wrong), np.array(right)
    return {
        "ans_leak_f1_wrong": ("the leaky recipe's five F1 scores, to 1e-6", _array(wrong, hints=[
            (right, "these are the right recipe's scores")])),
        "ans_leak_f1_right": ("the right recipe's five F1 scores, to 1e-6", _array(right, hints=[
            (wrong, "these are the leaky recipe's scores: split first, then oversample the training part only")])),
    }


@_exercise("ch7-ex-design", ans_design_paired_mean="mean over seeds of focal minus balanced, one value per metric",
           ans_design_paired_se="the standard error of each of those means")
def _ch7_design(ns):
    results = _data(ns, "results")
    d = np.asarray(results["focal (gamma 2, alpha 0.25)"]) - np.asarray(results["balanced weights"])
    mean, se = d.mean(axis=0), d.std(axis=0, ddof=1) / np.sqrt(len(d))
    return {
        "ans_design_paired_mean": ("the paired mean differences, to 1e-6", _array(mean, atol=1e-12, hints=[
            (-mean, "the sign: focal minus balanced")])),
        "ans_design_paired_se": ("their standard errors, to 1e-6", _array(se, atol=1e-12, hints=[
            (d.std(axis=0, ddof=1), "this is the sd of the differences; the SE divides it by sqrt(n)"),
            (d.std(axis=0) / np.sqrt(len(d)), "use the sd with ddof = 1")])),
    }


# --------------------------------------------------------------------------------------
# Chapter 8


@_exercise("ch8-ex-uniform", ans_uniform_bits="bits per character of the uniform model on the test block",
           ans_uniform_perplexity="its perplexity")
def _ch8_uniform(ns):
    C = int(_data(ns, "C"))
    return {
        "ans_uniform_bits": ("log2 C bits per character, to 1e-6", _number(math.log2(C), hints=[
            (math.log(C), "this is in nats; bits per character use log base 2"),
            (1 / C, "this is the probability of one character, not its code length -log2(1/C)")])),
        "ans_uniform_perplexity": ("the perplexity, to 1e-5", _number(float(C), rtol=1e-5, hints=[
            (math.log(C), "this is the cross-entropy; the perplexity is e to that power"),
            (math.log2(C), "this is the cross-entropy in bits; the perplexity is 2 to that power")])),
    }


@_exercise("ch8-ex-kn-sums", ans_kn_Q2="the 36 order-2 Kneser–Ney distributions, shape (36, C)")
def _ch8_kn_sums(ns):
    full, code_of = _data(ns, "full"), _data(ns, "code_of")
    few = [code_of[ch] for ch in "abcde "]
    two = full.variant(order=2)
    ref = two.predict_proba(np.array([[a, b] for a in few for b in few]))

    def test(value):
        arr = _as_array(value, ref.shape)
        if not np.allclose(arr.sum(axis=1), 1.0, rtol=0, atol=1e-9):
            raise _Wrong("its rows do not sum to 1: is the lower order's share D N1+(h.) / c(h.) "
                         "times q(x | h') missing?")
        _array(ref, rtol=1e-9, atol=1e-15, hints=[
            (two.variant(smoothing="add-k", k=1.0).predict_proba(
                np.array([[a, b] for a in few for b in few])),
             "these are add-one distributions; the exercise asks for Kneser–Ney")])(arr)

    return {"ans_kn_Q2": ("the 36 distributions, in the order aa, ab, ..., '  ', each summing to 1",
                          _custom(test))}


def _ch8_padded_losses(model, codes, lines):
    """(mean over all positions, mean over real tokens) of a padded batch of test lines."""
    pos = np.concatenate(lines)
    ctx = codes[pos[:, None] - np.arange(model.order, 0, -1)]
    q = model.predict_proba(ctx)[np.arange(pos.size), codes[pos]]
    total, S = float(-np.sum(np.log(q))), max(p.size for p in lines)
    per_line = np.mean([-np.mean(np.log(model.predict_proba(
        codes[p[:, None] - np.arange(model.order, 0, -1)])[np.arange(p.size), codes[p]])) for p in lines])
    return total / (len(lines) * S), total / pos.size, per_line


@_exercise("ch8-ex-padding", ans_padding_buggy="per_token.mean() for the 3 lines and for the 3 lines + a long one",
           ans_padding_fixed="the mean over real tokens for the same two batches")
def _ch8_padding(ns):
    model, codes, batch = _data(ns, "model"), np.asarray(_data(ns, "codes")), list(_data(ns, "batch"))
    test, cut_test, code_of = np.asarray(_data(ns, "test")), int(_data(ns, "cut_test")), _data(ns, "code_of")
    line_ends = cut_test + np.flatnonzero(test == code_of["\n"]) + 1
    longest = int(np.argmax(np.diff(line_ends)))
    longer = batch + [np.arange(line_ends[longest], line_ends[longest + 1])]
    (b3, f3, s3), (b4, f4, s4) = (_ch8_padded_losses(model, codes, lines) for lines in (batch, longer))
    buggy, fixed = np.array([b3, b4]), np.array([f3, f4])
    return {
        "ans_padding_buggy": ("the two means over all positions, to 1e-6", _array(buggy, hints=[
            (fixed, "these are the fixed losses; the question asks first what per_token.mean() computes")])),
        "ans_padding_fixed": ("the two means over real tokens, to 1e-6", _array(fixed, hints=[
            (buggy, "these count the padded positions: divide by the number of real tokens"),
            (np.array([s3, s4]), "these are means of per-line means: they weigh a short line's tokens more")])),
    }


@_exercise("ch8-ex-tokenizers", ans_tokenizers_bpc="bits per character of model A and of model B (2 values)",
           ans_tokenizers_better='"A" or "B": the better model on that text')
def _ch8_tokenizers(ns):
    ppl_a, ppl_b, chars_per_token = 24.0, 3.2, 4.2
    bpc = np.array([math.log2(ppl_a) / chars_per_token, math.log2(ppl_b)])
    better = "A" if bpc[0] < bpc[1] else "B"

    def test_better(value):
        if not isinstance(value, str) or value.strip().upper() not in ("A", "B"):
            raise _Wrong('should be the string "A" or "B"')
        if value.strip().upper() != better:
            raise _Wrong("is not the model with fewer bits per character of the same text")

    return {
        "ans_tokenizers_bpc": ("both in bits per character, to 1e-6", _array(bpc, hints=[
            (np.array([math.log(ppl_a) / chars_per_token, math.log(ppl_b)]), "these are nats; use log base 2"),
            (np.array([math.log2(ppl_a), math.log2(ppl_b)]),
             "A's number is per token: divide by the 4.2 characters per token"),
            (np.array([math.log2(ppl_a) * chars_per_token, math.log2(ppl_b)]),
             "a token is 4.2 characters, so a character costs 1/4.2 of a token's bits")])),
        "ans_tokenizers_better": ("the better model", _custom(test_better)),
    }


@_exercise("ch8-ex-mismatch", ans_mismatch_saved="bits per character the better model's code saves",
           ans_mismatch_predicted="the same predicted from the two cross-entropies")
def _ch8_mismatch(ns):
    full, codes = _data(ns, "full"), np.asarray(_data(ns, "codes"))
    cut_test, best_order, n = int(_data(ns, "cut_test")), int(_data(ns, "best_order")), 20_000
    seq = codes[: cut_test + n]
    h2, hb = (float(-np.mean(np.log2(full.variant(order=r).prob(seq, start=cut_test)))) for r in (2, best_order))
    predicted = h2 - hb
    tol = 1e-3 * predicted + 128 / n  # the code lengths: the cross-entropies plus a few bytes
    hints = [(predicted / 8, "this is in bytes; the question asks for bits"),
             (n * predicted, "this is the total; the question asks for bits per character (divide by 20,000)")]
    return {
        "ans_mismatch_saved": ("the saving of the codes, within 1e-3 relative + 128 bits / 20,000 of the predicted",
                               _number(predicted, rtol=0, atol=tol, hints=hints)),
        "ans_mismatch_predicted": ("H(P, Q_2) - H(P, Q_chosen) in bits per character, to 1e-6",
                                   _number(predicted, rtol=1e-6, hints=hints + [
                                       (predicted * LN2, "this is in nats; the question asks for bits")])),
    }


@_exercise("ch8-ex-addk", ans_addk_and_th="q(e | 'and th'): add-1, add-0.01, Kneser–Ney (3 values)",
           ans_addk_gamali="q(e | 'Gamali'): add-1, add-0.01, Kneser–Ney (3 values)")
def _ch8_addk(ns):
    full, code_of = _data(ns, "full"), _data(ns, "code_of")
    six, e = full.variant(order=6), code_of["e"]

    def probs(context):
        h = np.array([[code_of[ch] for ch in context]])
        add1, add001 = (six.variant(smoothing="add-k", k=k).predict_proba(h)[0, e] for k in (1.0, 0.01))
        return np.array([add1, add001, six.predict_proba(h)[0, e]])

    def answer(context):
        ref = probs(context)
        ml = six.variant(smoothing="none").predict_proba(np.array([[code_of[ch] for ch in context]]))[0, e]
        return _array(ref, rtol=1e-6, hints=[
            (np.full(3, ml), "these are the unsmoothed c(he) / c(h.), three times"),
            (ref[::-1], "the order: add-1, add-0.01, then Kneser–Ney")])

    return {
        "ans_addk_and_th": ("the three probabilities after 'and th', to 1e-6", answer("and th")),
        "ans_addk_gamali": ("the three probabilities after 'Gamali', to 1e-6", answer("Gamali")),
    }
