"""How a proposal's amounts unfold over the years.

Management amounts are level changes against the base year: a row for year y holds from y
until a later row of the same proposal changes it (volume growth of 10,1 MSEK in 2026 is
still there in 2027). Development amounts are one-off: they count in their year only. A
future management cost (a new service's running cost, or a saving such as Domino's −9 MSEK)
counts every year from its start year on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fordela.engine.model import AmountType, ProposalKind

# Proposals that change a service's key, category or participants, never its cost.
NOT_A_COST_CHANGE = frozenset({ProposalKind.RECATEGORISATION, ProposalKind.KEY_CHANGE})


def management_level(amounts: Mapping[int, int], year: int) -> int:
    """The management level change in `year`: the latest row at or before it, else 0.

    `amounts` maps year → management amount (öre) of one proposal.
    """
    latest = max((y for y in amounts if y <= year), default=None)
    return 0 if latest is None else amounts[latest]


def amount_in_year(
    rows: Iterable[tuple[int, AmountType, int]],
    year: int,
    amount_type: AmountType,
) -> int:
    """One proposal's amount of `amount_type` in `year` from its (year, type, amount) rows."""
    if amount_type is AmountType.DEVELOPMENT:
        return sum(a for y, t, a in rows if t is AmountType.DEVELOPMENT and y == year)
    return management_level({y: a for y, t, a in rows if t is AmountType.MANAGEMENT}, year)


def future_management(cost: int | None, from_year: int | None, year: int) -> int:
    """A proposal's future management cost in `year` (0 before its start year)."""
    if cost is None or from_year is None or year < from_year:
        return 0
    return cost


def proposal_management(
    rows: Iterable[tuple[int, AmountType, int]],
    future_cost: int | None,
    future_from_year: int | None,
    year: int,
) -> int:
    """One proposal's whole management change in `year`: its level change plus its future cost."""
    return amount_in_year(rows, year, AmountType.MANAGEMENT) + future_management(future_cost, future_from_year, year)
