import numpy as np
import pytest
import reference as ref
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xentlib import cross_entropy, entropy, kl_divergence


def distributions(n_min=1, n_max=8, zeros=True):
    """Probability vectors (a few exact zeros allowed) of random length."""
    elems = st.floats(0.0, 1.0) if zeros else st.floats(1e-3, 1.0)

    def normalize(x):
        if x.sum() == 0:
            x = x.copy()
            x[0] = 1.0
        return x / x.sum()

    return st.integers(n_min, n_max).flatmap(
        lambda n: arrays(np.float64, n, elements=elems).map(normalize)
    )


def test_hand_values():
    # a fair coin has 1 bit; a fair die log2(6) bits; a certain outcome 0
    assert entropy([0.5, 0.5], base=2) == 1.0
    assert entropy(np.full(6, 1 / 6), base=2) == pytest.approx(np.log2(6), abs=0, rel=1e-15)
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    # H(P,Q) for P = (1/2, 1/2), Q = (1/4, 3/4): (2 + log2(4/3)) / 2 bits
    assert cross_entropy([0.5, 0.5], [0.25, 0.75], base=2) == pytest.approx(
        (2 + np.log2(4 / 3)) / 2, abs=0, rel=1e-15
    )
    assert kl_divergence([0.5, 0.5], [0.25, 0.75], base=2) == pytest.approx(
        (2 + np.log2(4 / 3)) / 2 - 1, abs=0, rel=1e-14
    )


def test_against_scipy():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=20)
    q = rng.dirichlet(np.ones(5), size=20)
    np.testing.assert_allclose(entropy(p), scipy.stats.entropy(p, axis=1), rtol=1e-13)
    np.testing.assert_allclose(entropy(p, base=2), scipy.stats.entropy(p, base=2, axis=1),
                               rtol=1e-13)
    np.testing.assert_allclose(kl_divergence(p, q), scipy.stats.entropy(p, q, axis=1),
                               rtol=1e-12)
    np.testing.assert_allclose(
        cross_entropy(p, q), scipy.stats.entropy(p, axis=1) + scipy.stats.entropy(p, q, axis=1),
        rtol=1e-12,
    )


def test_axis():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(4), size=3)
    np.testing.assert_allclose(entropy(p.T, axis=0), scipy.stats.entropy(p, axis=1), rtol=1e-13)
    np.testing.assert_allclose(
        kl_divergence(p.T, p[::-1].T, axis=0), scipy.stats.entropy(p, p[::-1], axis=1), rtol=1e-12
    )


def test_conventions_zero_and_infinity():
    assert cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0  # 0 log 0 = 0
    assert cross_entropy([0.5, 0.5], [0.0, 1.0]) == np.inf  # p > 0 where q = 0
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2), abs=0, rel=1e-15)


def test_kl_accurate_for_close_distributions():
    # q = 0.5 +- 2^-30: the exact divergence is about 2^-59 = 1.7e-18; p log(p/q) term
    # by term cancels to 0. Reference: mpmath on the same floats; bound: 4 ulp.
    p = np.array([0.5, 0.5])
    q = np.array([0.5 + 2.0**-30, 0.5 - 2.0**-30])
    expected = ref.kl_row(p, q)
    assert 1.7e-18 < expected < 1.8e-18
    assert ref.ulps(kl_divergence(p, q), expected) <= 4
    assert ref.ulps(kl_divergence(q, p), ref.kl_row(q, p)) <= 4


@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    distributions(n, n, zeros=False), st.lists(st.integers(-2**20, 2**20), min_size=n, max_size=n))))
def test_kl_relative_accuracy_near_equal(case):
    # q = p nudged by a few ulp-sized steps (not renormalized): every regime of p ~ q
    p, steps = case
    q = p + np.asarray(steps) * 2.0**-50 * p
    q = np.clip(q, 1e-300, 1.0)
    assume_sum_ok = abs(q.sum() - 1) < 1e-8
    if not assume_sum_ok:
        return
    expected = ref.kl_row(p, q)
    got = kl_divergence(p, q)
    if expected <= 0:  # rows that do not sum to exactly 1 can have a negative "divergence"
        assert got == 0.0
    else:
        assert ref.ulps(got, expected) <= 8, (p, q, got, expected)


@pytest.mark.parametrize("scale", [1e-3, 0.1, 0.4, 0.6, 0.9])
def test_kl_relative_accuracy_moderate_differences(scale):
    rng = np.random.default_rng(0)
    for _ in range(20):
        p = rng.dirichlet(np.ones(4))
        q = p * np.exp(scale * rng.uniform(-1, 1, 4))
        q /= q.sum()
        assert ref.ulps(kl_divergence(p, q), ref.kl_row(p, q)) <= 8


def test_mixed_dtypes_checked_at_their_own_tolerance():
    # each distribution passes on its own; mixed with another dtype, each is still
    # checked against its own dtype's sum-to-one tolerance (float16: about 1e-4 off)
    p32 = np.array([0.1, 0.2, 0.7], dtype=np.float32)
    q16 = np.array([0.1, 0.2, 0.7], dtype=np.float16)
    q64 = np.array([0.25, 0.25, 0.5])
    assert abs(float(q16.astype(np.float64).sum()) - 1) > 1e-4
    for func in (cross_entropy, kl_divergence):
        func(q16, q16)
        func(p32, p32)
        for a, b, dtype in [(p32, q16, np.float32), (q16, p32, np.float32), (q16, q64, np.float64)]:
            out = func(a, b)
            assert out.dtype == dtype
            exact = -np.sum(a.astype(np.float64) * np.log(b.astype(np.float64)))
            if func is kl_divergence:
                # rows that sum to different totals can have a "divergence" below 0: 0
                exact = max(ref.kl_row(a.astype(np.float64), b.astype(np.float64)), 0.0)
            assert abs(float(out) - exact) <= 4 * np.finfo(dtype).eps * max(abs(exact), 1e-3)


def test_asymmetry():
    p, q = [0.9, 0.1], [0.5, 0.5]
    assert kl_divergence(p, q) != pytest.approx(kl_divergence(q, p))
    assert cross_entropy(p, q) != pytest.approx(cross_entropy(q, p))


def test_float32_kept():
    p = np.array([0.25, 0.75], dtype=np.float32)
    assert entropy(p).dtype == np.float32
    assert cross_entropy(p, p).dtype == np.float32
    assert kl_divergence(p, p).dtype == np.float32
    assert entropy(p.astype(np.float64)).dtype == np.float64


@given(st.integers(2, 8).flatmap(lambda n: st.tuples(distributions(n, n), distributions(n, n))))
def test_cross_entropy_is_entropy_plus_kl(pq):
    p, q = pq
    h, kl, ce = entropy(p), kl_divergence(p, q), cross_entropy(p, q)
    if np.isinf(ce):
        assert np.isinf(kl)
    else:
        assert ce == pytest.approx(h + kl, rel=1e-9, abs=1e-12)


@given(st.integers(1, 8).flatmap(lambda n: st.tuples(distributions(n, n), distributions(n, n))))
def test_gibbs_inequality(pq):
    p, q = pq
    assert kl_divergence(p, q) >= 0
    assert kl_divergence(p, p) == 0
    assert cross_entropy(p, q) >= entropy(p) - 1e-12


@given(distributions(1, 10))
def test_entropy_bounds(p):
    h = entropy(p)
    assert 0 <= h <= np.log(p.size) + 1e-12


@pytest.mark.parametrize("func", [entropy, cross_entropy, kl_divergence])
@pytest.mark.parametrize(
    "p, match",
    [
        ([], "p is empty"),
        ([0.5, np.nan], "p contains NaN"),
        ([1.5, -0.5], r"p must lie in \[0, 1\]"),
        ([0.3, 0.3], "p must sum to 1"),
        (0.5, "at least 1 dimension"),
        (["a", "b"], "p must hold real numbers"),
    ],
)
def test_bad_p(func, p, match):
    args = (p,) if func is entropy else (p, [0.5, 0.5])
    with pytest.raises(ValueError, match=match):
        func(*args)


@pytest.mark.parametrize("func", [cross_entropy, kl_divergence])
def test_bad_q(func):
    with pytest.raises(ValueError, match="q must sum to 1"):
        func([0.5, 0.5], [0.5, 0.6])
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        func([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="q contains inf"):
        func([0.5, 0.5], [np.inf, 0.5])


@pytest.mark.parametrize("func", [entropy, cross_entropy, kl_divergence])
def test_bad_base_and_axis(func):
    args = ([0.5, 0.5],) if func is entropy else ([0.5, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="base must not be 1"):
        func(*args, base=1)
    with pytest.raises(ValueError, match="base must be >"):
        func(*args, base=-2)
    with pytest.raises(ValueError, match="axis=3 is out of range"):
        func(*args, axis=3)
    with pytest.raises(ValueError, match="axis must be an integer"):
        func(*args, axis=0.5)


# ---- the private kernels of kl_divergence, held to their own accuracy ------------------

def test_accurate_sum_on_cancelling_rows(rng):
    # Sum2's bound: eps |s| + (n eps)^2 sum |x|; here the terms cancel by up to ~1e12,
    # where a plain sum loses about 12 digits and Sum2 stays within 2 ulp (math.fsum: exact)
    import math

    from xentlib.information import _accurate_sum
    worst_plain = 0.0
    for n in (1, 2, 3, 5, 8, 13, 100):
        x = rng.normal(size=(20, n)) * 10.0 ** rng.integers(-6, 6, size=(20, n))
        if n > 1:
            x[:, 0] = -x[:, 1:].sum(axis=1) + rng.normal(size=20) * 1e-6  # sums that cancel
        got = _accurate_sum(x, axis=-1)
        for row, value in zip(x, got, strict=True):
            exact = math.fsum(row)
            assert abs(value - exact) <= 2 * np.spacing(abs(exact)), (row, value, exact)
            worst_plain = max(worst_plain, abs(row.sum() - exact) / np.spacing(abs(exact)))
        np.testing.assert_array_equal(_accurate_sum(x.T, axis=0), got)
    assert worst_plain > 1e3  # the test can tell: a plain sum is far off here


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kl_generator_to_an_ulp(dtype):
    import mpmath as mp

    from xentlib.information import _kl_generator
    mp.mp.dps = 50
    r = np.array([-0.5, -0.49, -0.3, -1e-3, -2.0**-30, 2.0**-30, 1e-3, 0.3, 0.49, 0.5], dtype=dtype)
    got = _kl_generator(r)
    assert got.dtype == dtype
    for v, g in zip(r, got, strict=True):
        x = mp.mpf(float(v))
        exact = (1 + x) * mp.log1p(x) - x
        assert abs(float(g) - float(exact)) <= np.spacing(dtype(float(exact))), (v, g, exact)


def test_base_must_be_positive_and_not_one():
    for base in (0.0, -2.0):
        with pytest.raises(ValueError, match=rf"^base must be > 0.0, got {base!r}$"):
            entropy([0.5, 0.5], base=base)
    with pytest.raises(ValueError, match=r"^base must not be 1 \(log 1 = 0\)$"):
        entropy([0.5, 0.5], base=1.0)
