"""Distribution: every cost object's cost for a year split among its customers by its key.

Cost objects are the services, and the change initiatives a scenario includes that customers
pay through a key (solidarity financing); `cost_objects` finds them, `cycle_index` holds the
lookups, `allocation_types` the results. Keys work as PRODUCT.md, "Distribution semantics",
defines them: this module turns a key into each participant's weight (or subscription lines)
and `weighted_split` splits by the weights. Problems (a key that names a missing driver, a
participant with no driver value, nobody to pay) are collected for the whole year and raised
together, each naming the service, year and organisation: never a silent zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fordela.engine.allocation_types import Allocation, AllocationError, AllocationLine, CostObject, Recovery
from fordela.engine.cost_objects import _cost_objects
from fordela.engine.cycle_index import CycleIndex
from fordela.engine.model import CycleData, KeyMethod
from fordela.engine.scenario import Resolution
from fordela.engine.weighted_split import _split_all, _split_amounts


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
        if volume_years is None:
            values = index.driver_year(driver, year)
            try:
                return {org: values[org] for org in obj.participants}
            except KeyError:
                pass  # some organisation has no value: each one missing is named below
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
    by_object = index.repeated.get(frozen_year)
    if by_object is None:
        if frozen_year not in frozen:
            try:
                frozen[frozen_year] = allocate(index.data, frozen_year)
            except AllocationError as error:
                problems.extend(error.problems)
                return {}
        # Grouped once per repeated year: scanning the year's lines for each frozen service
        # made a cycle with many frozen keys quadratic.
        by_object = defaultdict(dict)
        repeated = frozen[frozen_year]
        for line in repeated.subscriptions:
            by_object[line.object][line.organisation] = line.amount
        if repeated.split is not None:
            for i, obj in enumerate(repeated.split.objects):
                by_object[obj.code].update(repeated.split.row(i))
        index.repeated[frozen_year] = by_object
    return by_object.get(service, {})


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
    split = _split_all(index, to_split, year)
    return Allocation(
        year, resolution.code if resolution else None, tuple(objects), tuple(lines), split, tuple(recoveries)
    )


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
        split = _split_all(index, [item], year)
        assert split is not None
        lines.extend(split.lines(year))
    return tuple(lines)


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
