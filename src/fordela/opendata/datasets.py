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

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import Allocation, AllocationLine
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, DistributionKey, KeyMethod
from fordela.engine.money import machine
from fordela.engine.scenario import Resolution

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
    rows: tuple[tuple[Any, ...], ...]
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


def _usage(
    line: AllocationLine, keys: Mapping[str, DistributionKey], frozen_years: dict[str, int | None]
) -> tuple[str, str]:
    """(usage unit, usage quantity as exact text) of a weighted line."""
    weight = line.weight
    assert weight is not None
    if line.method is KeyMethod.FROZEN:
        # The weight is the öre allocated in the frozen year; shown in kr, the proportions are the same.
        return f"belopp {frozen_years.get(line.key)} (kr)", machine(int(weight))
    if line.method is KeyMethod.EQUAL:
        return "lika delar", "1"
    if line.method is KeyMethod.FIXED:
        return "andel", f"{Decimal(weight):f}"
    key = keys[line.key]
    driver = key.solidarity_driver if line.method is KeyMethod.HYBRID else key.driver
    return str(driver), f"{Decimal(weight):f}"


def distribution_dataset(data: CycleData, allocations: list[Allocation]) -> Dataset:
    """Every organisation's distribution line per published year, with its trail."""
    names = _names(data)
    kinds = {o.code: o.kind.value for o in data.organisations}
    services = {s.code: s for s in data.services}
    proposals = {p.code: p for p in data.proposals}
    frozen_years = {k.code: k.frozen_year for k in data.keys}
    keys = lookups(data).keys
    subs = {(s.service, s.organisation, s.year): s for s in data.subscriptions}
    # What every line of an object or an organisation repeats is looked up once (a large cycle
    # has millions of lines and thousands of objects and organisations).
    objects: dict[str, tuple[str, str, str]] = {}
    for code in {line.object for allocation in allocations for line in allocation.lines}:
        service = services.get(code)
        supplier = service.supplier if service else proposals[code].supplier
        objects[code] = (supplier, names.get(supplier, ""), service.name if service else proposals[code].title)
    organisations = {code: (names.get(code, ""), kinds.get(code, "")) for code in names}
    amounts: dict[int, str] = {}
    exact: dict[str, Decimal] = {}
    rows = []
    for allocation in allocations:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        usage: dict[tuple[str, str], tuple[str, str]] = {}
        for line in allocation.lines:
            if line.weight is not None:
                unit, quantity = _usage(line, keys, frozen_years)
                usage[(line.object, line.organisation)] = (unit, quantity)
                value = exact.get(quantity)
                if value is None:
                    value = exact[quantity] = Decimal(quantity)
                totals[line.object] += value
        total_texts = {code: f"{total:f}" for code, total in totals.items()}
        shares: dict[tuple[str, str], str | None] = {}
        for line in allocation.lines:
            supplier, supplier_name, name = objects[line.object]
            organisation_name, organisation_kind = organisations.get(line.organisation, ("", ""))
            common = (
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
            )
            if line.weight is None:  # a subscription: quantity × unit price
                sub = subs[(line.object, line.organisation, line.year)]
                trail = ("antal", f"{sub.quantity:f}", None, None, None, machine(sub.unit_price))
            else:
                unit, quantity = usage[(line.object, line.organisation)]
                share_key = (quantity, line.object)
                if share_key not in shares:
                    total = totals[line.object]
                    share = (Decimal(quantity) / total).quantize(RATIO_PLACES, ROUND_HALF_UP) if total else None
                    shares[share_key] = None if share is None else f"{share:f}"
                split_total = None if line.split_total is None else _machine(line.split_total, amounts)
                trail = (unit, quantity, total_texts[line.object], shares[share_key], split_total, None)
            rows.append((*common, *trail, _machine(line.amount, amounts)))
    years = [a.year for a in allocations]
    return Dataset(
        "kostnadsfordelning",
        "Kostnadsfördelning per organisation för gemensamma digitala tjänster",
        "Vad varje förvaltning och bolag betalar per tjänst och år (kr), med fördelningsnyckel, drivare, "
        "organisationens värde, summan av alla värden, andelen och beloppet som fördelades, så att varje rad "
        "kan räknas om exakt (största restmetoden, se metodbeskrivningen).",
        DISTRIBUTION_COLUMNS,
        tuple(rows),
        min(years),
        max(years),
        ("kostnadsfördelning", "fördelningsnyckel", "digitala tjänster", "FOCUS"),
        frozenset({"organisation_name", "supplier_name", "object_name", "usage_unit"}),
    )


def _machine(ore: int, memo: dict[int, str]) -> str:
    """`machine(ore)`, each distinct amount formatted once."""
    text = memo.get(ore)
    if text is None:
        text = memo[ore] = machine(ore)
    return text


def target_year_decided(resolution: Resolution) -> bool:
    """Whether any stage has decided anything: before the first review the target year's figures are
    only the base year carried forward and the suppliers' proposals, which nobody has decided."""
    return any(d.stage is not None for d in resolution.decisions.values())


def open_datasets(data: CycleData, resolution: Resolution) -> list[Dataset]:
    """The catalogue and distribution of the base year (decided budget) and the target year as
    decided by `resolution`, and the frames. Before any decision only the base year is published
    (no frames): nothing undecided leaves the system."""
    cycle = data.cycle
    if not target_year_decided(resolution):
        allocations = [allocate(data, cycle.base_year)]
        return [catalogue_dataset(data, allocations), distribution_dataset(data, allocations)]
    allocations = [allocate(data, cycle.base_year), allocate(data, cycle.target_year, resolution)]
    return [
        catalogue_dataset(data, allocations),
        frames_dataset(data, resolution),
        distribution_dataset(data, allocations),
    ]
