"""Splitting weighted cost objects exactly: the weights scaled to integers and every object of a
year split in one vectorised call of `fordela.engine.split`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import numpy as np

from fordela.engine.allocation_types import AllocationError, CostObject, SplitBlock
from fordela.engine.cycle_index import CycleIndex
from fordela.engine.split import split_rows


def _scaled(index: CycleIndex, values: Sequence[Decimal | int]) -> list[int]:
    """Weights as ints scaled by one common power of ten (what `scale_decimal_weights` does),
    with each value's (digits, exponent) looked up once per cycle instead of normalised per object."""
    memo = index.decimal_parts
    try:
        parts = [memo[v] for v in values]
    except KeyError:
        for v in values:
            if v not in memo:
                memo[v] = _digits(v)
        parts = [memo[v] for v in values]
    decimals = -min(e for _, e in parts)
    if decimals == 0:
        return [n for n, _ in parts]
    return [n * 10 ** (decimals + e) for n, e in parts]


def _digits(value: Decimal | int) -> tuple[int, int]:
    """(n, e) with value = n · 10^e, e = 0 for whole numbers, else e < 0 (the fewest decimals)."""
    exact = Decimal(value)
    if not exact.is_finite() or exact < 0:
        raise ValueError(f"weight is not a finite non-negative number: {value!r}")
    if exact == exact.to_integral_value():
        return int(exact), 0
    _, digits, exponent = exact.normalize().as_tuple()
    assert isinstance(exponent, int)
    return int("".join(map(str, digits))), exponent


Item = tuple[CostObject, int, dict[str, Decimal | int]]  # (object, öre to split, weights)


def _split_all(index: CycleIndex, to_split: Iterable[Item], year: int) -> SplitBlock | None:
    """One vectorised split of every weighted cost object of the year, kept as arrays. A row
    whose weights are all zero raises AllocationError."""
    items = list(to_split)
    if not items:
        return None
    block, zero = _split_block(index, items)
    if zero:
        raise _zero_weights(zero, year)
    return block


def _split_amounts(
    index: CycleIndex, to_split: Iterable[Item], year: int, *, tolerant: bool = False
) -> list[tuple[Item, dict[str, int] | None]]:
    """Each weighted object with its split: organisation (in code order) → öre, all in one
    vectorised call. A row whose weights are all zero raises AllocationError, or with
    `tolerant` gets None instead of a split."""
    items = list(to_split)
    if not items:
        return []
    block, zero = _split_block(index, items)
    if zero and not tolerant:
        raise _zero_weights(zero, year)
    skipped = {id(item) for item in zero}
    return [(item, None if id(item) in skipped else block.row(i)) for i, item in enumerate(items)]


def _zero_weights(items: list[Item], year: int) -> AllocationError:
    return AllocationError(
        [f"{obj.kind} {obj.code}, year {year}: every participant's weight is zero" for obj, _, _ in items]
    )


def _split_block(index: CycleIndex, items: list[Item]) -> tuple[SplitBlock, list[Item]]:
    """The items split in one `split_rows` call, and the items whose weights are all zero (their
    rows are left at 0)."""
    # Only the organisations that take part in some row get a column: one object alone (an
    # explanation's state, a simulation) is split at its own width, not the whole cycle's.
    used = sorted({org for _, _, row_weights in items for org in row_weights})
    column = {org: i for i, org in enumerate(used)}
    totals = np.zeros(len(items), dtype=np.int64)
    weights = np.zeros((len(items), len(used)), dtype=np.int64)
    member = np.zeros((len(items), len(used)), dtype=bool)
    zero: list[Item] = []
    for row, item in enumerate(items):
        _, cost, row_weights = item
        orgs = list(row_weights)
        columns = [column[o] for o in orgs]
        member[row, columns] = True
        scaled = _scaled(index, [row_weights[o] for o in orgs])
        if sum(scaled) == 0:
            zero.append(item)
            weights[row, columns[:1]] = 1  # a split of 0 öre, so the kernel accepts the row
            continue
        totals[row] = cost
        weights[row, columns] = scaled
    parts = split_rows(totals, weights)
    block = SplitBlock(
        objects=tuple(obj for obj, _, _ in items),
        costs=tuple(cost for _, cost, _ in items),
        weights=tuple(row_weights for _, _, row_weights in items),
        organisations=tuple(used),
        amounts=parts,
        member=member,
    )
    return block, zero
