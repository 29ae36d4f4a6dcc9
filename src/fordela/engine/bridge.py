"""The budget bridge, the change-initiative lists, the budget frames and the outlook.

All per supplier and resolved scenario (`fordela.engine.scenario`), in öre, laid out like the
coordination group's deck (seeds/000…): from the base year's decided management budget, through
the annual analysis' changes, to the target year's management cost and total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from fordela.engine.model import (
    AmountType,
    BudgetLineKind,
    CycleData,
    Financing,
    ProposalKind,
    ReviewOutcome,
    ServiceCategory,
)
from fordela.engine.money import round_half_up
from fordela.engine.scenario import Decision, Resolution

# The order of the bridge and the proposal kinds behind each line.
EXISTING_DELIVERY_LINES: tuple[tuple[str, tuple[ProposalKind, ...]], ...] = (
    ("development_within_service", (ProposalKind.DEVELOPMENT_WITHIN_SERVICE,)),
    ("supplier_contracts", (ProposalKind.SUPPLIER_CONTRACT,)),
    ("settlement", (ProposalKind.SETTLEMENT,)),
    ("efficiency", (ProposalKind.EFFICIENCY,)),
)
GROWTH_LINES: tuple[tuple[str, tuple[ProposalKind, ...]], ...] = (
    ("new_services", (ProposalKind.NEW_SERVICE, ProposalKind.RECATEGORISATION)),
    ("volume", (ProposalKind.VOLUME_CHANGE,)),
)
# Financing that customers pay through the solidarity key, and so belongs in the frames.
CHARGED_THROUGH_FRAME = frozenset({Financing.SOLIDARITY})


def with_index(amount: int, rate: Decimal, years: int = 1) -> int:
    """`amount` öre with `years` of index `rate` compounded, rounded half-up to the öre."""
    factor = Fraction(1) + Fraction(rate)
    return int(round_half_up(Fraction(amount) * factor**years))


@dataclass(frozen=True, slots=True)
class Change:
    amount: int
    base: int

    @property
    def ratio(self) -> Fraction | None:
        return None if self.base == 0 else Fraction(self.amount, self.base)


@dataclass(frozen=True, slots=True)
class Bridge:
    """One supplier's bridge under one scenario; every amount in öre."""

    supplier: str
    scenario: str
    base_year: int
    target_year: int
    management_budget_base: int
    lines: tuple[tuple[str, int], ...]  # existing-delivery and growth lines in deck order
    existing_delivery: int
    management_cost: int
    change_initiatives: int
    change_initiatives_base: int
    total: int
    total_with_index: int

    @property
    def total_base(self) -> int:
        return self.management_budget_base + self.change_initiatives_base

    def line(self, name: str) -> int:
        return dict(self.lines)[name]

    @property
    def existing_delivery_change(self) -> Change:
        return Change(self.existing_delivery - self.management_budget_base, self.management_budget_base)

    @property
    def management_change(self) -> Change:
        return Change(self.management_cost - self.management_budget_base, self.management_budget_base)

    @property
    def change_initiatives_change(self) -> Change:
        return Change(self.change_initiatives - self.change_initiatives_base, self.change_initiatives_base)

    @property
    def total_change(self) -> Change:
        return Change(self.total - self.total_base, self.total_base)


def supplier_decisions(resolution: Resolution, supplier: str) -> list[Decision]:
    return [d for d in resolution.decisions.values() if d.proposal.supplier == supplier]


# Add-on services are paid by their subscribers, outside the management budget and its frame.
IN_MANAGEMENT_BUDGET = frozenset({ServiceCategory.BASE, ServiceCategory.INFRASTRUCTURE, ServiceCategory.OPT_IN})


def management_budget(data: CycleData, supplier: str, year: int) -> int:
    """Σ recorded cost in `year` of the supplier's base, infrastructure and opt-in services."""
    services = {s.code for s in data.services if s.supplier == supplier and s.category in IN_MANAGEMENT_BUDGET}
    return sum(sy.cost or 0 for sy in data.service_years if sy.service in services and sy.year == year)


def _sum_management(decisions: Iterable[Decision], kinds: tuple[ProposalKind, ...], year: int) -> int:
    return sum(d.management(year) for d in decisions if d.included and d.proposal.kind in kinds)


def initiatives_development(decisions: Iterable[Decision], year: int) -> int:
    return sum(
        d.amount(year, AmountType.DEVELOPMENT)
        for d in decisions
        if d.included and d.proposal.kind is ProposalKind.CHANGE_INITIATIVE
    )


def bridge(data: CycleData, supplier: str, resolution: Resolution) -> Bridge:
    """The budget bridge of `supplier` under `resolution` (see the reference figures)."""
    cycle = data.cycle
    year = cycle.target_year
    decisions = supplier_decisions(resolution, supplier)
    base = management_budget(data, supplier, cycle.base_year)
    existing_lines = [(n, _sum_management(decisions, k, year)) for n, k in EXISTING_DELIVERY_LINES]
    existing = base + sum(a for _, a in existing_lines)
    growth_lines = [(n, _sum_management(decisions, k, year)) for n, k in GROWTH_LINES]
    # Management changes proposed outside the named lines (e.g. a change initiative's own
    # management cost) still belong to the management cost.
    other = sum(
        d.management(year) for d in decisions if d.included and d.proposal.kind is ProposalKind.CHANGE_INITIATIVE
    )
    if other:
        growth_lines.append(("initiative_management", other))
    management = existing + sum(a for _, a in growth_lines)
    initiatives = initiatives_development(decisions, year)
    initiatives_base = sum(
        b.amount
        for b in data.budget_lines
        if b.supplier == supplier and b.year == cycle.base_year and b.line is BudgetLineKind.CHANGE_INITIATIVES
    )
    total = management + initiatives
    return Bridge(
        supplier=supplier,
        scenario=resolution.code,
        base_year=cycle.base_year,
        target_year=year,
        management_budget_base=base,
        lines=tuple(existing_lines + growth_lines),
        existing_delivery=existing,
        management_cost=management,
        change_initiatives=initiatives,
        change_initiatives_base=initiatives_base,
        total=total,
        total_with_index=with_index(total, cycle.index_rate),
    )


@dataclass(frozen=True, slots=True)
class InitiativeList:
    """One list of the deck: its initiatives (decision, target-year development) and the sum."""

    name: str  # recommended, not_recommended, as_add_on, not_reviewed
    items: tuple[tuple[Decision, int], ...]

    @property
    def total(self) -> int:
        return sum(a for _, a in self.items)


LIST_ORDER = ("recommended", "not_recommended", "as_add_on", "not_reviewed")


def _list_name(decision: Decision) -> str:
    if decision.as_add_on:
        return "as_add_on"
    if decision.outcome is None:
        return "recommended" if decision.included else "not_reviewed"
    if decision.outcome in (ReviewOutcome.REJECT, ReviewOutcome.DEFER):
        return "not_recommended"
    return "recommended"


def initiative_lists(data: CycleData, supplier: str, resolution: Resolution) -> tuple[InitiativeList, ...]:
    """The change-initiative lists of `supplier`: new initiatives first, already decided after.

    Amounts are each initiative's development in the target year, as approved where included.
    """
    year = data.cycle.target_year
    grouped: dict[str, list[tuple[Decision, int]]] = {n: [] for n in LIST_ORDER}
    order = {p.code: i for i, p in enumerate(data.proposals)}
    decisions = sorted(
        (d for d in supplier_decisions(resolution, supplier) if d.proposal.kind is ProposalKind.CHANGE_INITIATIVE),
        key=lambda d: (d.proposal.already_decided, order[d.proposal.code]),
    )
    for d in decisions:
        amount = d.amount(year, AmountType.DEVELOPMENT)
        if amount:
            grouped[_list_name(d)].append((d, amount))
    return tuple(InitiativeList(n, tuple(grouped[n])) for n in LIST_ORDER if grouped[n])


@dataclass(frozen=True, slots=True)
class Frame:
    """A supplier's budget frame for the target year: management and development, plus index."""

    supplier: str
    management: int
    development: int
    index_rate: Decimal

    @property
    def management_with_index(self) -> int:
        return with_index(self.management, self.index_rate)

    @property
    def development_with_index(self) -> int:
        return with_index(self.development, self.index_rate)


def frame(data: CycleData, supplier: str, resolution: Resolution) -> Frame:
    """The frame recommended for `supplier`: the scenario's management cost, and the development
    of included initiatives that customers pay through the solidarity key."""
    decisions = supplier_decisions(resolution, supplier)
    year = data.cycle.target_year
    development = initiatives_development((d for d in decisions if d.proposal.financing in CHARGED_THROUGH_FRAME), year)
    return Frame(
        supplier=supplier,
        management=bridge(data, supplier, resolution).management_cost,
        development=development,
        index_rate=data.cycle.index_rate,
    )


def suppliers(data: CycleData) -> list[str]:
    """Organisations that supply services or file proposals, in code order."""
    codes = {s.supplier for s in data.services} | {p.supplier for p in data.proposals}
    return sorted(codes)


@dataclass(frozen=True, slots=True)
class OutlookYear:
    year: int
    management: int
    development: int
    index_factor_years: int
    index_rate: Decimal

    @property
    def total(self) -> int:
        return self.management + self.development

    @property
    def total_with_index(self) -> int:
        return with_index(self.total, self.index_rate, self.index_factor_years)


def outlook(data: CycleData, supplier: str, resolution: Resolution) -> tuple[OutlookYear, ...]:
    """The multi-year view from the base year to the cycle's last year.

    Management holds each included proposal's level change and adds future management costs
    (savings too) from their start year; development counts per year; the index compounds from
    the base year at the cycle's rate.
    """
    cycle = data.cycle
    decisions = [d for d in supplier_decisions(resolution, supplier) if d.included]
    base = management_budget(data, supplier, cycle.base_year)
    base_initiatives = sum(
        b.amount
        for b in data.budget_lines
        if b.supplier == supplier and b.year == cycle.base_year and b.line is BudgetLineKind.CHANGE_INITIATIVES
    )
    years = [cycle.base_year] + [y for y in cycle.years if y > cycle.base_year]
    result = []
    for y in years:
        if y == cycle.base_year:
            management, development = base, base_initiatives
        else:
            management = base + sum(d.management(y) for d in decisions)
            development = sum(d.amount(y, AmountType.DEVELOPMENT) for d in decisions)
        result.append(OutlookYear(y, management, development, y - cycle.base_year, cycle.index_rate))
    return tuple(result)
