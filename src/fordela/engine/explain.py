"""Why an organisation's bill changed, what a key change would do, and its bill over the years.

**The explained change** (`explain`). Year A (the base year, as decided) and year B (the target
year under a resolved scenario) are both split by the exact engine (`fordela.engine.allocate`).
For every cost object (a service or a change initiative) the organisation's change from A to B
is taken apart by *sequential substitution*: starting from A's inputs, one input at a time is
replaced by B's, the object is re-split with the same engine (`allocate.object_amounts_many`: all
states of all objects in one vectorised split), and each
step's part is the difference between two consecutive splits. The first state is A's own line
and the last is B's own line, so the parts telescope: they add up to B − A exactly, in öre, with
no residual to hide anywhere. The order of substitution:

1. ``cost``: the service's cost for B (its budget and the scenario's cost changes), under A's
   key, participants and driver values. Cost is first because it never makes a split impossible.
2. ``own_driver``: the organisation's own driver values (and its own subscriptions) from B.
3. ``others_drivers``: everybody else's driver values and subscriptions from B.
4. ``participation``: B's participants (joining and leaving), still under A's key.
5. ``key``: B's key, at B's participants and driver values. The key change comes last so that
   it is measured on this year's figures: the same number the key simulator shows when its
   alternative is last year's key.

Drivers are measured before the key change, under last year's key, because that is what the
organisation could have foreseen ("had nothing but the numbers changed"). An intermediate state
that cannot be split (last year's key names a driver with no value in the target year, a frozen
key with nothing to repeat for a newcomer, all weights zero) is skipped: its step is reported as
zero and the next step takes the combined difference. The sum stays exact.

Objects only in B are ``new_services`` (services) or ``initiatives`` (change initiatives) as a
whole; a change initiative's whole change is ``initiatives``; a service only in A counts as
``cost`` (its cost went away). Last, ``index``: B's amount with the cycle's index minus without,
per object as invoicing applies it (`invoicing.indexed_amounts`; subscriptions are not indexed), so
"next year including index" is explained too.

**The key simulator** (`simulate_key`): one service's split for a year under its current key
and under any other key (or "keep last year's split"), same cost and participants.

**The outlook per organisation** (`bills_by_year`): the organisation's bill for each year,
with a clear problem list instead of an amount where a year cannot be split.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from fordela.engine.allocate import SplitRequest, allocate, object_amounts_many, object_lines
from fordela.engine.allocation_types import Allocation, AllocationError, AllocationLine, CostObject
from fordela.engine.cycle_index import CycleIndex
from fordela.engine.invoicing import indexed_amounts
from fordela.engine.model import CycleData, DistributionKey, KeyMethod
from fordela.engine.scenario import Resolution


class Cause(StrEnum):
    """A part of the explained change, in the order the waterfall shows them."""

    COST = "cost"
    OWN_DRIVER = "own_driver"
    OTHERS_DRIVERS = "others_drivers"
    PARTICIPATION = "participation"
    KEY = "key"
    NEW_SERVICES = "new_services"
    INITIATIVES = "initiatives"
    INDEX = "index"


CAUSES: tuple[Cause, ...] = tuple(Cause)
# The substituted inputs, in substitution order (see the module docstring).
SUBSTITUTION_ORDER: tuple[Cause, ...] = (
    Cause.COST,
    Cause.OWN_DRIVER,
    Cause.OTHERS_DRIVERS,
    Cause.PARTICIPATION,
    Cause.KEY,
)

Amounts = dict[str, int]  # organisation → öre


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One cost object's part of an organisation's change from year A to year B (öre)."""

    object: str
    kind: str  # service | initiative
    before: int
    after: int
    after_with_index: int
    parts: tuple[int, ...]  # aligned with CAUSES; all but INDEX sum to after − before
    key_before: str | None = None
    key_after: str | None = None

    @property
    def change(self) -> int:
        return self.after - self.before

    def part(self, cause: Cause) -> int:
        return self.parts[CAUSES.index(cause)]


@dataclass(frozen=True, slots=True)
class Explanation:
    """An organisation's change from `from_year` to `to_year`, object by object and cause by cause."""

    organisation: str
    from_year: int
    to_year: int
    scenario: str | None
    objects: tuple[ObjectChange, ...]

    @property
    def before(self) -> int:
        return sum(o.before for o in self.objects)

    @property
    def after(self) -> int:
        return sum(o.after for o in self.objects)

    @property
    def after_with_index(self) -> int:
        return sum(o.after_with_index for o in self.objects)

    @property
    def change(self) -> int:
        """B − A without index: the sum of every part but INDEX."""
        return self.after - self.before

    def part(self, cause: Cause) -> int:
        return sum(o.part(cause) for o in self.objects)

    def parts(self) -> tuple[tuple[Cause, int], ...]:
        return tuple((c, self.part(c)) for c in CAUSES)


def _amounts(lines: Iterable[AllocationLine]) -> dict[str, Amounts]:
    """object → organisation → öre (a hybrid object's subscription and split lines together)."""
    result: dict[str, Amounts] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        result[line.object][line.organisation] += line.amount
    return result


def _allocation_amounts(
    allocation: Allocation, split_amounts: np.ndarray | None = None, organisations: Sequence[str] | None = None
) -> dict[str, Amounts]:
    """`_amounts` of the whole allocation, read from its arrays (`split_amounts`: the weighted
    objects' amounts to use instead of the allocation's, e.g. with index); of `organisations`
    only if given (one organisation's explanation reads its column, not every cell)."""
    result: dict[str, Amounts] = defaultdict(lambda: defaultdict(int))
    wanted = None if organisations is None else set(organisations)
    for line in allocation.subscriptions:
        if wanted is None or line.organisation in wanted:
            result[line.object][line.organisation] += line.amount
    split = allocation.split
    if split is None:
        return result
    values = split.amounts if split_amounts is None else split_amounts
    if wanted is None:
        for i, obj in enumerate(split.objects):
            amounts = result[obj.code]
            for org, amount in split.row(i, values).items():
                amounts[org] += amount
        return result
    for org in sorted(wanted):
        j = split.column(org)
        if j is None:
            continue
        rows = np.flatnonzero(split.member[:, j])
        for i, amount in zip(rows.tolist(), values[rows, j].tolist(), strict=True):
            result[split.objects[i].code][org] += amount
    return result


def with_index_by_object(
    data: CycleData, allocation: Allocation, organisations: Sequence[str] | None = None
) -> dict[str, Amounts]:
    """object → organisation → amount with index, as the invoicing base indexes it (of
    `organisations` only, if given).

    Split lines are indexed per object (`indexed_amounts`, compounded per year since the base year,
    re-split by the distributed amounts so they sum exactly); subscriptions are not indexed.
    """
    split = allocation.split
    if split is None:
        return _allocation_amounts(allocation, None, organisations)
    years = max(0, allocation.year - data.cycle.base_year)
    return _allocation_amounts(allocation, indexed_amounts(split, data.cycle.index_rate, years), organisations)


def with_index_by_organisation(data: CycleData, allocation: Allocation) -> dict[str, int]:
    """organisation → its total with index (`with_index_by_object` summed), from the arrays."""
    totals: dict[str, int] = defaultdict(int)
    for line in allocation.subscriptions:
        totals[line.organisation] += line.amount
    split = allocation.split
    if split is not None:
        years = max(0, allocation.year - data.cycle.base_year)
        for org, amount in split.organisation_totals(indexed_amounts(split, data.cycle.index_rate, years)).items():
            totals[org] += amount
    return dict(totals)


class _States:
    """The re-split states of the substitution for one object, shared by every organisation.

    The states are only described here (`requests`); `explain` splits the states of every
    object and organisation in one vectorised call (`object_amounts_many`) and hands each its
    results (`take`), so explaining a large cycle is one split, not one per state."""

    def __init__(self, index: CycleIndex, a: CostObject, b: CostObject, year: int, from_year: int) -> None:
        self.a, self.b, self.year = a, b, year
        self.volume_a = dict.fromkeys(index.org_order, from_year)
        self.with_cost = replace(a, cost=b.cost)
        self.after_cost: Amounts | None = None
        self.after_drivers: Amounts | None = None
        self.after_participation: Amounts | None = None
        self.own: dict[str, Amounts | None] = {}

    def requests(self, orgs: Iterable[str]) -> tuple[list[SplitRequest], list[str]]:
        """The splits this object needs: the three shared states, then one per organisation
        whose own volume can matter (returned with them, in the same order)."""
        shared = [
            SplitRequest(self.with_cost, self.year, self.volume_a),
            SplitRequest(self.with_cost, self.year, None),
            SplitRequest(replace(self.with_cost, participants=self.b.participants), self.year, None),
        ]
        involved = [org for org in orgs if _involved(self, org)]
        own = []
        for org in involved:
            volume = dict(self.volume_a)
            volume[org] = self.year
            own.append(SplitRequest(self.with_cost, self.year, volume))
        return shared + own, involved

    def take(self, results: Sequence[Amounts | None], involved: Sequence[str]) -> None:
        self.after_cost, self.after_drivers, self.after_participation = results[:3]
        self.own = dict(zip(involved, results[3:], strict=True))

    def own_drivers(self, organisation: str) -> Amounts | None:
        return self.own[organisation]


def _telescope(start: int, states: Sequence[int | None], end: int) -> list[int]:
    """Parts between consecutive states; a state that could not be computed (None) passes its
    step on to the next one. The last state is `end`, so the parts sum to end − start."""
    parts = []
    previous = start
    for value in [*states, end]:
        if value is None:
            parts.append(0)
            continue
        parts.append(value - previous)
        previous = value
    return parts


def explain(
    data: CycleData,
    resolution: Resolution | None,
    organisations: Iterable[str] | None = None,
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    before: Allocation | None = None,
    after: Allocation | None = None,
) -> dict[str, Explanation]:
    """Explain each organisation's change from `from_year` (default: the base year) to `to_year`
    (default: the target year, under `resolution`), object by object and cause by cause.

    `organisations` defaults to every organisation; `before`/`after` may pass the two years'
    allocations when the caller has them already. Returns organisation → Explanation whose parts
    (INDEX aside) sum exactly to the organisation's change. Raises AllocationError when either
    year cannot be split at all.
    """
    cycle = data.cycle
    year_a = cycle.base_year if from_year is None else from_year
    year_b = cycle.target_year if to_year is None else to_year
    alloc_a = before if before is not None else allocate(data, year_a, resolution)
    alloc_b = after if after is not None else allocate(data, year_b, resolution)
    index = CycleIndex.of(data)
    orgs = list(index.org_order if organisations is None else organisations)
    amounts_a = _allocation_amounts(alloc_a, None, None if organisations is None else orgs)
    amounts_b = _allocation_amounts(alloc_b, None, None if organisations is None else orgs)
    indexed_b = with_index_by_object(data, alloc_b, None if organisations is None else orgs)
    objects_a = {o.code: o for o in alloc_a.objects}
    objects_b = {o.code: o for o in alloc_b.objects}
    codes = list(objects_a) + [c for c in objects_b if c not in objects_a]
    all_states: dict[str, _States] = {}
    requests: list[SplitRequest] = []
    spans: list[tuple[_States, int, int, list[str]]] = []
    for code in codes:
        obj_a, obj_b = objects_a.get(code), objects_b.get(code)
        if obj_a is not None and obj_b is not None and obj_b.kind == "service":
            made = all_states[code] = _States(index, obj_a, obj_b, year_b, year_a)
            wanted, involved = made.requests(orgs)
            spans.append((made, len(requests), len(requests) + len(wanted), involved))
            requests.extend(wanted)
    results = object_amounts_many(index, requests)
    for made, first, last, involved in spans:
        made.take(results[first:last], involved)
    changes: dict[str, list[ObjectChange]] = {org: [] for org in orgs}
    for code in codes:
        obj_a, obj_b = objects_a.get(code), objects_b.get(code)
        kind = obj_b.kind if obj_b is not None else objects_a[code].kind
        states = all_states.get(code)
        for org in orgs:
            a = amounts_a.get(code, {}).get(org, 0)
            b = amounts_b.get(code, {}).get(org, 0)
            b_indexed = indexed_b.get(code, {}).get(org, b)
            parts = dict.fromkeys(CAUSES, 0)
            if states is not None:
                between: list[int | None] = [
                    _get(states.after_cost, org),
                    _get(states.own_drivers(org), org) if _involved(states, org) else _get(states.after_cost, org),
                    _get(states.after_drivers, org),
                    _get(states.after_participation, org),
                ]
                for cause, amount in zip(SUBSTITUTION_ORDER, _telescope(a, between, b), strict=True):
                    parts[cause] = amount
            elif kind == "initiative":
                parts[Cause.INITIATIVES] = b - a
            elif obj_a is None:
                parts[Cause.NEW_SERVICES] = b - a
            else:
                parts[Cause.COST] = b - a
            parts[Cause.INDEX] = b_indexed - b
            if not (a or b or b_indexed or any(parts.values())):
                continue  # never billed for it, in either year or on the way
            changes[org].append(
                ObjectChange(
                    object=code,
                    kind=kind,
                    before=a,
                    after=b,
                    after_with_index=b_indexed,
                    parts=tuple(parts[c] for c in CAUSES),
                    key_before=obj_a.key.code if obj_a else None,
                    key_after=obj_b.key.code if obj_b else None,
                )
            )
    scenario = resolution.code if resolution is not None and year_b > cycle.base_year else None
    return {org: Explanation(org, year_a, year_b, scenario, tuple(changes[org])) for org in orgs}


def _get(amounts: Amounts | None, org: str) -> int | None:
    return None if amounts is None else amounts.get(org, 0)


def _involved(states: _States, org: str) -> bool:
    """Whether the organisation's own volume can matter under last year's key. When it cannot,
    the own-driver state equals the after-cost state and needs no split of its own."""
    method = states.a.key.method
    if method in (KeyMethod.SUBSCRIPTION, KeyMethod.HYBRID):
        return True
    return method is KeyMethod.DRIVER and org in states.a.participants


def explain_organisation(
    data: CycleData,
    resolution: Resolution | None,
    organisation: str,
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    before: Allocation | None = None,
    after: Allocation | None = None,
) -> Explanation:
    """`explain` for one organisation."""
    found = explain(data, resolution, [organisation], from_year=from_year, to_year=to_year, before=before, after=after)
    return found[organisation]


# --------------------------------------------------------------------------- key simulator


@dataclass(frozen=True, slots=True)
class SimulatedRow:
    organisation: str
    current: int
    alternative: int

    @property
    def change(self) -> int:
        return self.alternative - self.current


@dataclass(frozen=True, slots=True)
class KeySimulation:
    """One service's split in `year` under its current key and under `alternative`."""

    service: str
    year: int
    cost: int
    current_key: DistributionKey
    alternative_key: DistributionKey
    rows: tuple[SimulatedRow, ...]  # every organisation paying under either key, in code order

    @property
    def current_total(self) -> int:
        return sum(r.current for r in self.rows)

    @property
    def alternative_total(self) -> int:
        return sum(r.alternative for r in self.rows)


KEEP_LAST_YEAR = "keep-last-year"


def keep_last_year_key(data: CycleData, year: int) -> DistributionKey:
    """The cycle's frozen key repeating `year − 1`, or a stand-in with that meaning."""
    for key in data.keys:
        if key.method is KeyMethod.FROZEN and key.frozen_year == year - 1:
            return key
    return DistributionKey(KEEP_LAST_YEAR, f"{year - 1}", KeyMethod.FROZEN, frozen_year=year - 1)


def simulate_key(
    data: CycleData, resolution: Resolution | None, service: str, key: str | DistributionKey, year: int | None = None
) -> KeySimulation:
    """Split `service` in `year` (default: the target year, under `resolution`) by its current key
    and by `key` (a key code of the cycle, `KEEP_LAST_YEAR`, or a DistributionKey), with the same
    cost and participants and the exact engine. Raises AllocationError when either split is
    impossible (e.g. the alternative names a driver without values), LookupError when the service
    has nothing to distribute that year or the key does not exist.
    """
    year = data.cycle.target_year if year is None else year
    allocation = allocate(data, year, resolution)
    current = next((o for o in allocation.objects if o.code == service and o.kind == "service"), None)
    if current is None:
        raise LookupError(f"service {service} has no cost to distribute in {year}")
    if isinstance(key, DistributionKey):
        alternative_key = key
    elif key == KEEP_LAST_YEAR:
        alternative_key = keep_last_year_key(data, year)
    else:
        found = next((k for k in data.keys if k.code == key), None)
        if found is None:
            raise LookupError(f"unknown key {key}")
        alternative_key = found
    index = CycleIndex.of(data)
    before = _amounts(allocation.object_lines(service)).get(service, {})
    lines = object_lines(index, replace(current, key=alternative_key), year)
    after = _amounts(lines).get(service, {})
    orgs = sorted(set(before) | set(after))
    rows = tuple(SimulatedRow(o, before.get(o, 0), after.get(o, 0)) for o in orgs)
    return KeySimulation(service, year, current.cost, current.key, alternative_key, rows)


# --------------------------------------------------------------------------- outlook


@dataclass(frozen=True, slots=True)
class YearBill:
    """An organisation's bill for one year: None and the problems when the year cannot be split."""

    year: int
    amount: int | None
    amount_with_index: int | None
    problems: tuple[str, ...] = ()


def bills_by_year(
    data: CycleData, resolution: Resolution | None, organisation: str, years: Iterable[int]
) -> tuple[YearBill, ...]:
    """The organisation's total for each year (with index compounded since the base year)."""
    result = []
    for year in years:
        try:
            allocation = allocate(data, year, resolution)
        except AllocationError as error:
            result.append(YearBill(year, None, None, error.problems))
            continue
        amount = allocation.by_organisation().get(organisation, 0)
        indexed = with_index_by_organisation(data, allocation).get(organisation, 0)
        result.append(YearBill(year, amount, indexed))
    return tuple(result)
