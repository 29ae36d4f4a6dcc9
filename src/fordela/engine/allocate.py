"""Distribution: every cost object's cost for a year split among its customers by its key.

Cost objects are the services, and the change initiatives a scenario includes that customers
pay through a key (solidarity financing). Keys work as PRODUCT.md, "Distribution semantics",
defines them; the split itself is `fordela.engine.split`. Problems (a key that names a missing
driver, a participant with no driver value, nobody to pay) are collected for the whole year and
raised together, each naming the service, year and organisation: never a silent zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np

from fordela.engine.amounts import NOT_A_COST_CHANGE
from fordela.engine.lookups import per_data
from fordela.engine.model import (
    AmountType,
    CycleData,
    DistributionKey,
    Financing,
    KeyMethod,
    OrganisationKind,
    Participation,
    ProposalKind,
    ServiceCategory,
    ServiceYear,
)
from fordela.engine.money import round_half_up
from fordela.engine.scenario import Decision, Resolution
from fordela.engine.split import split_rows

MANDATORY_KINDS = frozenset({OrganisationKind.ADMINISTRATION, OrganisationKind.BOARD})


class AllocationError(ValueError):
    """Every problem found while distributing one year, one message each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class AllocationLine:
    object: str  # service code, or the proposal code of a change initiative
    organisation: str
    year: int
    amount: int
    key: str
    method: KeyMethod
    kind: str = "service"  # service | initiative | subscription
    # The trail of a weighted split (None for subscriptions): this organisation's weight under the
    # key (driver value, share, 1, or the frozen year's amount) and the total that was split.
    weight: Decimal | int | None = None
    split_total: int | None = None


@dataclass(frozen=True, slots=True)
class Recovery:
    """What subscriptions did not cover (under), covered twice (over) or left over (surplus)."""

    object: str
    year: int
    kind: str  # under_recovery | over_recovery | surplus
    amount: int


@dataclass(frozen=True, slots=True)
class CostObject:
    """One thing to distribute: its cost, key and participants for the year."""

    code: str
    kind: str
    cost: int
    key: DistributionKey
    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Allocation:
    year: int
    scenario: str | None
    objects: tuple[CostObject, ...]
    lines: tuple[AllocationLine, ...]
    recoveries: tuple[Recovery, ...] = field(default=())

    def by_organisation(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.organisation] += line.amount
        return dict(totals)

    def by_object(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.object] += line.amount
        return dict(totals)


class CycleIndex:
    """Lookups over one cycle, built in one pass over each table; `CycleIndex.of(data)` builds it
    once per CycleData and shares it (allocations, explanations and simulations of one cycle).
    Never changed after it is built."""

    @staticmethod
    def of(data: CycleData) -> CycleIndex:
        return per_data(data, "allocation-index", CycleIndex)

    def __init__(self, data: CycleData) -> None:
        self.data = data
        self.keys = {k.code: k for k in data.keys}
        self.organisations = {o.code: o for o in data.organisations}
        self.org_order = sorted(self.organisations)
        self.column = {code: i for i, code in enumerate(self.org_order)}
        self.driver_codes = {d.code for d in data.drivers}
        self.driver_values = {(v.driver, v.organisation, v.year): v.value for v in data.driver_values}
        self.shares: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for s in data.key_shares:
            self.shares[s.key][s.organisation] = s.share
        self.service_years = {(sy.service, sy.year): sy for sy in data.service_years}
        self.history: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
        for h in data.allocation_history:
            self.history[(h.service, h.year)][h.organisation] = h.amount
        self.subscriptions: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
        for sub in data.subscriptions:
            price = int(round_half_up(Fraction(sub.quantity) * sub.unit_price))
            self.subscriptions[(sub.service, sub.year)].append((sub.organisation, price))
        # One pass over the participation rows, grouped by service: looking a service up must
        # never scan every row (that made allocating quadratic in the size of the cycle).
        self.participation: dict[str, list[Participation]] = defaultdict(list)
        for p in data.participation:
            self.participation[p.service].append(p)
        # Each service's years in order, for "the key carries on from the latest earlier row".
        self.years_of: dict[str, list[ServiceYear]] = defaultdict(list)
        for sy in sorted(data.service_years, key=lambda sy: sy.year):
            self.years_of[sy.service].append(sy)
        # Weight → (integer digits, exponent), memoised: the same driver values are scaled for
        # every object that uses the driver. Filled while splitting; a value's entry never changes.
        self.decimal_parts: dict[Decimal | int, tuple[int, int]] = {}

    def service_year(self, service: str, year: int) -> tuple[int | None, str | None]:
        """(cost, key) recorded for the service in `year`; the key carries on from the latest earlier row."""
        row = self.service_years.get((service, year))
        if row is not None:
            return row.cost, row.key
        earlier = [sy for sy in self.years_of.get(service, ()) if sy.year < year]
        if not earlier:
            return None, None
        return None, earlier[-1].key

    def participants(self, service: str, year: int) -> set[str]:
        """The organisations taking part in `service` in `year` (a new set the caller may change)."""
        return {p.organisation for p in self.participation.get(service, ()) if p.covers(year)}


def _cost_objects(index: CycleIndex, year: int, resolution: Resolution | None, problems: list[str]) -> list[CostObject]:
    data = index.data
    base_year = data.cycle.base_year
    decisions: list[Decision] = [] if resolution is None or year <= base_year else resolution.included()
    by_service: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.proposal.service is not None:
            by_service[d.proposal.service].append(d)
    objects: list[CostObject] = []
    for service in data.services:
        recorded_cost, key_code = index.service_year(service.code, year)
        participants = index.participants(service.code, year)
        if year <= base_year:
            cost = recorded_cost
        else:
            base_cost, _ = index.service_year(service.code, base_year)
            cost = (base_cost or 0) + sum(
                d.management(year) for d in by_service[service.code] if d.proposal.kind not in NOT_A_COST_CHANGE
            )
        for d in by_service[service.code]:
            if d.proposal.kind in (ProposalKind.KEY_CHANGE, ProposalKind.RECATEGORISATION) and d.proposal.proposed_key:
                key_code = d.proposal.proposed_key
            if (
                d.proposal.kind is ProposalKind.RECATEGORISATION
                and d.proposal.proposed_category is ServiceCategory.BASE
            ):
                participants |= {c for c, o in index.organisations.items() if o.kind in MANDATORY_KINDS}
        if cost is None or (cost == 0 and not participants):
            continue
        if key_code is None:
            problems.append(f"service {service.code}, year {year}: no key")
            continue
        objects.append(CostObject(service.code, "service", cost, index.keys[key_code], tuple(sorted(participants))))
    supplier_participants: dict[str, set[str]] = defaultdict(set)
    for service in data.services:
        if service.category in (ServiceCategory.BASE, ServiceCategory.INFRASTRUCTURE):
            supplier_participants[service.supplier] |= index.participants(service.code, year)
    for d in decisions:
        p = d.proposal
        if p.kind is not ProposalKind.CHANGE_INITIATIVE or p.financing is not Financing.SOLIDARITY:
            continue
        cost = d.amount(year, AmountType.DEVELOPMENT) + (0 if p.service else d.management(year))
        if cost == 0:
            continue
        if p.key is None:
            problems.append(f"initiative {p.code}, year {year}: solidarity financing but no key")
            continue
        participants = index.participants(p.service, year) if p.service else supplier_participants[p.supplier]
        objects.append(CostObject(p.code, "initiative", cost, index.keys[p.key], tuple(sorted(participants))))
    return objects


def _weights(
    index: CycleIndex,
    obj: CostObject,
    year: int,
    driver: str | None,
    problems: list[str],
    frozen: dict[int, Allocation],
    volume_years: Mapping[str, int] | None = None,
) -> dict[str, Decimal | int] | None:
    """Each participant's weight under the key, or None after recording the problems.

    `volume_years` (organisation → year) reads an organisation's driver value from another year
    than `year` (what-if explanations); organisations not in it use `year`.
    """
    key = obj.key
    where = f"{obj.kind} {obj.code}, year {year}"
    weights: dict[str, Decimal | int] = {}
    ok = True
    method = key.method
    if method is KeyMethod.EQUAL:
        return dict.fromkeys(obj.participants, 1)
    if method in (KeyMethod.DRIVER, KeyMethod.HYBRID):
        if driver is None or driver not in index.driver_codes:
            problems.append(f"{where}: key {key.code} names a missing driver {driver!r}")
            return None
        for org in obj.participants:
            value_year = year if volume_years is None else volume_years.get(org, year)
            value = index.driver_values.get((driver, org, value_year))
            if value is None:
                year_note = "" if value_year == year else f" in {value_year}"
                problems.append(f"{where}, organisation {org}: no value of driver {driver}{year_note}")
                ok = False
            else:
                weights[org] = value
    elif method is KeyMethod.FIXED:
        shares = index.shares.get(key.code, {})
        for org in obj.participants:
            if org not in shares:
                problems.append(f"{where}, organisation {org}: no share in key {key.code}")
                ok = False
            else:
                weights[org] = shares[org]
    elif method is KeyMethod.FROZEN:
        assert key.frozen_year is not None
        amounts = _frozen_amounts(index, obj.code, key.frozen_year, year, problems, frozen)
        for org in obj.participants:
            amount = amounts.get(org)
            if amount is None or amount < 0:
                problems.append(
                    f"{where}, organisation {org}: no non-negative amount allocated in {key.frozen_year} to repeat"
                )
                ok = False
            else:
                weights[org] = amount
    return weights if ok else None


def _frozen_amounts(
    index: CycleIndex, service: str, frozen_year: int, year: int, problems: list[str], frozen: dict[int, Allocation]
) -> dict[str, int]:
    history = index.history.get((service, frozen_year))
    if history:
        return history
    if frozen_year >= year:
        problems.append(f"service {service}, year {year}: a frozen key must repeat an earlier year")
        return {}
    if frozen_year not in frozen:
        try:
            frozen[frozen_year] = allocate(index.data, frozen_year)
        except AllocationError as error:
            problems.extend(error.problems)
            return {}
    return {line.organisation: line.amount for line in frozen[frozen_year].lines if line.object == service}


def allocate(data: CycleData, year: int, resolution: Resolution | None = None) -> Allocation:
    """Split every cost object's cost for `year` among its participants, exactly to the öre.

    Years up to the base year use the recorded costs; later years need a `resolution`
    (a resolved scenario) whose included proposals change costs, keys and participants.
    Returns the lines (one per participant and object; each object's lines sum to its cost,
    subscriptions aside) and the under/over-recoveries. Raises AllocationError with every problem.
    """
    index = CycleIndex.of(data)
    problems: list[str] = []
    objects = _cost_objects(index, year, resolution, problems)
    lines: list[AllocationLine] = []
    recoveries: list[Recovery] = []
    frozen: dict[int, Allocation] = {}
    to_split: list[tuple[CostObject, int, dict[str, Decimal | int]]] = []
    for obj in objects:
        item = _prepare(index, obj, year, problems, frozen, lines, recoveries)
        if item is not None:
            to_split.append(item)
    if problems:
        raise AllocationError(problems)
    lines.extend(_split_all(index, to_split, year))
    return Allocation(year, resolution.code if resolution else None, tuple(objects), tuple(lines), tuple(recoveries))


def _subscriptions(
    index: CycleIndex, code: str, year: int, volume_years: Mapping[str, int] | None
) -> list[tuple[str, int]]:
    """(organisation, price) of the object's subscriptions, each organisation's from its volume year."""
    if volume_years is None:
        return index.subscriptions.get((code, year), [])
    rows: list[tuple[str, int]] = []
    for y in sorted(set(volume_years.values()) | {year}):
        rows.extend(
            (org, price) for org, price in index.subscriptions.get((code, y), []) if volume_years.get(org, year) == y
        )
    return rows


def _prepare(
    index: CycleIndex,
    obj: CostObject,
    year: int,
    problems: list[str],
    frozen: dict[int, Allocation],
    lines: list[AllocationLine],
    recoveries: list[Recovery],
    volume_years: Mapping[str, int] | None = None,
) -> tuple[CostObject, int, dict[str, Decimal | int]] | None:
    """One object's subscription lines and recoveries (appended), and what is left to split by weight."""
    method = obj.key.method
    cost = obj.cost
    if method in (KeyMethod.SUBSCRIPTION, KeyMethod.HYBRID):
        subs = _subscriptions(index, obj.code, year, volume_years)
        revenue = sum(price for _, price in subs)
        lines.extend(
            AllocationLine(obj.code, org, year, price, obj.key.code, method, "subscription") for org, price in subs
        )
        remainder = cost - revenue
        if method is KeyMethod.SUBSCRIPTION:
            if remainder:
                kind = "under_recovery" if remainder > 0 else "over_recovery"
                recoveries.append(Recovery(obj.code, year, kind, remainder))
            return None
        if remainder < 0:
            recoveries.append(Recovery(obj.code, year, "surplus", remainder))
            return None
        cost = remainder
        if cost == 0:
            return None
    driver = obj.key.solidarity_driver if method is KeyMethod.HYBRID else obj.key.driver
    weights = _weights(index, obj, year, driver, problems, frozen, volume_years)
    if weights is None:
        return None
    if not obj.participants:
        problems.append(f"{obj.kind} {obj.code}, year {year}: no participants to pay {cost} öre")
        return None
    return obj, cost, weights


def object_lines(
    index: CycleIndex,
    obj: CostObject,
    year: int,
    *,
    volume_years: Mapping[str, int] | None = None,
    frozen: dict[int, Allocation] | None = None,
) -> tuple[AllocationLine, ...]:
    """One cost object's lines for `year`, computed exactly as `allocate` computes them.

    `obj` may be any (cost, key, participants) combination, e.g. last year's cost under this
    year's key. `volume_years` maps an organisation to the year its driver values and
    subscriptions are read from (default: `year`). `frozen` caches the allocations frozen keys
    repeat; pass the same dict to many calls. Raises AllocationError with every problem.
    """
    problems: list[str] = []
    lines: list[AllocationLine] = []
    item = _prepare(index, obj, year, problems, {} if frozen is None else frozen, lines, [], volume_years)
    if problems:
        raise AllocationError(problems)
    if item is not None:
        lines.extend(_split_all(index, [item], year))
    return tuple(lines)


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


@dataclass(frozen=True, slots=True)
class SplitRequest:
    """One object to split in `year`, with driver values and subscriptions read from
    `volume_years` (organisation → year; default `year`)."""

    obj: CostObject
    year: int
    volume_years: Mapping[str, int] | None = None


def object_amounts_many(
    index: CycleIndex, requests: Sequence[SplitRequest], frozen: dict[int, Allocation] | None = None
) -> list[dict[str, int] | None]:
    """`object_amounts` of many requests in one vectorised split; None for a request that
    cannot be split (a missing driver value, nothing to repeat, every weight zero)."""
    frozen = {} if frozen is None else frozen
    results: list[dict[str, int] | None] = []
    pending: list[tuple[int, tuple[CostObject, int, dict[str, Decimal | int]]]] = []
    by_year: dict[int, list[int]] = defaultdict(list)
    for request in requests:
        problems: list[str] = []
        lines: list[AllocationLine] = []
        item = _prepare(index, request.obj, request.year, problems, frozen, lines, [], request.volume_years)
        if problems:
            results.append(None)
            continue
        amounts: dict[str, int] = {}
        for line in lines:
            amounts[line.organisation] = amounts.get(line.organisation, 0) + line.amount
        results.append(amounts)
        if item is not None:
            by_year[request.year].append(len(pending))
            pending.append((len(results) - 1, item))
    for year, positions in by_year.items():
        chosen = [pending[p] for p in positions]
        splits = _split_amounts(index, [item for _, item in chosen], year, tolerant=True)
        for (position, _), (_, split) in zip(chosen, splits, strict=True):
            target = results[position]
            if split is None or target is None:
                results[position] = None
                continue
            for org, amount in split.items():
                target[org] = target.get(org, 0) + amount
    return results


def object_amounts(
    index: CycleIndex,
    obj: CostObject,
    year: int,
    *,
    volume_years: Mapping[str, int] | None = None,
    frozen: dict[int, Allocation] | None = None,
) -> dict[str, int]:
    """What `object_lines` gives, summed per organisation (subscription and split lines together),
    without building a line per participant. Raises AllocationError with every problem."""
    problems: list[str] = []
    lines: list[AllocationLine] = []
    item = _prepare(index, obj, year, problems, {} if frozen is None else frozen, lines, [], volume_years)
    if problems:
        raise AllocationError(problems)
    amounts: dict[str, int] = {}
    for line in lines:
        amounts[line.organisation] = amounts.get(line.organisation, 0) + line.amount
    if item is not None:
        for _, split in _split_amounts(index, [item], year):
            assert split is not None
            for org, amount in split.items():
                amounts[org] = amounts.get(org, 0) + amount
    return amounts
