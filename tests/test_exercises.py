"""The self-checking exercises (xentlib.exercises and the `check` cells of the chapters).

* every exercise of a chapter has one check cell after its solution, calling the check of
  its own label, whose answer names the exercise's text names and its solution defines;
* the committed outputs of the chapter notebooks (solutions present, refreshed by
  tools/execute_notebooks.py and compared by nbval) say "passed" on every line;
* for every exercise, one plausible wrong answer is caught ("not right yet"), and an
  empty namespace gives "not attempted yet" on every line.

The student notebooks (no solutions, placeholders ``ans_... = ...``) are run in
tests/test_student.py, where every check must say "not attempted yet".
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from xentlib import exercises, sigmoid
from xentlib.exercises import NOT_ATTEMPTED, PASSED, WRONG

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))  # the chapters and the numerics page
# chapters whose exercises do not have checks yet (chapter 8 was being written when the
# checks were added): remove a chapter from this set when its checks are in
NOT_YET: set[str] = set()
CALL = re.compile(r'^check\("([^"]+)", globals\(\)\)$', flags=re.M)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _exercise_blocks(nb):
    """(exercise cell, solution cells, the cell after the solution) for each exercise."""
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and "{exercise}" in cell.source:
            j = i + 1
            while j < len(cells) and "solution" in _tags(cells[j]):
                j += 1
            yield cell, cells[i + 1:j], cells[j] if j < len(cells) else None


def _label(exercise_cell):
    return re.search(r"^:label:\s*(\S+)", exercise_cell.source, flags=re.M).group(1)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_its_check(chapter):
    nb = nbformat.read(chapter, as_version=4)
    blocks = list(_exercise_blocks(nb))
    checked = [b for b in blocks if b[2] is not None and "check" in _tags(b[2])]
    if chapter.stem in NOT_YET and not checked:
        pytest.skip("this chapter's exercises have no checks yet")
    assert len(checked) == len(blocks) >= 3
    outside = "\n".join(c.source for c in nb.cells
                        if "solution" not in _tags(c) and "check" not in _tags(c) and c.cell_type == "code")
    for exercise, solution, check_cell in blocks:
        label = _label(exercise)
        assert set(_tags(check_cell)) >= {"check", "remove-input"}, label
        assert CALL.findall(check_cell.source) == [label], label
        names = exercises.answer_names(label)
        assert names, label
        code = "\n".join(c.source for c in solution if c.cell_type == "code")
        for name in names:
            assert name.startswith("ans_"), name
            assert f"`{name}`" in exercise.source, f"{label}: the text does not name {name}"
            assert re.search(rf"^(def {name}\(|{name}\b.*=|[\w, ]*\b{name}\b[\w, ]*=)", code, flags=re.M), \
                f"{label}: the solution does not define {name}"
            # an earlier (non-solution) cell of the chapter must never define an answer name
            assert not re.search(rf"\b{name}\b", outside), f"{label}: {name} is used outside the exercise"


def test_answer_names_are_unique_and_every_check_is_used():
    names = [n for label in exercises.labels() for n in exercises.answer_names(label)]
    assert len(names) == len(set(names))
    used = [label for chapter in CHAPTERS for cell in nbformat.read(chapter, as_version=4).cells
            if "check" in _tags(cell) for label in CALL.findall(cell.source)]
    assert sorted(used) == sorted(exercises.labels())


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_committed_checks_pass(chapter):
    """With the solutions present every line of every check says passed (nbval keeps these
    outputs equal to a fresh run)."""
    nb = nbformat.read(chapter, as_version=4)
    checks = [c for c in nb.cells if "check" in _tags(c)]
    if not checks:
        pytest.skip("no checks in this chapter")
    for cell in checks:
        assert all(o.get("output_type") == "stream" for o in cell.outputs), cell.source
        lines = "".join(o.get("text", "") for o in cell.outputs).splitlines()
        assert lines, cell.source
        assert all(line.startswith(f"{PASSED} — ") for line in lines), lines


@pytest.mark.parametrize("label", exercises.labels())
def test_empty_namespace_is_not_attempted(label, capsys):
    results = exercises.evaluate(label, {})
    assert [r.name for r in results] == list(exercises.answer_names(label))
    assert all(r.status == NOT_ATTEMPTED for r in results)
    placeholders = {}
    exec(exercises.placeholder_source(label), {}, placeholders)  # the student notebook's cell
    assert all(r.status == NOT_ATTEMPTED for r in exercises.evaluate(label, placeholders))
    exercises.check(label, placeholders)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{NOT_ATTEMPTED} — {name}" for name in exercises.answer_names(label)]


# --------------------------------------------------------------------------------------
# one plausible wrong answer per exercise, with the chapter data the check reads


def _ch1_text_data():
    rng = np.random.default_rng(1)
    zen_counts = rng.integers(0, 40, size=26).astype(float)
    zen_counts[[9, 16]] = 0  # letters the small text lacks
    descr_counts = zen_counts * 50 + rng.integers(1, 100, size=26)  # a larger text, like the Zen
    P_descr = descr_counts / descr_counts.sum()
    Q_zen = (zen_counts + 1) / (zen_counts.sum() + 26)
    return {"zen_counts": zen_counts, "P_descr": P_descr, "Q_zen": Q_zen}


def _ch2_labels():
    rng = np.random.default_rng(2)
    return {"y_train": (rng.uniform(size=300) < 0.37).astype(int),
            "y_test": (rng.uniform(size=120) < 0.4).astype(int), "bce_logit": 0.08}


def _ch3_digits():
    rng = np.random.default_rng(3)
    logits = rng.normal(scale=4, size=(200, 10))
    y_test = rng.integers(0, 10, size=200)
    from xentlib import softmax_cross_entropy
    return {"logits": logits, "y_test": y_test,
            "per_image": softmax_cross_entropy(y_test, logits, reduction="none")}


def _ch5_digits_split(seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=5)
    parts = []
    for n in (200, 200, 300):
        X = rng.normal(size=(n, 5))
        parts += [X, (rng.uniform(size=n) < 1 / (1 + np.exp(-3 * X @ w))).astype(int)]
    return parts


def _ch5_design_data():
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(5)
    X_bc = rng.normal(size=(120, 3))
    y_bc = (X_bc[:, 0] > 0).astype(int)
    etas = 2.0 ** np.arange(-2, 3)

    def descend(grad, start, data, steps=12):
        test_err = np.random.default_rng(grad).permutation(steps * etas.size).reshape(steps, -1) / 100
        return 1 - test_err, test_err  # validation and test disagree on the best step

    return {"train_test_split": train_test_split, "StandardScaler": StandardScaler, "X_bc": X_bc, "y_bc": y_bc,
            "etas": etas, "losses": {"cross-entropy": 1, "MSE": 2}, "descend": descend,
            "with_bias": lambda A: np.hstack([A, np.ones((len(A), 1))])}


def _ch5_design_wrong(ns):
    """The own step size chosen on the test errors (a leak)."""
    rows = []
    for name in ("cross-entropy", "MSE"):
        _, test_err = ns["descend"](ns["losses"][name], None, None)
        rows.append([test_err[9, 1], test_err[9].min()])  # etas[1] = 0.5
    return np.array(rows)


def _naive_softmax(v):
    return np.exp(v) / np.sum(np.exp(v), axis=-1, keepdims=True)


def _tutorial_ce(logits, labels):
    probs = np.exp(logits) / np.sum(np.exp(logits))
    return -np.mean(np.log(probs[range(len(labels)), labels]))


WRONG_ANSWERS = {
    # label: (chapter data, or a function returning it; answers: the first is the wrong one)
    "ch1-ex-loaded-die": ({}, {"ans_loaded_die_bits": 1.875 * np.log(2)}),  # nats for bits
    "ch1-ex-one-hot": ({}, {"ans_one_hot_ce": -np.log(0.7)}),  # the largest probability
    "ch1-ex-max-entropy": ({}, {"ans_max_entropy_H": np.full(200, np.log(7)),  # H(P, U)
                                "ans_max_entropy_P": np.random.default_rng(0).dirichlet(np.ones(7), size=200)}),
    "ch1-ex-smoothing": (_ch1_text_data, {"ans_smoothing_best_a": 0.01}),
    "ch1-ex-direction": ({}, {"ans_direction_kl_pq": 0.5 * np.log(5 / 9) + 0.5 * np.log(5)}),  # swapped
    "ch1-ex-bug-samples": ({}, {"ans_samples_cross_entropy": lambda y, q: -np.sum(np.log(q))}),  # sums
    "ch1-ex-perplexity": (_ch1_text_data, {"ans_perplexity": lambda p, q: 2.0 ** -np.sum(p * np.log(q))}),
    "ch2-ex-slope": ({}, {"ans_sigmoid_slope": lambda z: 1 / (1 + np.exp(-z))}),
    "ch2-ex-soft": ({}, {"ans_soft_min_loss": 0.0, "ans_soft_argmin": 0.3}),
    "ch2-ex-clip": ({}, {"ans_clip_true_grad": 1.0}),  # the sign
    "ch2-ex-base-rate": (_ch2_labels, {"ans_base_rate_entropy": 0.69}),
    "ch2-ex-margin": ({}, {"ans_margin_loss": lambda t, z: np.log(1 + np.exp(t * z))}),  # the sign of the margin
    "ch2-ex-bug-nan": (_ch2_labels, {"ans_nan_buggy_loss": 0.4}),
    "ch3-ex-shift": ({}, {"ans_stable_softmax": _naive_softmax}),
    "ch3-ex-temperature": ({}, {"ans_temperature_entropy": [1e-4, 0.3, 0.8, 1.0, 1.09]}),
    "ch3-ex-floor": ({}, {"ans_floor_target": np.r_[0.9, np.full(9, 0.1 / 9)]}),
    "ch3-ex-mistakes": (_ch3_digits, {"ans_mistakes_share": 16.0}),  # a percentage
    "ch3-ex-jacobian": ({}, {"ans_softmax_jacobian": lambda z: np.diag(_naive_softmax(z))}),
    "ch3-ex-bug-lse": ({}, {"ans_lse_cross_entropy": _tutorial_ce}),
    "ch3-ex-double": (_ch3_digits, {"ans_double_bound": np.log(1 + 10 / np.e)}),
    "ch3-ex-entropy": (_ch3_digits, {"ans_confident_ce": np.ones(6)}),
    "ch5-ex-die": ({}, {"ans_die_probs": np.zeros(6), "ans_die_rolls": np.arange(60) % 6}),  # logits
    "ch5-ex-mse-peak": ({}, {"ans_mse_peak_z": 0.0}),
    "ch5-ex-proper": ({}, {"ans_proper_error_rate_is": "strictly proper"}),
    "ch5-ex-brier": ({}, {"ans_abs_error_best_q": lambda p: p}),  # the honest report
    "ch5-ex-bug": ({"digits_split": _ch5_digits_split}, {"ans_calib_ece": 0.0}),
    "ch5-ex-design": (_ch5_design_data, _ch5_design_wrong),
}

# ---- chapter 4
def _ch4_data():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(240, 6))
    Y = (X[:, :5] + 0.3 * rng.normal(size=(240, 5)) > 0).astype(int)
    six = np.array([1, 0, 1, 1, 1])
    Y_test = np.vstack([np.tile(six, (10, 1)), (rng.uniform(size=(40, 5)) < 0.4).astype(int)])
    Y_test[10:][(Y_test[10:] == six).all(axis=1)] = 0
    return {"X": X, "Y": Y, "Y_test": Y_test, "six": six}


def _ch4_one_label_each(ns):
    from sklearn.model_selection import train_test_split

    _, _, _, Y_te = train_test_split(ns["X"], ns["Y"], random_state=0)
    return np.eye(5, dtype=int)[Y_te.argmax(axis=1)]  # the buggy pipeline: one label per image


# ---- the numerics page
def _num_speed():
    rows = [{"case": "softmax CE gradient", "size": f"{s}x10", "dtype": "float64", "ratio": {"PyTorch": r}}
            for s, r in ((100, 0.95), (1000, 1.5), (10000, 1.05))]
    return {"speed": rows}


# ---- chapter 6
def _ch6_data():
    rng = np.random.default_rng(6)
    X_train = rng.normal(size=(50, 3))
    y_train = (X_train[:, 0] + rng.normal(size=50) > 0).astype(float)
    return {"X_train": X_train, "y_train": y_train, "lam": 1 / 50, "n": 50}


def _ch6_design_data():
    from sklearn.model_selection import train_test_split

    rng = np.random.default_rng(66)
    X_raw = rng.normal(size=(60, 3)) * [1, 10, 100]
    return {"X_raw": X_raw, "y_bc": (X_raw[:, 0] > 0).astype(int), "lam": 1 / 42, "n": 42,
            "train_test_split": train_test_split,
            "gd_gaps": lambda Xb, y, eta, steps, minimum: np.array([1.0 + eta]),
            "adam_gaps": lambda Xb, y, eta, steps, minimum: np.array([0.1 + eta])}


def _gd_errors():
    zg, out = 0.0, []
    for _ in range(5):
        zg -= float(sigmoid(zg)) - 0.7
        out.append(abs(zg - np.log(0.7 / 0.3)))
    return np.array(out)


# ---- chapter 7
def _ch7_leak_data():
    from imblearn.over_sampling import RandomOverSampler
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(7)
    X_all = rng.normal(size=(600, 4))
    is_nine = (X_all[:, 0] + 0.5 * rng.normal(size=600) > 1).astype(int)
    return {"X_all": X_all, "is_nine": is_nine, "RandomOverSampler": RandomOverSampler,
            "train_test_split": train_test_split, "StandardScaler": StandardScaler, "f1_score": f1_score}


def _ch7_design_data():
    rng = np.random.default_rng(77)
    return {"results": {"focal (gamma 2, alpha 0.25)": rng.uniform(0.5, 0.9, size=(5, 3)),
                        "balanced weights": rng.uniform(0.5, 0.9, size=(5, 3))}}


def _ch7_design_flipped(ns):
    r = ns["results"]
    return (r["balanced weights"] - r["focal (gamma 2, alpha 0.25)"]).mean(axis=0)  # balanced minus focal


WRONG_ANSWERS.update({
    "ch4-ex-softmax-floor": ({}, {"ans_softmax_floor_loss": np.zeros(4)}),  # the sigmoid model's floor
    "ch4-ex-grad": ({}, {"ans_multilabel_grad": lambda Y, Z: sigmoid(Z) - Y}),  # no 1/n
    "ch4-ex-metric": (_ch4_data, lambda ns: np.array([np.mean(ns["Y_test"].sum(axis=1) == 0),
                                                      1 - ns["Y_test"].mean(), 0.0])),
    "ch4-ex-independence": ({}, {"ans_independence_br_loss": np.log(2)}),
    "ch4-ex-bug-pipeline": (_ch4_data, _ch4_one_label_each),
    "ch4-ex-design": (_ch4_data, {"ans_design_six_right": np.array([0.5, 0.3, 0.2])}),
    "num-ex-softplus": ({}, {"ans_softplus": lambda z: np.log(1 + np.exp(-z))}),
    "num-ex-twosum": ({}, {"ans_two_sum": lambda a, b: (a + b, 0.0)}),
    "num-ex-from-logits": ({}, {"ans_from_logits_learning": lambda z: np.ones(np.shape(z), dtype=bool)}),
    "num-ex-double-sigmoid": ({}, {"ans_double_sigmoid_max_prob": 1.0}),
    "num-ex-bce-clamp": ({}, {"ans_clamp_reported": 200.0}),
    "num-ex-timing": (_num_speed, {"ans_timing_level": ["100x10 float64"]}),
    "ch6-ex-weighted": ({}, {"ans_weighted_grad": lambda y, z, w: sigmoid(z) - y}),  # the weight forgotten
    "ch6-ex-newton-coin": ({}, lambda ns: _gd_errors()),
    "ch6-ex-batch": (_ch6_data, {"ans_batch_steps": np.array([30 * (50 // b) for b in (1, 8, 64, 50)])}),
    "ch6-ex-softmax-hessian": ({}, {"ans_softmax_hessian": lambda z: np.diag(_naive_softmax(z))}),
    "ch6-ex-bug": (_ch6_data, {"ans_bug_L_sum": 0.25}),
    "ch6-ex-design": (_ch6_design_data, {"ans_design_diffs": np.ones(3)}),
    "ch7-ex-threshold": ({}, {"ans_threshold_q": 0.05}),  # the unweighted optimum
    "ch7-ex-focal": ({}, {"ans_focal_factor_easy": 0.81}),  # the hard example's
    "ch7-ex-effective": ({"y_tr": np.r_[np.zeros(90, dtype=int), np.ones(10, dtype=int)]},
                         {"ans_effective_ratios": np.ones(5)}),
    "ch7-ex-unbias": ({}, {"ans_unbias": lambda q, om0, om1: om1 * q / (om1 * q + om0 * (1 - q))}),  # the weighting
    "ch7-ex-leak": (_ch7_leak_data, {"ans_leak_f1_right": np.full(5, 0.99)}),
    "ch7-ex-design": (_ch7_design_data, _ch7_design_flipped),
})


def _ch8_data():
    """A small model of random text over the chapter's 96 characters, with its names."""
    from xentlib import NGramModel

    alphabet = "\n" + "".join(chr(i) for i in range(32, 127))
    code_of = {ch: i for i, ch in enumerate(alphabet)}
    rng = np.random.default_rng(8)
    weights = np.r_[3.0, 10.0, rng.uniform(0.1, 2.0, size=94)]  # newline and space frequent
    codes = rng.choice(96, size=50_000, p=weights / weights.sum())
    cut_val, cut_test = 20_000, 28_000
    full = NGramModel(8, alphabet_size=96).fit(codes[:cut_val])
    test = codes[cut_test:]
    starts = cut_test + np.flatnonzero(test == 0)[:4] + 1
    batch = [np.arange(a, b) for a, b in zip(starts[:-1], starts[1:], strict=True)]
    return {"C": 96, "code_of": code_of, "codes": codes, "full": full, "model": full.variant(order=3),
            "best_order": 3, "cut_test": cut_test, "test": test, "batch": batch}


def _ch8_fixed_as_buggy(ns):
    """The mean over real tokens where per_token.mean() is asked."""
    model, codes = ns["model"], ns["codes"]
    pos = np.concatenate(ns["batch"])
    q = model.predict_proba(codes[pos[:, None] - np.arange(3, 0, -1)])[np.arange(pos.size), codes[pos]]
    return np.full(2, -np.log(q).mean())  # the same for both batches, like a fixed loss


def _ch8_total(ns):
    h = [-np.mean(np.log2(ns["full"].variant(order=r).prob(ns["codes"][:48_000], start=28_000))) for r in (2, 3)]
    return (h[0] - h[1]) * 20_000  # the total, not per character


def _ch8_unsmoothed(ns):
    h = np.array([[ns["code_of"][ch] for ch in "and th"]])
    six = ns["full"].variant(order=6, smoothing="none")
    return np.full(3, six.predict_proba(h)[0, ns["code_of"]["e"]])


WRONG_ANSWERS.update({
    "ch8-ex-uniform": ({"C": 96}, {"ans_uniform_bits": np.log(96)}),  # nats
    "ch8-ex-kn-sums": (_ch8_data, lambda ns: ns["full"].variant(order=2, smoothing="add-k").predict_proba(
        np.array([[ns["code_of"][a], ns["code_of"][b]] for a in "abcde " for b in "abcde "]))),
    "ch8-ex-padding": (_ch8_data, _ch8_fixed_as_buggy),
    "ch8-ex-tokenizers": ({}, {"ans_tokenizers_bpc": [np.log2(24), np.log2(3.2)]}),  # per token
    "ch8-ex-mismatch": (_ch8_data, _ch8_total),
    "ch8-ex-addk": (_ch8_data, _ch8_unsmoothed),
})


def test_every_exercise_has_a_wrong_answer():
    assert sorted(WRONG_ANSWERS) == sorted(exercises.labels())


@pytest.mark.parametrize("label", sorted(WRONG_ANSWERS))
def test_wrong_answer_is_caught(label):
    data, answers = WRONG_ANSWERS[label]
    ns = dict(data() if callable(data) else data)
    if callable(answers):
        answers = {exercises.answer_names(label)[0]: answers(ns)}
    ns.update(answers)
    results = {r.name: r for r in exercises.evaluate(label, ns)}
    wrong = next(iter(answers))
    assert results[wrong].status == WRONG, results[wrong]
    assert "could not be checked" not in results[wrong].message, results[wrong]
    for name in set(answers) - {wrong}:  # the rest of the answer is right
        assert results[name].status == PASSED, results[name]
    for name in set(results) - set(answers):
        assert results[name].status == NOT_ATTEMPTED


def test_messages_do_not_give_the_answer():
    """A wrong number's message says too large or too small, and the tolerance: never the value."""
    results = exercises.evaluate("ch1-ex-loaded-die", {"ans_loaded_die_bits": 2.0, "ans_loaded_die_nats": "1.3"})
    assert results[0].status == WRONG and "too large" in results[0].message
    assert "1.875" not in results[0].message and "1.87" not in results[0].message
    assert results[1].status == WRONG and "number" in results[1].message


def test_a_broken_function_is_reported_not_raised():
    def broken(z):
        raise RuntimeError("oops")

    (result,) = exercises.evaluate("ch2-ex-slope", {"ans_sigmoid_slope": broken})
    assert result.status == WRONG and "RuntimeError" in result.message
    (result,) = exercises.evaluate("ch2-ex-slope", {"ans_sigmoid_slope": 0.25})
    assert result.status == WRONG and "function" in result.message


def test_missing_chapter_data_is_reported():
    (a, b) = exercises.evaluate("ch1-ex-smoothing", {"ans_smoothing_best_a": 1.0})
    assert a.status == NOT_ATTEMPTED
    assert b.status == WRONG and "`P_descr`" in b.message


def test_bad_arguments():
    with pytest.raises(ValueError, match="exercise"):
        exercises.check("ch0-no-such-exercise", {})
    with pytest.raises(ValueError, match="namespace"):
        exercises.evaluate("ch1-ex-loaded-die", 3)
