"""Character n-gram language models and an arithmetic coder that reaches their cross-entropy.

:class:`NGramModel` predicts the next symbol of a sequence of integer codes from the
``order`` symbols before it, with no smoothing, add-k smoothing or interpolated
Kneser–Ney smoothing. :func:`arithmetic_encode` and :func:`arithmetic_decode` turn any
sequence of predicted distributions (integer frequencies, see
:func:`quantize_probabilities`) into a bit string whose length is the model's code length
``-sum log2 q`` plus a few bits: the cross-entropy *is* the average code length.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["NGramModel", "quantize_probabilities", "arithmetic_encode", "arithmetic_decode"]

_SMOOTHINGS = ("none", "add-k", "kneser-ney")


def _check_int(value, name, low, high=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        rng = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {rng}, got {value!r}")
    return int(value)


def _check_codes(x, name, alphabet_size):
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of symbol codes; got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer symbol codes, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= alphabet_size):
        raise ValueError(f"{name} holds codes outside [0, {alphabet_size}) (alphabet_size)")
    return arr


class _Level:
    """Counts of the (j+1)-grams of one level, sorted by key, and their contexts' totals."""

    def __init__(self, keys, counts, alphabet_size):
        self.keys, self.counts = keys, counts
        ctx = keys // alphabet_size
        self.ctx, start, self.n1 = np.unique(ctx, return_index=True, return_counts=True)
        self.start = start
        self.total = np.add.reduceat(counts, start) if counts.size else counts.copy()
        n_one, n_two = int(np.sum(counts == 1)), int(np.sum(counts == 2))
        # the discount of Ney, Essen and Kneser (1994): D = n1 / (n1 + 2 n2), in (0, 1]
        self.discount = n_one / (n_one + 2 * n_two) if n_one else 0.5

    def find_both(self, h, grams):
        """:meth:`find` of the contexts ``h`` and of the grams ``h * C + x``, with one sort.

        The last result is kept: the models of several orders and smoothings made by
        :meth:`NGramModel.variant` share their levels, and scoring them on the same text
        looks up the same grams again (an equality test is far cheaper than the search).
        """
        cached = getattr(self, "_last", None)
        if cached is not None and cached[0].shape == grams.shape and np.array_equal(cached[0], grams):
            gi, ci = cached[1], cached[2]  # index where found, -1 where not
            return np.maximum(gi, 0), gi >= 0, np.maximum(ci, 0), ci >= 0
        if grams.size <= 4096:
            out = (*self.find(self.keys, grams), *self.find(self.ctx, h))
        else:
            order = np.argsort(grams)  # sorts h too: h = grams // C
            out = []
            for table, keys in ((self.keys, grams), (self.ctx, h)):
                idx = np.empty(keys.shape, np.intp)
                idx[order] = np.searchsorted(table, keys[order])
                out.extend(self._found(table, keys, idx))
            out = tuple(out)
        if grams.size <= 2**20 and max(self.keys.size, self.ctx.size) < 2**31:
            gi, gfound, ci, cfound = out  # kept compactly: 16 bytes per query
            self._last = (grams, np.where(gfound, gi, -1).astype(np.int32),
                          np.where(cfound, ci, -1).astype(np.int32))
        else:
            self._last = None
        return out

    @staticmethod
    def _found(table, keys, idx):
        if not table.size:
            return np.zeros(keys.shape, np.intp), np.zeros(keys.shape, bool)
        idx_c = np.minimum(idx, table.size - 1)
        return idx_c, (idx < table.size) & (table[idx_c] == keys)

    def find(self, table, keys):
        """Index of each key in ``table`` (sorted), and whether it is there."""
        if keys.size > 4096:  # sorted queries walk the table in order: several times faster
            order = np.argsort(keys)
            idx = np.empty(keys.shape, np.intp)
            idx[order] = np.searchsorted(table, keys[order])
        else:
            idx = np.searchsorted(table, keys)
        return self._found(table, keys, idx)


class NGramModel:
    r"""A character (or any symbol) n-gram model: the next symbol given the ``order`` before it.

    Symbols are integer codes in ``[0, alphabet_size)``. The model of order :math:`r`
    estimates :math:`q(x \mid h)` for every context :math:`h` of :math:`r` symbols from
    the counts :math:`c(hx)` of the training sequence:

    * ``"none"``: the maximum-likelihood estimate :math:`c(hx)/c(h\cdot)`; an unseen
      symbol gets probability 0, and an unseen context gets 0 for every symbol (no
      distribution at all), so :math:`-\log q = \infty` there;
    * ``"add-k"``: :math:`(c(hx) + k)/(c(h\cdot) + kC)`, uniform for an unseen context;
    * ``"kneser-ney"``: interpolated Kneser–Ney,

      .. math:: q(x \mid h) = \frac{\max(c(hx) - D, 0)}{c(h\cdot)}
                + \frac{D\, N_{1+}(h\,\cdot)}{c(h\cdot)}\, q(x \mid h')

      with :math:`h'` the
      context without its first symbol and :math:`N_{1+}(h\,\cdot)` the number of
      distinct symbols seen after :math:`h`; the lower orders count *continuations*
      (the number of distinct symbols seen before :math:`h'x`) instead of occurrences,
      the recursion ends in the uniform distribution :math:`1/C`, an unseen context
      passes the lower order's distribution on, and :math:`D = n_1/(n_1 + 2 n_2)` per
      level. Every context gets a distribution that sums to 1 over the alphabet.

    Parameters
    ----------
    order : int
        Context length :math:`r \ge 0` (order 0: no context, the symbol frequencies).
    alphabet_size : int
        :math:`C`, the number of symbols.
    smoothing : {"kneser-ney", "add-k", "none"}
    k : float, default 1.0
        Pseudo-count of ``"add-k"`` (> 0).

    See Also
    --------
    arithmetic_encode : a code whose length is this model's cross-entropy.
    cross_entropy, entropy

    References
    ----------
    * R. Kneser and H. Ney, "Improved backing-off for M-gram language modeling",
      ICASSP 1995, 181-184.
    * S. F. Chen and J. Goodman, "An empirical study of smoothing techniques for language
      modeling", Computer Speech and Language 13 (1999), 359-394.

    Examples
    --------
    >>> import numpy as np
    >>> m = NGramModel(1, alphabet_size=3).fit([0, 1, 0, 1, 0, 2])
    >>> q = m.predict_proba([[0], [2]])
    >>> bool(np.allclose(q.sum(axis=1), 1))
    True
    """

    def __init__(self, order, *, alphabet_size, smoothing="kneser-ney", k=1.0):
        self.order = _check_int(order, "order", 0)
        self.alphabet_size = _check_int(alphabet_size, "alphabet_size", 1)
        if float(self.alphabet_size) ** (self.order + 1) >= 2.0**62:
            raise ValueError(
                f"alphabet_size ** (order + 1) must be below 2**62 (keys are int64); got "
                f"alphabet_size={alphabet_size}, order={order}"
            )
        if smoothing not in _SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {_SMOOTHINGS}, got {smoothing!r}")
        self.smoothing = smoothing
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Real) or not (
            np.isfinite(k) and k > 0
        ):
            raise ValueError(f"k must be a finite number > 0, got {k!r}")
        self.k = float(k)
        self._raw = self._cont = None

    def fit(self, x):
        """Count the n-grams of the training sequence ``x`` (1-D integer codes); returns self."""
        x = _check_codes(x, "x", self.alphabet_size)
        if x.size <= self.order:
            raise ValueError(f"x must be longer than order={self.order}; got {x.size} symbols")
        C = self.alphabet_size
        raw, cont = [], []
        keys = x.copy()
        for j in range(self.order + 1):  # grams of j + 1 symbols
            if j:
                keys = keys[:-1] * C + x[j:]
            u, c = np.unique(keys, return_counts=True)
            raw.append(_Level(u, c, C))
            if j:  # continuation counts of the j-grams: distinct symbols before them
                su, sc = np.unique(u % C**j, return_counts=True)
                cont.append(_Level(su, sc, C))
        self._raw, self._cont = raw, cont
        return self

    def variant(self, *, order=None, smoothing=None, k=None):
        """The same counts with a lower ``order`` or another ``smoothing``/``k`` (no refit)."""
        self._check_fitted()
        order = self.order if order is None else _check_int(order, "order", 0, self.order)
        new = NGramModel(
            order,
            alphabet_size=self.alphabet_size,
            smoothing=self.smoothing if smoothing is None else smoothing,
            k=self.k if k is None else k,
        )
        new._raw, new._cont = self._raw[: order + 1], self._cont[:order]
        return new

    def _check_fitted(self):
        if self._raw is None:
            raise ValueError("the model is not fitted; call fit(x) first")

    def _levels(self):
        """(level, context length) from the lowest order used up to the model's order."""
        k = self.order
        if self.smoothing != "kneser-ney":
            return [(self._raw[k], k)]
        return [(self._cont[j], j) for j in range(k)] + [(self._raw[k], k)]

    def prob(self, x, start=None):
        """Probability the model gives each symbol ``x[i]`` after ``x[i-order:i]``, ``i >= start``.

        ``start`` defaults to ``order`` (the first symbol with a full context) and may not
        be smaller. Returns an array of ``len(x) - start`` probabilities.
        """
        self._check_fitted()
        x = _check_codes(x, "x", self.alphabet_size)
        k, C = self.order, self.alphabet_size
        start = k if start is None else _check_int(start, "start", k, x.size)
        pos = np.arange(start, x.size)
        sym = x[pos]
        ctx_all = {}
        ctx = np.zeros(pos.size, np.int64)
        ctx_all[0] = ctx
        for j in range(1, k + 1):  # context of the j symbols before each position
            ctx = ctx + x[pos - j] * C ** (j - 1)
            ctx_all[j] = ctx
        q = np.full(pos.size, 1.0 / C)
        for level, j in self._levels():
            h = ctx_all[j]
            gi, gfound, ci, cfound = level.find_both(h, h * C + sym)
            cnt = np.where(gfound, level.counts[gi], 0).astype(float)
            tot = np.where(cfound, level.total[ci], 0).astype(float)
            q = self._combine(q, cnt, tot, np.where(cfound, level.n1[ci], 0), level, cfound)
        return q

    def _combine(self, lower, cnt, tot, n1, level, seen):
        """One level's estimate from its counts and the lower order's estimate."""
        safe = np.where(seen, tot, 1.0)
        if self.smoothing == "none":
            return np.where(seen, cnt / safe, 0.0)
        if self.smoothing == "add-k":
            C = self.alphabet_size
            return (cnt + self.k) / (tot + self.k * C)
        D = level.discount
        return np.where(seen, (np.maximum(cnt - D, 0.0) + D * n1 * lower) / safe, lower)

    def predict_proba(self, contexts):
        """The distribution over the next symbol for each context: shape ``(m, alphabet_size)``.

        ``contexts`` has shape ``(m, order)``, the symbols before the prediction, oldest
        first.
        """
        self._check_fitted()
        k, C = self.order, self.alphabet_size
        h = np.asarray(contexts)
        if h.ndim != 2 or h.shape[1] != k:
            raise ValueError(f"contexts must have shape (m, order={k}); got shape {h.shape}")
        if h.size and (not np.issubdtype(h.dtype, np.integer) or h.min() < 0 or h.max() >= C):
            raise ValueError(f"contexts must hold integer codes in [0, {C}) (alphabet_size)")
        h = h.astype(np.int64)
        m = h.shape[0]
        looked_up = []  # per level: the seen (row, col, count) triples and the row totals
        for level, j in self._levels():
            key = np.zeros(m, np.int64)
            for t in range(j):  # the last j symbols of each context
                key = key * C + h[:, k - j + t]
            ci, cfound = level.find(level.ctx, key)
            n_follow = np.where(cfound, level.n1[ci], 0)
            rows = np.repeat(np.arange(m), n_follow)
            first = np.repeat(np.where(cfound, level.start[ci], 0), n_follow)
            offset = np.arange(rows.size) - np.repeat(np.cumsum(n_follow) - n_follow, n_follow)
            idx = first + offset
            cols, cnt = level.keys[idx] % C, level.counts[idx].astype(float)
            tot = np.where(cfound, level.total[ci], 0).astype(float)
            looked_up.append((level, rows, cols, cnt, tot, n_follow, cfound))
        q = np.empty((m, C))
        block = 2048  # rows combined at a time: the block stays in the cache for every level
        for a in range(0, m, block):
            b = min(a + block, m)
            qb = np.full((b - a, C), 1.0 / C)
            for level, rows, cols, cnt, tot, n_follow, cfound in looked_up:
                lo, hi = np.searchsorted(rows, [a, b])
                qb = self._combine_rows(qb, rows[lo:hi] - a, cols[lo:hi], cnt[lo:hi], tot[a:b],
                                        n_follow[a:b], level, cfound[a:b])
            q[a:b] = qb
        return q

    def _combine_rows(self, lower, rows, cols, cnt, tot, n1, level, seen):
        """:meth:`_combine` on whole rows, from the seen (row, col, count) triples only.

        Gives the same floating-point numbers as :meth:`_combine` on dense counts (an
        unseen symbol's count 0 adds exactly nothing), in a fraction of the time.
        """
        C = self.alphabet_size
        safe = np.where(seen, tot, 1.0)[:, None]
        if self.smoothing == "none":
            q = np.zeros_like(lower)
            q[rows, cols] = cnt / safe[rows, 0]
            return q
        if self.smoothing == "add-k":
            q = np.broadcast_to(self.k / (tot + self.k * C), lower.shape[::-1]).T.copy()
            q[rows, cols] = (cnt + self.k) / (tot[rows] + self.k * C)
            return q
        D = level.discount
        num = np.multiply((D * n1)[:, None], lower)
        num[rows, cols] += np.maximum(cnt - D, 0.0)
        np.divide(num, safe, out=num)
        unseen = ~seen
        if unseen.any():
            num[unseen] = lower[unseen]
        return num


def quantize_probabilities(q, *, precision=24):
    r"""Integer frequencies for an arithmetic coder: ``1 + floor(q (2**precision - C))``.

    Every symbol gets a frequency of at least 1 (so any symbol can be coded, at a cost of
    at most ``precision`` bits), and the total is at most about ``2**precision``; the
    code length under the frequencies exceeds :math:`-\log_2 q` by about
    :math:`C / 2^{\text{precision}}` bits per symbol on average.

    Parameters
    ----------
    q : array_like
        Probabilities, shape ``(..., C)``, rows summing to 1 (to 1e-6).
    precision : int, default 24
        Bits of the frequency total, 1 <= ... <= 28, with ``2**precision > 2 C``.

    Returns
    -------
    ndarray of int64, the shape of ``q``.

    See Also
    --------
    arithmetic_encode, arithmetic_decode

    References
    ----------
    * I. H. Witten, R. M. Neal and J. G. Cleary, "Arithmetic coding for data
      compression", Communications of the ACM 30 (1987), 520-540.

    Examples
    --------
    >>> quantize_probabilities([0.5, 0.25, 0.25], precision=4).tolist()
    [7, 4, 4]
    """
    precision = _check_int(precision, "precision", 1, 28)
    q = np.asarray(q, dtype=float)
    if q.ndim < 1 or q.shape[-1] < 1:
        raise ValueError(f"q must have a last axis of symbols; got shape {q.shape}")
    C = q.shape[-1]
    if 2**precision <= 2 * C:
        raise ValueError(f"precision must give 2**precision > 2 * C = {2 * C}; got {precision}")
    if not np.all(np.isfinite(q)) or np.any(q < 0):
        raise ValueError("q must hold finite, non-negative probabilities")
    if not np.allclose(q.sum(axis=-1), 1.0, rtol=0, atol=1e-6):
        raise ValueError("q must sum to 1 along its last axis")
    return 1 + np.floor(q * (2**precision - C)).astype(np.int64)


_BITS = 32
_FULL = (1 << _BITS) - 1
_HALF = 1 << (_BITS - 1)
_QUARTER = 1 << (_BITS - 2)
_MAX_TOTAL = _QUARTER


def _check_freqs(f, name):
    f = np.asarray(f)
    if f.ndim not in (1, 2) or f.shape[-1] < 1:
        raise ValueError(f"{name} must have shape (C,) or (n, C); got shape {f.shape}")
    if f.size and not np.issubdtype(f.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {f.dtype}")
    f = f.astype(np.int64)
    if np.any(f < 0):
        raise ValueError(f"{name} must be non-negative")
    tot = f.sum(axis=-1)
    if np.any(tot < 1) or np.any(tot > _MAX_TOTAL):
        raise ValueError(f"each row of {name} must sum to between 1 and 2**{_BITS - 2}")
    return f


def arithmetic_encode(symbols, freqs):
    r"""Arithmetic-code a sequence of symbols, each with its own frequency table.

    A 32-bit integer arithmetic coder in the manner of Witten, Neal and Cleary (1987):
    symbol :math:`x_i` narrows the current interval to its share
    :math:`f_i(x_i)/\sum_c f_i(c)`, and the leading bits that the interval's ends agree
    on are written out. The output has at most
    :math:`\sum_i -\log_2 \bigl(f_i(x_i) / t_i\bigr) + 2` bits before padding to whole
    bytes, :math:`t_i = \sum_c f_i(c)`, plus a rounding loss: the interval's width is an
    integer above :math:`2^{30}`, so symbol :math:`i` gets a share of at least
    :math:`f_i(x_i)/t_i - 2^{-30}` (and at least :math:`2^{-32}`), about
    :math:`t_i / (f_i(x_i)\, 2^{30} \ln 2)` bits of loss; negligible when the totals are
    far below :math:`2^{30}` (with the totals of about :math:`2^{24}` of
    :func:`quantize_probabilities`, at most 0.023 bits for a symbol of frequency 1).

    Parameters
    ----------
    symbols : array_like of int
        The sequence, shape ``(n,)``, codes in ``[0, C)``.
    freqs : array_like of int
        Frequencies, shape ``(C,)`` (one table for all) or ``(n, C)`` (one per symbol);
        non-negative, each row summing to at most ``2**30``, and the coded symbol's
        frequency at least 1.

    Returns
    -------
    bytes

    See Also
    --------
    arithmetic_decode, quantize_probabilities, NGramModel

    References
    ----------
    * I. H. Witten, R. M. Neal and J. G. Cleary, "Arithmetic coding for data
      compression", Communications of the ACM 30 (1987), 520-540.

    Examples
    --------
    >>> data = arithmetic_encode([0, 1, 0, 0], [3, 1])
    >>> arithmetic_decode(data, 4, [3, 1]).tolist()
    [0, 1, 0, 0]
    """
    f = _check_freqs(freqs, "freqs")
    C = f.shape[-1]
    x = _check_codes(symbols, "symbols", C)
    n = x.size
    if f.ndim == 2 and f.shape[0] != n:
        raise ValueError(f"freqs has {f.shape[0]} rows for {n} symbols")
    if n == 0:
        return b""
    rows = np.broadcast_to(f, (n, C)) if f.ndim == 1 else f
    lo_l, hi_l, tot_l = [], [], []
    for s in range(0, n, 65536):  # cumulative frequencies, a chunk at a time
        cum = np.cumsum(rows[s : s + 65536], axis=1)
        xs = x[s : s + 65536]
        hi = cum[np.arange(xs.size), xs]
        lo = hi - rows[s : s + 65536][np.arange(xs.size), xs]
        if np.any(hi == lo):
            raise ValueError("freqs gives a coded symbol frequency 0")
        lo_l.append(lo)
        hi_l.append(hi)
        tot_l.append(cum[:, -1])
    lows, highs, totals = (np.concatenate(a).tolist() for a in (lo_l, hi_l, tot_l))
    out = []
    low, high, pending = 0, _FULL, 0
    for c_lo, c_hi, tot in zip(lows, highs, totals, strict=True):
        rng = high - low + 1
        high = low + rng * c_hi // tot - 1
        low = low + rng * c_lo // tot
        while True:
            if high < _HALF:
                out.append(0)
                out.extend([1] * pending)
                pending = 0
            elif low >= _HALF:
                out.append(1)
                out.extend([0] * pending)
                pending = 0
                low -= _HALF
                high -= _HALF
            elif low >= _QUARTER and high < _HALF + _QUARTER:
                pending += 1
                low -= _QUARTER
                high -= _QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
    # two more bits (and the pending ones) pick a quarter inside [low, high]
    pending += 1
    if low < _QUARTER:
        out.append(0)
        out.extend([1] * pending)
    else:
        out.append(1)
        out.extend([0] * pending)
    return np.packbits(np.array(out, dtype=np.uint8)).tobytes()


def arithmetic_decode(data, n, freqs):
    """Decode ``n`` symbols written by :func:`arithmetic_encode`.

    Parameters
    ----------
    data : bytes
        The code.
    n : int
        Number of symbols.
    freqs : array_like of int or callable
        The encoder's frequencies: shape ``(C,)`` or ``(n, C)``, or a function
        ``freqs(decoded)`` that receives the list of symbols decoded so far and returns
        the frequency table of the next one (how a model-driven decoder works: it can
        only predict from what it has already decoded).

    Returns
    -------
    ndarray of int64, shape ``(n,)``

    See Also
    --------
    arithmetic_encode

    References
    ----------
    * I. H. Witten, R. M. Neal and J. G. Cleary, "Arithmetic coding for data
      compression", Communications of the ACM 30 (1987), 520-540.

    Examples
    --------
    >>> arithmetic_decode(arithmetic_encode([2, 2, 0], [1, 1, 2]), 3, [1, 1, 2]).tolist()
    [2, 2, 0]
    """
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError(f"data must be bytes, got {type(data).__name__}")
    n = _check_int(n, "n", 0)
    if callable(freqs):
        table = None
    else:
        table = _check_freqs(freqs, "freqs")
        if table.ndim == 2 and table.shape[0] != n:
            raise ValueError(f"freqs has {table.shape[0]} rows for n={n} symbols")
    bits = np.unpackbits(np.frombuffer(bytes(data), dtype=np.uint8)).tolist()
    bits.extend([0] * _BITS)
    value = 0
    for b in bits[:_BITS]:
        value = 2 * value + b
    pos = _BITS
    low, high = 0, _FULL
    decoded = []
    for i in range(n):
        if table is None:
            row = _check_freqs(freqs(decoded), "freqs(decoded)")
            if row.ndim != 1:
                raise ValueError("freqs(decoded) must return one frequency table, shape (C,)")
        else:
            row = table if table.ndim == 1 else table[i]
        cum = np.cumsum(row)
        tot = int(cum[-1])
        rng = high - low + 1
        target = ((value - low + 1) * tot - 1) // rng
        s = int(np.searchsorted(cum, target, side="right"))
        c_hi = int(cum[s])
        c_lo = c_hi - int(row[s])
        decoded.append(s)
        high = low + rng * c_hi // tot - 1
        low = low + rng * c_lo // tot
        while True:
            if high < _HALF:
                pass
            elif low >= _HALF:
                low -= _HALF
                high -= _HALF
                value -= _HALF
            elif low >= _QUARTER and high < _HALF + _QUARTER:
                low -= _QUARTER
                high -= _QUARTER
                value -= _QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
            value = 2 * value + (bits[pos] if pos < len(bits) else 0)
            pos += 1
    return np.array(decoded, dtype=np.int64)
