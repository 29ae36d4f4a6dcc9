"""fordela.engine.split: the exact largest-remainder split (no database)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fordela.engine.split import (
    SplitError,
    scale_decimal_weights,
    split_one,
    split_rows,
    split_shared,
)

totals = st.integers(min_value=-(10**13), max_value=10**13)
weight_lists = st.lists(st.integers(min_value=0, max_value=20_000), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)
fast = settings(max_examples=200, deadline=None)


def by_rows(c: list[int], w: list[list[int]]) -> np.ndarray:
    return split_rows(np.array(c, dtype=np.int64), np.array(w, dtype=np.int64))


# --------------------------------------------------------------------------- hand-computed


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (10, [1, 1], [5, 5]),
        (11, [1, 1], [6, 5]),  # tie on remainder → lower index
        (1, [0, 1, 1], [0, 1, 0]),  # non-participant never gets the odd öre
        (2, [1, 1, 1], [1, 1, 0]),
        (7, [5], [7]),
        (0, [3, 4], [0, 0]),
        # 10·w = 10, 20, 70 over W = 10·… : 1·10/10 … exact split, no leftover
        (10, [1, 2, 7], [1, 2, 7]),
        # remainders 100·1 mod 6 = 4, 100·2 mod 6 = 2, 100·3 mod 6 = 0; 16+33+50 = 99 → 1 left
        (100, [1, 2, 3], [17, 33, 50]),
        # remainders 5·3 mod 7 = 1, 5·4 mod 7 = 6: 2+2 = 4 → the larger remainder (index 1) wins
        (5, [3, 4], [2, 3]),
    ],
)
def test_hand_computed(total: int, weights: list[int], expected: list[int]) -> None:
    assert split_one(total, weights) == expected
    assert by_rows([total], [weights]).tolist() == [expected]


def test_zero_total_weight_is_an_error() -> None:
    with pytest.raises(SplitError) as err:
        split_one(5, [0, 0])
    assert err.value.rows == (0,)
    with pytest.raises(SplitError):
        split_one(5, [2, -1])


# --------------------------------------------------------------------------- properties


@fast
@given(totals, weight_lists)
def test_parts_sum_to_total(total: int, ws: list[int]) -> None:
    parts = split_one(total, ws)
    assert sum(parts) == total
    assert by_rows([total], [ws]).tolist() == [parts]


@fast
@given(totals, weight_lists)
def test_negative_total_is_symmetric(total: int, ws: list[int]) -> None:
    assert split_one(-total, ws) == [-p for p in split_one(total, ws)]


@fast
@given(st.integers(0, 10**13), weight_lists)
def test_larger_weight_never_gets_less(total: int, ws: list[int]) -> None:
    parts = split_one(total, ws)
    for i in range(len(ws)):
        for j in range(len(ws)):
            if ws[i] > ws[j]:
                assert parts[i] >= parts[j]
    # every part is within one öre of the exact share
    big_w = sum(ws)
    assert all(abs(p * big_w - total * w) < big_w for p, w in zip(parts, ws, strict=True))


@fast
@given(totals, weight_lists, st.integers(1, 10**6))
def test_scaling_weights_changes_nothing(total: int, ws: list[int], factor: int) -> None:
    assert split_one(total, [w * factor for w in ws]) == split_one(total, ws)


@fast
@given(totals, weight_lists, st.randoms(use_true_random=False))
def test_permuting_participants(total: int, ws: list[int], rnd: object) -> None:
    perm = list(range(len(ws)))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    permuted = split_one(total, [ws[p] for p in perm])
    # Ties go by position, so in general the permuted split is the split of the permuted
    # order — but the floors are the same, and participants whose remainder is unique keep
    # their part exactly.
    original = split_one(total, ws)
    a, big_w = abs(total), sum(ws)
    rems = [a * w % big_w for w in ws]
    for new_pos, old in enumerate(perm):
        assert abs(permuted[new_pos]) - (a * ws[old] // big_w) in (0, 1)
        if rems.count(rems[old]) == 1:
            assert permuted[new_pos] == original[old]
    # and the vectorised version agrees with the reference on the permuted order
    assert by_rows([total], [[ws[p] for p in perm]]).tolist() == [permuted]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 60),
    st.sampled_from(["random", "zeros", "equal", "wide", "huge", "single", "mixed", "indexed"]),
    st.integers(0, 2**32 - 1),
)
def test_split_rows_equals_reference(n: int, m: int, kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    c = rng.integers(-(2 * 10**11), 2 * 10**11, n)
    w = rng.integers(0, 20_000, (n, m))
    if kind in ("zeros", "mixed"):
        w[rng.random((n, m)) < 0.5] = 0
    if kind in ("equal", "mixed"):
        eq = rng.random(n) < 0.5
        w[eq] = np.where(w[eq] > 0, 37, 0)
    if kind == "wide":  # A·w beyond 2^52 but within int64: the int64 path
        w = rng.integers(0, 10**6, (n, m))
        c[rng.random(n) < 0.3] = 0
    if kind in ("huge", "mixed"):
        # beyond the float path: big weights (int64 path) and beyond int64 (Python path)
        big = rng.random(n) < 0.5
        w[big] = rng.integers(0, 2**40, (int(big.sum()), m))
        c[rng.random(n) < 0.2] = rng.integers(2**53, 2**62)
        c[rng.random(n) < 0.1] = np.iinfo(np.int64).min
        w[rng.random(n) < 0.1] = rng.integers(2**50, 2**58, m) // m
    if kind == "indexed":  # a total re-split by amounts summing to about it: whole multiples first
        w = rng.integers(0, 10**10, (n, m))
        w[rng.random((n, m)) < 0.3] = 0
        c = w.sum(axis=1) * rng.integers(100, 130, n) // 100 * rng.choice([-1, 1], n)
    if kind == "single":
        w[:, :] = 0
        w[np.arange(n), rng.integers(0, m, n)] = rng.integers(1, 20_000, n)
    w[w.sum(axis=1) == 0, 0] = 1
    got = split_rows(c, w)
    assert got.dtype == np.int64
    assert got.shape == (n, m)
    for i in range(n):
        assert got[i].tolist() == split_one(int(c[i]), w[i].tolist())


def test_split_rows_large_block_with_ties() -> None:
    # Several blocks, threads, groups of different k, equal-weight rows and exact divisions.
    rng = np.random.default_rng(7)
    n, m = 400, 3000
    c = rng.integers(-(2 * 10**11), 2 * 10**11, n)
    w = rng.integers(0, 20_000, (n, m))
    w[rng.random((n, m)) < 0.3] = 0
    w[::7] = 5  # equal weights, any leftover
    w[3::11, : m // 2] = 0
    c[::13] = 0
    c[5::17] = m * 1000  # divides evenly among equal weights
    got = split_rows(c, w)
    assert (got.sum(axis=1) == c).all()
    for i in range(0, n, 9):
        assert got[i].tolist() == split_one(int(c[i]), w[i].tolist())


def test_split_shared_equals_split_rows() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 20_000, (6, 500))
    keys[1] = 4
    keys[2, ::3] = 0
    row_key = rng.integers(0, 6, 300)
    c = rng.integers(-(2 * 10**11), 2 * 10**11, 300)
    assert (split_shared(c, keys, row_key) == split_rows(c, keys[row_key])).all()


def test_split_error_lists_every_bad_row() -> None:
    w = np.ones((50, 4), dtype=np.int64)
    w[[3, 17, 49]] = 0
    w[21, 2] = -1
    with pytest.raises(SplitError) as err:
        split_rows(np.full(50, 100), w)
    assert err.value.rows == (3, 17, 21, 49)
    keys = np.array([[1, 2], [0, 0], [3, -1]])
    with pytest.raises(SplitError) as err:
        split_shared(np.array([1, 2, 3, 4]), keys, np.array([0, 1, 2, 1]))
    assert err.value.rows == (1, 2, 3)


def test_input_checks() -> None:
    with pytest.raises(TypeError):
        split_rows(np.array([1.0]), np.array([[1]]))
    with pytest.raises(ValueError):
        split_rows(np.array([1, 2]), np.array([[1]]))
    with pytest.raises(IndexError):
        split_shared(np.array([1]), np.array([[1]]), np.array([1]))
    assert split_rows(np.zeros(0, np.int64), np.zeros((0, 3), np.int64)).shape == (0, 3)


# --------------------------------------------------------------------------- decimals


def test_scale_decimal_weights() -> None:
    assert scale_decimal_weights([Decimal("1.5"), Decimal("2.25"), Decimal("3")]) == [150, 225, 300]
    assert scale_decimal_weights([Decimal("1E+2"), Decimal("0.10")]) == [1000, 1]
    assert scale_decimal_weights([]) == []
    for bad in (Decimal("-1"), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValueError):
            scale_decimal_weights([Decimal(1), bad])


@fast
@given(
    totals,
    st.lists(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False), min_size=1).filter(
        lambda ds: sum(ds) > 0
    ),
)
def test_decimal_weights_split_like_exact_fractions(total: int, ds: list[Decimal]) -> None:
    scaled = scale_decimal_weights(ds)
    # one common factor: scaled[i] / ds[i] is the same for every i (cross-multiplied, exact)
    assert all(isinstance(x, int) for x in scaled)
    assert all(Decimal(scaled[i]) * ds[0] == Decimal(scaled[0]) * ds[i] for i in range(len(ds)))
    assert min(scaled) >= 0 and sum(scaled) > 0
    parts = split_one(total, scaled)
    assert sum(parts) == total
    assert split_one(total, [x * 7 for x in scaled]) == parts


@given(
    st.integers(-(2**62), 2**62),
    st.lists(st.integers(0, 2**40), min_size=1, max_size=40).filter(lambda ws: sum(ws) > 0),
)
def test_totals_far_beyond_the_weights_split_as_the_reference(total: int, ws: list[int]) -> None:
    """Rows whose total times a weight is beyond float and int64 (an amount re-split with index
    over amounts summing to about it: the invoicing base of a large cycle) take the path of whole
    multiples of the weights plus a rest, and give exactly the reference's answer."""
    out = split_rows(np.array([total, total // 3]), np.array([ws, ws]))
    assert out[0].tolist() == split_one(total, ws)
    assert out[1].tolist() == split_one(total // 3, ws)
