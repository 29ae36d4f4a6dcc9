"""The open datasets of a cycle: the decided catalogue, the frames and every organisation's
distribution, each line with its trail (no Django here).

The trail follows the FinOps FOCUS allocation columns (AllocatedMethodId, AllocatedResourceId,
AllocatedMethodDetails with AllocatedRatio, UsageUnit and UsageQuantity), in snake case, plus what
FOCUS leaves implicit but a citizen needs to recompute a line exactly: the total that was split
(`origin_cost`) and the sum of all weights (`total_usage_quantity`). With those, a line is
``split(origin_cost, usage_quantity of every organisation)`` by the largest-remainder rule in
docs/distribution.md; a subscription line is quantity × unit price, rounded half-up to the öre.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

import numpy as np

from fordela.engine import bridge as b
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import Allocation, CostObject
from fordela.engine.model import CycleData, KeyMethod
from fordela.engine.money import machine
from fordela.engine.records import Memo
from fordela.engine.scenario import Resolution
from fordela.package.tabular import Same

RATIO_PLACES = Decimal("0.000000000001")  # the ratio is shown for reading; recompute from the quantities


@dataclass(frozen=True)
class Dataset:
    """One open dataset: a file name stem, Swedish title and description, columns and rows.

    Cells are str (text, machine amounts in SEK with a dot, exact decimals), int (years) or None.
    """

    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...] | Rows  # `Rows`: made anew on each reading
    first_year: int
    last_year: int
    keywords: tuple[str, ...] = ()
    text_columns: frozenset[str] = frozenset()

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _names(data: CycleData) -> dict[str, str]:
    return {o.code: o.name for o in data.organisations}


def catalogue_dataset(data: CycleData, allocations: list[Allocation]) -> Dataset:
    """Every service with its supplier, category, key and distributed cost per published year."""
    names = _names(data)
    services = {s.code: s for s in data.services}
    drivers = {d.code: d.name for d in data.drivers}
    rows = []
    for allocation in allocations:
        for obj in allocation.objects:
            if obj.kind != "service":
                continue
            service = services[obj.code]
            driver = obj.key.driver or obj.key.solidarity_driver
            rows.append(
                (
                    allocation.year,
                    service.code,
                    service.name,
                    service.supplier,
                    names.get(service.supplier, ""),
                    service.category.value,
                    obj.key.code,
                    obj.key.name,
                    obj.key.method.value,
                    drivers.get(driver, "") if driver else "",
                    machine(obj.cost),
                    len(obj.participants),
                )
            )
    columns = (
        "year",
        "service",
        "service_name",
        "supplier",
        "supplier_name",
        "category",
        "key",
        "key_name",
        "key_method",
        "driver_name",
        "cost",
        "participants",
    )
    years = [a.year for a in allocations]
    return Dataset(
        "tjanstekatalog",
        "Tjänstekatalog för gemensamma digitala tjänster",
        "Beslutade tjänster per leverantör med kategori, fördelningsnyckel och kostnad (kr) som fördelas per år.",
        columns,
        tuple(rows),
        min(years),
        max(years),
        ("digitala tjänster", "tjänstekatalog", "fördelningsnyckel"),
        frozenset({"service_name", "supplier_name", "key_name", "driver_name"}),
    )


def frames_dataset(data: CycleData, resolution: Resolution) -> Dataset:
    """The budget frames per supplier as decided, with and without index."""
    names = _names(data)
    year = data.cycle.target_year
    rows = []
    for supplier in b.suppliers(data):
        f = b.frame(data, supplier, resolution)
        rows.append(
            (
                year,
                supplier,
                names.get(supplier, ""),
                machine(f.management),
                machine(f.development),
                str(f.index_rate),
                machine(f.management_with_index),
                machine(f.development_with_index),
                resolution.name,
            )
        )
    columns = (
        "year",
        "supplier",
        "supplier_name",
        "management",
        "development",
        "index_rate",
        "management_with_index",
        "development_with_index",
        "decided_by",
    )
    return Dataset(
        "ekonomiska-ramar",
        f"Ekonomiska ramar för gemensamma digitala tjänster {year}",
        "Ram för förvaltning och utveckling per leverantör (kr), med och utan index, som beslutad.",
        columns,
        tuple(rows),
        year,
        year,
        ("ekonomisk ram", "budget", "digitala tjänster"),
        frozenset({"supplier_name", "decided_by"}),
    )


DISTRIBUTION_COLUMNS = (
    "year",
    "organisation",  # FOCUS AllocatedResourceId
    "organisation_name",  # FOCUS AllocatedResourceName
    "organisation_kind",
    "supplier",
    "supplier_name",
    "object",
    "object_name",
    "object_kind",
    "key",
    "allocated_method_id",  # FOCUS AllocatedMethodId: the key method
    "usage_unit",  # FOCUS UsageUnit: the driver (or share, equal, frozen-year amount, quantity)
    "usage_quantity",  # FOCUS UsageQuantity: this organisation's value
    "total_usage_quantity",  # the sum over every organisation sharing the total
    "allocated_ratio",  # FOCUS AllocatedRatio: usage_quantity / total_usage_quantity (rounded, for reading)
    "origin_cost",  # the total that was split
    "unit_price",  # subscriptions: price per unit
    "amount",  # what the organisation pays (kr)
)


def _usage_unit(obj: CostObject, frozen_years: Mapping[str, int | None]) -> str:
    """The usage unit of a weighted object's lines: what its weights count."""
    key = obj.key
    method = key.method
    if method is KeyMethod.FROZEN:
        # The weight is the öre allocated in the frozen year; shown in kr, the proportions are the same.
        return f"belopp {frozen_years.get(key.code)} (kr)"
    if method is KeyMethod.EQUAL:
        return "lika delar"
    if method is KeyMethod.FIXED:
        return "andel"
    return str(key.solidarity_driver if method is KeyMethod.HYBRID else key.driver)


def _quantity(method: KeyMethod, weight: Decimal | int) -> str:
    """A weight as exact text: öre of a frozen year in kr, 1 for an equal split, else the value."""
    if method is KeyMethod.FROZEN:
        return machine(int(weight))
    if method is KeyMethod.EQUAL:
        return "1"
    return f"{Decimal(weight):f}"


def distribution_dataset(data: CycleData, allocations: list[Allocation]) -> Dataset:
    """Every organisation's distribution line per published year, with its trail.

    Read from each allocation's arrays (`SplitBlock`), an object's row at a time: what a line
    repeats (its object, unit, total and split total) is made once per object, each distinct
    weight's text and share once per object, each amount's text once."""
    names = _names(data)
    kinds = {o.code: o.kind.value for o in data.organisations}
    services = {s.code: s for s in data.services}
    proposals = {p.code: p for p in data.proposals}
    frozen_years = {k.code: k.frozen_year for k in data.keys}
    subs = {(s.service, s.organisation, s.year): s for s in data.subscriptions}
    objects: dict[str, tuple[str, str, str]] = {}

    def object_of(code: str) -> tuple[str, str, str]:
        found = objects.get(code)
        if found is None:
            service = services.get(code)
            supplier = service.supplier if service else proposals[code].supplier
            name = service.name if service else proposals[code].title
            found = objects[code] = (supplier, names.get(supplier, ""), name)
        return found

    organisations = {code: (names.get(code, ""), kinds.get(code, "")) for code in names}
    rows = Rows(
        lambda: _distribution_blocks(allocations, organisations, object_of, subs, frozen_years),
        sum(len(a.subscriptions) + (int(a.split.member.sum()) if a.split else 0) for a in allocations),
    )
    years = [a.year for a in allocations]
    return Dataset(
        "kostnadsfordelning",
        "Kostnadsfördelning per organisation för gemensamma digitala tjänster",
        "Vad varje förvaltning och bolag betalar per tjänst och år (kr), med fördelningsnyckel, drivare, "
        "organisationens värde, summan av alla värden, andelen och beloppet som fördelades, så att varje rad "
        "kan räknas om exakt (största restmetoden, se metodbeskrivningen).",
        DISTRIBUTION_COLUMNS,
        rows,
        min(years),
        max(years),
        ("kostnadsfördelning", "fördelningsnyckel", "digitala tjänster", "FOCUS"),
        frozenset({"organisation_name", "supplier_name", "object_name", "usage_unit"}),
    )


class Rows:
    """A dataset's rows made anew each time they are read, a block of columns at a time: a large
    cycle's distribution is millions of rows, written as CSV and JSON and never needed all at
    once, so only the allocations' arrays are kept. `len()` is known without making them."""

    def __init__(self, make: Callable[[], Iterator[list[Sequence[Any]]]], length: int) -> None:
        self.make = make
        self.length = length

    def blocks(self) -> Iterator[list[Sequence[Any]]]:
        """The rows as blocks of equally long columns (a `Same` column: one value throughout).
        Small blocks are joined into blocks of about `_BLOCK_ROWS` rows, so the writers' work per
        block is spread over many rows; a longer one (`_BLOCK_ALONE`) goes as it is."""
        pending: list[list[Any]] = []
        for block in self.make():
            if len(block[0]) >= _BLOCK_ALONE:
                if pending:
                    yield pending
                    pending = []
                yield block
                continue
            if not pending:
                pending = [list(column) for column in block]
            else:
                for column, more in zip(pending, block, strict=True):
                    column.extend(more)
            if len(pending[0]) >= _BLOCK_ROWS:
                yield pending
                pending = []
        if pending:
            yield pending

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for block in self.blocks():
            yield from zip(*block, strict=True)

    def __len__(self) -> int:
        return self.length


_BLOCK_ROWS = 16_384
_BLOCK_ALONE = 256  # a block this long is written as it is, its `Same` columns formatted once


def _distribution_blocks(
    allocations: list[Allocation],
    organisations: Mapping[str, tuple[str, str]],
    object_of: Callable[[str], tuple[str, str, str]],
    subs: Mapping[tuple[str, str, int], Any],
    frozen_years: Mapping[str, int | None],
) -> Iterator[list[Sequence[Any]]]:
    """The distribution: one block for each allocation's subscriptions, one per weighted object
    (its participants, read from the split's arrays). Each column is made as a whole: what is
    the same on every line of an object is repeated, not made again."""
    amounts = Memo(machine)  # each distinct amount formatted once: amounts repeat on many lines
    quantities: dict[tuple[KeyMethod, bool, int], tuple[str, Decimal]] = {}
    for allocation in allocations:
        year = allocation.year
        if allocation.subscriptions:  # quantity × unit price
            rows = []
            for line in allocation.subscriptions:
                organisation_name, organisation_kind = organisations.get(line.organisation, ("", ""))
                sub = subs[(line.object, line.organisation, line.year)]
                supplier, supplier_name, name = object_of(line.object)
                rows.append(
                    (
                        line.year,
                        line.organisation,
                        organisation_name,
                        organisation_kind,
                        supplier,
                        supplier_name,
                        line.object,
                        name,
                        line.kind,
                        line.key,
                        line.method.value,
                        "antal",
                        f"{sub.quantity:f}",
                        None,
                        None,
                        None,
                        machine(sub.unit_price),
                        amounts[line.amount],
                    )
                )
            yield [list(column) for column in zip(*rows, strict=True)]
        split = allocation.split
        if split is None:
            continue
        codes = split.organisations
        described = [organisations.get(code, ("", "")) for code in codes]
        for i, obj in enumerate(split.objects):
            columns = np.flatnonzero(split.member[i]).tolist()
            n = len(columns)
            if not n:
                continue
            method = obj.key.method
            supplier, supplier_name, name = object_of(obj.code)
            weights = split.weights[i]
            texts = []
            total = Decimal(0)
            for weight in weights.values():
                # A Decimal by identity: equal ones may be written differently (2.5, 2.50) and the
                # text is the package's; the weights are alive while the rows are made.
                key = (method, True, weight) if type(weight) is int else (method, False, id(weight))
                found = quantities.get(key)
                if found is None:
                    text = _quantity(method, weight)
                    found = quantities[key] = (text, Decimal(text))
                texts.append(found)
                total += found[1]
            quantity_of = dict(zip(weights, texts, strict=True))
            shares = {
                text: f"{(Decimal(value) / total).quantize(RATIO_PLACES, ROUND_HALF_UP):f}" if total else None
                for text, value in set(texts)
            }
            members = [codes[j] for j in columns]
            quantity = [quantity_of[code][0] for code in members]
            same = partial(Same, length=n)
            yield [
                same(year),
                members,
                [described[j][0] for j in columns],
                [described[j][1] for j in columns],
                same(supplier),
                same(supplier_name),
                same(obj.code),
                same(name),
                same(obj.kind),
                same(obj.key.code),
                same(method.value),
                same(_usage_unit(obj, frozen_years)),
                quantity,
                same(f"{total:f}"),
                list(map(shares.__getitem__, quantity)),
                same(amounts[split.costs[i]]),
                same(None),
                list(map(amounts.__getitem__, split.amounts[i, columns].tolist())),
            ]


def open_datasets(data: CycleData, resolution: Resolution) -> list[Dataset]:
    """The catalogue and distribution of the base year (decided budget) and the target year as
    decided by `resolution`, and the frames. Before any decision only the base year is published
    (no frames): nothing undecided leaves the system."""
    cycle = data.cycle
    if not resolution.anything_decided():
        allocations = [allocate(data, cycle.base_year)]
        return [catalogue_dataset(data, allocations), distribution_dataset(data, allocations)]
    allocations = [allocate(data, cycle.base_year), allocate(data, cycle.target_year, resolution)]
    return [
        catalogue_dataset(data, allocations),
        frames_dataset(data, resolution),
        distribution_dataset(data, allocations),
    ]
