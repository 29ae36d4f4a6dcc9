"""Exact splitting of an amount of öre among participants by integer weights.

The rule (product spec): a total C öre is split by weights w ≥ 0 with W = Σw. Every participant
gets ⌊C·w/W⌋; the r = C − Σ⌊C·w/W⌋ öre left over go one each to the r participants with the
largest remainders C·w mod W, ties to the lower participant index (columns are ordered by
organisation code). A negative C is split as −split(|C|). Parts always sum to C. W = 0 is an
error, and so is a negative weight.

``split_one`` is the plain Python-int reference, exact for any size. ``split_rows`` and
``split_shared`` do many rows at once with NumPy and give the same answer bit for bit.

How the vectorised path stays exact yet fast (see docs/performance.md, "Split"):

* Rows are processed in blocks of about 2^17 cells so every temporary stays in cache; the
  output is written once per block. Large inputs use one thread per core (NumPy releases the
  GIL inside its loops).
* Arithmetic is float64 on integers that are exactly representable: with A = |C|, the product
  P = A·w < 2^52 and W < 2^52 are exact, ⌊fl(P/W)⌋ is the true quotient or one too many (never
  too few, division is correctly rounded), and R = P − Q·W is computed exactly, so one rare
  fix-up (R < 0 → Q − 1, R + W) gives the exact quotient and remainder. Rows outside those
  bounds take an int64 path, and rows beyond int64 the Python-int reference.
* The öre left over per row, k = A − ΣQ, go to the k largest remainders. Instead of sorting
  we map R monotonically to a 16-bit bucket ⌊R·65535/W⌋ and find the bucket of the k-th
  largest with ``np.partition`` (fast SIMD selection for 16-bit keys). It needs one kth per
  call, so rows are grouped by k and padded with max/min sentinels so every row of a group
  shares the same kth. Cells in a higher bucket win outright; only the cells in the threshold
  bucket (usually one or two per row) are ranked exactly by (remainder desc, index asc).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import numpy as np
import numpy.typing as npt

__all__ = ["SplitError", "scale_decimal_weights", "split_one", "split_rows", "split_shared"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U16 = npt.NDArray[np.uint16]
Bool = npt.NDArray[np.bool_]
IntP = npt.NDArray[np.intp]

_EXACT = 2.0**52  # bound for P and W: Q·W ≤ P + W < 2^53 stays exact in float64
_INT_SAFE = 2.0**62  # bound for A·max(w) on the int64 path (float test, with margin)
_TOP = 65535  # largest 16-bit bucket
_BLOCK_CELLS = 1 << 17  # cells per block: float temporaries of 1 MiB stay in L2/L3
_THREAD_CELLS = 1 << 21  # below this many cells a thread pool costs more than it gains


class SplitError(ValueError):
    """Rows that cannot be split.

    ``rows`` is a sorted tuple of every row index whose weights sum to zero or contain a
    negative weight (``split_one`` reports its single row as ``(0,)``).
    """

    def __init__(self, rows: Sequence[int]) -> None:
        self.rows: tuple[int, ...] = tuple(sorted(int(r) for r in rows))
        shown = ", ".join(map(str, self.rows[:20])) + (" …" if len(self.rows) > 20 else "")
        super().__init__(f"{len(self.rows)} row(s) with zero total weight or a negative weight: {shown}")


# --------------------------------------------------------------------------- reference


def split_one(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` öre by integer ``weights``; the exact Python-int reference.

    Returns one int per weight, summing to ``total``. Raises SplitError (rows ``(0,)``) if the
    weights sum to zero or one is negative. Exact for integers of any size.
    """
    c = int(total)
    ws = [int(x) for x in weights]
    big_w = sum(ws)
    if big_w <= 0 or any(x < 0 for x in ws):
        raise SplitError((0,))
    a = abs(c)
    parts: list[int] = []
    rems: list[int] = []
    for x in ws:
        q, r = divmod(a * x, big_w)
        parts.append(q)
        rems.append(r)
    left = a - sum(parts)
    # Stable sort on -remainder keeps lower indices first among equal remainders.
    for j in sorted(range(len(ws)), key=lambda j: -rems[j])[:left]:
        parts[j] += 1
    return parts if c >= 0 else [-p for p in parts]


def scale_decimal_weights(values: Sequence[Decimal]) -> list[int]:
    """Non-negative finite Decimals → ints scaled by one common power of ten, exactly.

    ``[Decimal("1.5"), Decimal("2.25")]`` → ``[150, 225]``. Raises ValueError for a negative
    or non-finite value. Splitting by the result equals splitting by the Decimals.
    """
    decimals = 0
    for v in values:
        if not isinstance(v, Decimal) or not v.is_finite():
            raise ValueError(f"weight is not a finite Decimal: {v!r}")
        if v < 0:
            raise ValueError(f"negative weight: {v}")
        exp = v.normalize().as_tuple().exponent
        assert isinstance(exp, int)  # finite Decimals have an int exponent
        decimals = max(decimals, -exp)
    scaled = [v.scaleb(decimals) for v in values]
    return [int(s) for s in scaled]  # exact: every scaled value is integral


# --------------------------------------------------------------------------- public API


def _as_int64(a: npt.ArrayLike, name: str) -> I64:
    arr = np.asarray(a)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array, got {arr.dtype}")
    if arr.dtype == np.uint64 and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
        raise OverflowError(f"{name} does not fit in int64")
    return arr.astype(np.int64, copy=False)


def split_rows(totals: npt.ArrayLike, weights: npt.ArrayLike) -> I64:
    """Split every row's total by that row's weights.

    totals: integer array (n,) in öre. weights: integer array (n, m); row i holds the weights
    of row i's participants, zero for a non-participant. Returns int64 (n, m) where row i sums
    exactly to totals[i] and equals ``split_one(totals[i], weights[i])``. Raises SplitError
    listing every row whose weights sum to zero or contain a negative weight.
    """
    c = _as_int64(totals, "totals")
    w = _as_int64(weights, "weights")
    if w.ndim != 2 or c.shape != (w.shape[0],):
        raise ValueError(f"totals {c.shape} and weights {w.shape} must be (n,) and (n, m)")
    n, m = w.shape

    def load(s: int, e: int, wf: F64) -> tuple[F64, Bool]:
        blk = w[s:e]
        np.copyto(wf, blk, casting="unsafe")  # exact for |w| < 2^53; larger ones → W too big
        big_w = wf.sum(axis=1)
        bad = big_w == 0
        if wf.min(initial=0.0) < 0:
            bad |= wf.min(axis=1) < 0
        return big_w, bad

    def row_weights(i: int) -> I64:
        row: I64 = w[i]
        return row

    return _split(c, m, load, row_weights)


def split_shared(totals: npt.ArrayLike, weights: npt.ArrayLike, weight_row: npt.ArrayLike) -> I64:
    """Split every row's total by one of a few shared weight vectors.

    totals: integer array (n,) in öre. weights: integer array (k, m), one weight vector per key.
    weight_row: integer array (n,), row i is split by ``weights[weight_row[i]]``. Returns int64
    (n, m), the same as ``split_rows(totals, weights[weight_row])`` without materialising the
    (n, m) weights. Raises SplitError listing every row whose key sums to zero or holds a
    negative weight.
    """
    c = _as_int64(totals, "totals")
    w = _as_int64(weights, "weights")
    key = _as_int64(weight_row, "weight_row")
    if w.ndim != 2 or c.ndim != 1 or key.shape != c.shape:
        raise ValueError(f"totals {c.shape}, weights {w.shape}, weight_row {key.shape} must be (n,), (k, m), (n,)")
    if key.size and (key.min() < 0 or key.max() >= w.shape[0]):
        raise IndexError("weight_row holds an index outside weights")
    m = w.shape[1]
    keys_f = w.astype(np.float64)
    key_w = keys_f.sum(axis=1)
    key_bad = (key_w == 0) | (keys_f.min(axis=1, initial=0.0) < 0)
    bad_rows = np.flatnonzero(key_bad[key])
    if bad_rows.size:
        raise SplitError(bad_rows.tolist())

    def load(s: int, e: int, wf: F64) -> tuple[F64, Bool]:
        idx = key[s:e]
        np.take(keys_f, idx, axis=0, out=wf)
        return key_w[idx], np.zeros(e - s, np.bool_)

    def row_weights(i: int) -> I64:
        row: I64 = w[key[i]]
        return row

    return _split(c, m, load, row_weights)


# --------------------------------------------------------------------------- engine

# load(start, stop, wf) fills wf (stop-start, m) with float weights; returns (W, bad rows).
_Loader = Callable[[int, int, F64], tuple[F64, Bool]]


def _split(c: I64, m: int, load: _Loader, row_weights: Callable[[int], I64]) -> I64:
    n = c.shape[0]
    out = np.empty((n, m), np.int64)
    if n == 0 or m == 0:
        if n:
            raise SplitError(range(n))
        return out
    a = np.abs(c.astype(np.float64))  # exact below 2^53; bigger rows go the slow way
    rows_per_block = max(1, _BLOCK_CELLS // m)
    starts = list(range(0, n, rows_per_block))
    threads = min(os.cpu_count() or 1, len(starts), max(1, (n * m) // _THREAD_CELLS))

    def work(part: int) -> tuple[list[IntP], list[IntP]]:
        bufs = _take_buffers(min(rows_per_block, n), m)
        bad: list[IntP] = []
        slow: list[IntP] = []
        for s in starts[part::threads]:
            e = min(n, s + rows_per_block)
            b, sl = _block(c[s:e], a[s:e], load, out[s:e], bufs, s)
            bad.append(b + s)
            slow.append(sl + s)
        _give_back(bufs)
        return bad, slow

    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(work, range(threads)))
    else:
        results = [work(0)]
    bad_rows = np.concatenate([x for r in results for x in r[0]])
    if bad_rows.size:
        raise SplitError(bad_rows.tolist())
    slow_rows = np.sort(np.concatenate([x for r in results for x in r[1]]))
    if slow_rows.size:
        _slow_rows(c, slow_rows, row_weights, out)
    return out


class _Buffers:
    """Per-thread scratch arrays, reused across blocks (and calls) so that no block allocates
    big memory: in this kind of VM a first touch of fresh memory costs more than the maths."""

    def __init__(self, rows: int, m: int) -> None:
        self.rows, self.m = rows, m
        # Widest k-range a partition group may pad for. Short rows pay per row, not per cell,
        # so they pad up to m and always form a single group (0 ≤ k < m).
        self.pad = m if m <= 512 else max(64, m // 8)
        self.wf = np.empty((rows, m), np.float64)
        self.q = np.empty((rows, m), np.float64)
        self.r = np.empty((rows, m), np.float64)
        self.bucket = np.empty((rows, m), np.uint16)
        self.padded = np.empty((rows, m + self.pad), np.uint16)
        self.gt = np.empty((rows, m), np.bool_)
        self.eq = np.empty((rows, m), np.bool_)
        # NumPy runs one inner loop per row for a broadcast (rows, 1) column, which is slow
        # for short rows; those get the per-row values spread out to full arrays instead.
        self.spread = m < 256
        self.cols = np.empty((3, rows, m) if self.spread else (3, 0, 0), np.float64)

    def col(self, slot: int, v: F64) -> F64:
        """Per-row values v as an operand for a (len(v), m) array."""
        if not self.spread:
            return v[:, None]
        full = self.cols[slot, : v.shape[0]]
        np.copyto(full, v[:, None])
        return full


# A few scratch sets are kept between calls: fresh memory costs a page fault per 4 KiB on first
# touch, which for a small split (150 × 80) costs more than the split itself.
_CACHE: list[_Buffers] = []
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def _take_buffers(rows: int, m: int) -> _Buffers:
    with _CACHE_LOCK:
        for i, bufs in enumerate(_CACHE):
            if bufs.m == m and bufs.rows >= rows:
                return _CACHE.pop(i)
    return _Buffers(rows, m)


def _give_back(bufs: _Buffers) -> None:
    with _CACHE_LOCK:
        _CACHE.append(bufs)
        del _CACHE[:-_CACHE_SIZE]


def _clear_buffer_cache() -> None:
    """Drop the kept scratch arrays (for memory measurements)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _block(c: I64, a: F64, load: _Loader, out: I64, bufs: _Buffers, first_row: int) -> tuple[IntP, IntP]:
    """Split one block of rows into ``out``; returns local (bad rows, rows left for later)."""
    nb, m = out.shape
    wf = bufs.wf[:nb]
    big_w, bad = load(first_row, first_row + nb, wf)
    # Rows the float path cannot do exactly, or must not do at all, are zeroed here (A = 0,
    # W = 1 gives an all-zero row, harmless) and redone or reported afterwards.
    slow = (a >= _EXACT) | (big_w >= _EXACT)
    skip = slow | bad
    if skip.any():
        a = np.where(skip, 0.0, a)
        big_w = np.where(skip, 1.0, big_w)
    p = wf
    np.multiply(wf, bufs.col(0, a), out=p)  # exact while < 2^53
    if p.max() >= _EXACT:
        over = p.max(axis=1) >= _EXACT
        p[over] = 0.0
        a = np.where(over, 0.0, a)
        big_w = np.where(over, 1.0, big_w)
        slow |= over
    q = bufs.q[:nb]
    r = bufs.r[:nb]
    w_col = bufs.col(1, big_w)
    np.divide(p, w_col, out=q)
    np.floor(q, out=q)  # the true quotient, or one more when fl(P/W) rounded up to an integer
    np.multiply(q, w_col, out=r)
    np.subtract(p, r, out=r)  # exact remainder of that quotient: in [-W, W)
    if r.min() < 0:
        fix = r < 0
        q[fix] -= 1.0
        r[fix] += np.broadcast_to(big_w[:, None], r.shape)[fix]
    _finish(c, a, q, r, big_w, out, bufs)
    return np.flatnonzero(bad), np.flatnonzero(slow & ~bad)


def _finish(c: I64, a: F64, q: F64, r: F64, big_w: F64, out: I64, bufs: _Buffers) -> None:
    """Given exact quotients q and remainders r (floats) hand out the leftover öre → out."""
    nb, m = q.shape
    left = (a - q.sum(axis=1)).astype(np.int64)  # k per row, 0 ≤ k < m
    b = bufs.bucket[:nb]
    # Monotone 16-bit image of the remainder: R < W ⇒ R·(65535/W) < 65535 (W < 2^52).
    scaled = bufs.wf[:nb]  # P is no longer needed
    np.multiply(r, bufs.col(2, _TOP / big_w), out=scaled)
    np.copyto(b, scaled, casting="unsafe")
    thr = _threshold_buckets(b, left, bufs.padded[:nb], bufs.pad)
    # Cells above the threshold bucket all get one öre; count them to know what is left for
    # the threshold bucket itself.
    gt = np.greater(b, thr[:, None], out=bufs.gt[:nb])
    above = np.bitwise_count(np.packbits(gt, axis=1)).sum(axis=1, dtype=np.int64)
    band = np.equal(b, thr[:, None], out=bufs.eq[:nb])
    np.add(q, gt.view(np.uint8), out=q)
    _resolve_band(band, r, left - above, q)
    neg = np.flatnonzero(c < 0)
    if neg.size:
        q[neg] *= -1.0
    np.copyto(out, q, casting="unsafe")


def _threshold_buckets(b: U16, left: I64, padded: U16, pad: int) -> U16:
    """Per row, the bucket of its k-th largest remainder (k = left); _TOP where k = 0.

    np.partition takes one kth per call. Rows are grouped by k (span ≤ pad); a row with k_i in
    a group [k_lo, k_hi] gets k_hi − k_i copies of the top value and k_i − k_lo zeros appended,
    so in every row of the group the k_hi-th largest of the padded row is the k_i-th largest of
    the real cells, at the same position m − k_lo. Partitioning happens in place in ``padded``.
    """
    nb, m = b.shape
    thr = np.full(nb, _TOP, np.uint16)
    live = np.flatnonzero(left > 0)
    if not live.size:
        return thr
    order = live[np.argsort(left[live], kind="stable")]
    ks = left[order]
    start = 0
    while start < order.size:
        k_lo = int(ks[start])
        stop = int(np.searchsorted(ks, k_lo + pad, side="right"))
        k_hi = int(ks[stop - 1])
        span = k_hi - k_lo
        g = stop - start
        group = padded[:g, : m + span]
        if g == nb:  # whole block in one group: no row gather
            rows, ks_group = np.arange(nb), left
            group[:, :m] = b
        else:
            rows, ks_group = order[start:stop], ks[start:stop]
            group[:, :m] = b[rows]
        if span:
            tops = (k_hi - ks_group)[:, None]
            np.multiply(np.arange(span) < tops, np.uint16(_TOP), out=group[:, m:])
        group.partition(m - k_lo, axis=1)
        thr[rows] = group[:, m - k_lo]
        start = stop
    return thr


def _resolve_band(band: Bool, r: F64, need: I64, q: F64) -> None:
    """Add one öre in q to the cells of each row's threshold bucket that win it.

    band marks each row's cells in its threshold bucket; row i hands out need[i] more öre
    among them, by remainder desc then index asc.
    """
    nb, m = band.shape
    # A wide band is almost always an equal split (every participant has the same remainder):
    # then the first need[i] cells in index order win, done with a row-wise cumsum instead of
    # gathering every cell.
    width = np.bitwise_count(np.packbits(band, axis=1)).sum(axis=1, dtype=np.int64)
    wide = np.flatnonzero((width > 64) & (need > 0))
    if wide.size:
        bw, rw = band[wide], r[wide]
        same = np.where(bw, rw, np.inf).min(axis=1) == np.where(bw, rw, -np.inf).max(axis=1)
        rows = wide[same]
        if rows.size:
            bs = bw[same]
            q[rows] += bs & (np.cumsum(bs, axis=1) <= need[rows][:, None])
            band[rows] = False
    flat = np.flatnonzero(band)  # row-major, so rows ascending, index ascending
    rows = flat // m
    want = need[rows]
    keep = want > 0
    flat, rows, want = flat[keep], rows[keep], want[keep]
    if not flat.size:
        return
    rem = r.ravel()[flat]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    # Usually the band has one cell or equal remainders; then index order is the ranking.
    # Only rows with differing remainders are sorted.
    mixed = np.maximum.reduceat(rem, starts) != np.minimum.reduceat(rem, starts)
    if mixed.any():
        sel = np.flatnonzero(np.repeat(mixed, np.diff(np.r_[starts, rows.size])))
        perm = np.lexsort((-rem[sel], rows[sel]))  # stable: index asc among equal remainders
        flat[sel] = flat[sel][perm]
    rank = np.arange(flat.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    q.ravel()[flat[rank < want]] += 1.0


def _slow_rows(c: I64, rows: IntP, row_weights: Callable[[int], I64], out: I64) -> None:
    """Rows beyond the float path (big totals or products), a block of rows at a time."""
    per_block = max(1, _BLOCK_CELLS // max(1, out.shape[1]))
    for s in range(0, rows.size, per_block):
        _slow_block(c, rows[s : s + per_block], row_weights, out)


def _slow_block(c: I64, rows: IntP, row_weights: Callable[[int], I64], out: I64) -> None:
    """Whole multiples of the weights first, then int64 arithmetic; Python ints where even
    that could overflow.

    With a = k·W + r every floor(a·w/W) is k·w + floor(r·w/W) and every remainder a·w mod W
    equals r·w mod W, so the split of a is k·w plus the split of r — the same ranking, with
    products r·w small enough for int64 where r < W is (a total re-split by amounts summing to
    about it, e.g. indexing: r is the index). Whole rows at once: a large cycle's indexed
    re-split sends every object's row here.
    """
    m = out.shape[1]
    w = np.stack([row_weights(i) for i in rows.tolist()]).astype(np.int64, copy=False)
    total = c[rows]
    # W exact in int64 and in float64 (below 2^52, as _finish needs); |total| representable.
    fits = (total != np.iinfo(np.int64).min) & (w.sum(axis=1, dtype=np.float64) < _EXACT)
    a = np.abs(np.where(fits, total, 0))
    big_w = np.where(fits, w.sum(axis=1), 1)
    k, r = np.divmod(a, big_w)
    fits &= r.astype(np.float64) * w.max(axis=1).astype(np.float64) < _INT_SAFE
    done = np.flatnonzero(fits)
    if done.size:
        wd, rd, big = w[done], r[done], big_w[done][:, None]
        p = wd * rd[:, None]
        q = p // big
        rd_f = rd.astype(np.float64)
        part = np.empty_like(wd)
        rests = (p - q * big).astype(np.float64)
        _finish(rd, rd_f, q.astype(np.float64), rests, big_w[done].astype(np.float64), part, _Buffers(done.size, m))
        part += wd * k[done][:, None]  # k·w ≤ a: fits, and so does the row's sum a
        negative = total[done] < 0
        part[negative] *= -1
        out[rows[done]] = part
    for j in np.flatnonzero(~fits).tolist():
        i = int(rows[j])
        out[i] = split_one(int(c[i]), row_weights(i).tolist())
