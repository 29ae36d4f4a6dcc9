"""Splitting weighted cost objects exactly: the weights scaled to integers and every object of a
year split in one vectorised call of `fordela.engine.split`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import numpy as np

from fordela.engine.allocation_types import AllocationError, AllocationLine, CostObject
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


def _split_all(
    index: CycleIndex, to_split: Iterable[tuple[CostObject, int, dict[str, Decimal | int]]], year: int
) -> list[AllocationLine]:
    """One vectorised split of every weighted cost object of the year."""
    lines = []
    for (obj, cost, row_weights), amounts in _split_amounts(index, to_split, year):
        assert amounts is not None
        method = obj.key.method
        for org, amount in amounts.items():
            lines.append(
                AllocationLine(obj.code, org, year, amount, obj.key.code, method, obj.kind, row_weights[org], cost)
            )
    return lines


def _split_amounts(
    index: CycleIndex,
    to_split: Iterable[tuple[CostObject, int, dict[str, Decimal | int]]],
    year: int,
    *,
    tolerant: bool = False,
) -> list[tuple[tuple[CostObject, int, dict[str, Decimal | int]], dict[str, int] | None]]:
    """Each weighted object with its split: organisation (in code order) → öre, all in one
    vectorised call. A row whose weights are all zero raises AllocationError, or with
    `tolerant` gets None instead of a split."""
    items = list(to_split)
    if not items:
        return []
    # Only the organisations that take part in some row get a column: one object alone (an
    # explanation's state, a simulation) is split at its own width, not the whole cycle's.
    used = sorted({org for _, _, row_weights in items for org in row_weights})
    column = {org: i for i, org in enumerate(used)}
    totals = np.zeros(len(items), dtype=np.int64)
    weights = np.zeros((len(items), len(used)), dtype=np.int64)
    problems: list[str] = []
    orders: list[list[str] | None] = []
    for row, (obj, cost, row_weights) in enumerate(items):
        orgs = sorted(row_weights)
        scaled = _scaled(index, [row_weights[o] for o in orgs])
        if sum(scaled) == 0:
            problems.append(f"{obj.kind} {obj.code}, year {year}: every participant's weight is zero")
            orders.append(None)
            continue
        orders.append(orgs)
        totals[row] = cost
        weights[row, [column[o] for o in orgs]] = scaled
    if problems and not tolerant:
        raise AllocationError(problems)
    parts = split_rows(totals, weights)
    result: list[tuple[tuple[CostObject, int, dict[str, Decimal | int]], dict[str, int] | None]] = []
    for row, item in enumerate(items):
        order = orders[row]
        if order is None:
            result.append((item, None))
            continue
        amounts = parts[row, [column[o] for o in order]].tolist()
        result.append((item, dict(zip(order, amounts, strict=True))))
    return result
