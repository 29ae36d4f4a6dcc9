"""A service's cost and an organisation's bill across every cycle of the installation.

Each cycle contributes its years up to the base year as recorded (budget, outcome) and its target
year as decided by its deciding stage. Consecutive cycles overlap in one year (the 2027 cycle's base
year 2026 is the 2026 cycle's decided year with the index applied), so each row names its cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import AllocationError
from fordela.engine.model import CycleData
from fordela.engine.money import Unit
from fordela.engine.scenario import decided_scenario, resolve_code
from fordela.reports.i18n import gettext as _
from fordela.reports.tables import Col, ColumnKind, Table

MONEY = ColumnKind.MONEY


def _columns() -> tuple[Col, ...]:
    return (
        Col("cycle", _("Cycle")),
        Col("year", _("Year")),
        Col("what", _("Refers to")),
        Col("amount", _("Amount"), MONEY, Unit.KR),
        Col("outcome", _("Outcome"), MONEY, Unit.KR),
    )


Decided = tuple[str, dict[int, dict[tuple[str, str], int]]]


def decided_amounts(data: CycleData) -> Decided:
    """The deciding scenario's name, and per year (base and target) each (object, organisation)'s amount."""
    resolution = resolve_code(data, decided_scenario(data) or "")
    years: dict[int, dict[tuple[str, str], int]] = {}
    # before any decision the budget year has no decided figure to show
    decided = any(d.stage is not None for d in resolution.decisions.values())
    for year, res in ((data.cycle.base_year, None), (data.cycle.target_year, resolution)):
        if res is not None and not decided:
            continue
        try:
            allocation = allocate(data, year, res)
        except AllocationError:
            continue
        amounts: dict[tuple[str, str], int] = {}
        for obj, org, amount in allocation.cells():
            amounts[(obj, org)] = amounts.get((obj, org), 0) + amount
        years[year] = amounts
    return resolution.name, years


def service_across(
    cycles: Sequence[CycleData], service: str, decided: Callable[[CycleData], Decided] = decided_amounts
) -> Table:
    """Per cycle: the service's recorded cost per past year and base year, and its decided cost.
    `decided` is `decided_amounts` or a cached equivalent (the web caches it per revision)."""
    rows = []
    name = service
    for data in sorted(cycles, key=lambda d: (d.cycle.target_year, d.cycle.code)):
        match = next((s for s in data.services if s.code == service), None)
        if match is None:
            continue
        name = match.name
        decided_name, years = decided(data)
        for sy in sorted(data.service_years, key=lambda r: r.year):
            if sy.service == service and sy.year <= data.cycle.base_year:
                what = _("Budget") if sy.year == data.cycle.base_year else _("Earlier year")
                rows.append((data.cycle.code, sy.year, what, sy.cost, sy.outcome))
        target = years.get(data.cycle.target_year)
        if target is not None:
            amount = sum(a for (obj, _org), a in target.items() if obj == service)
            rows.append(
                (
                    data.cycle.code,
                    data.cycle.target_year,
                    _("Decided: %(scenario)s") % {"scenario": decided_name},
                    amount,
                    None,
                )
            )
    return Table(_("%(name)s: cost across all cycles") % {"name": name}, _columns(), tuple(rows))


def organisation_across(
    cycles: Sequence[CycleData], organisation: str, decided: Callable[[CycleData], Decided] = decided_amounts
) -> Table:
    """Per cycle: the organisation's bill in the base year (as budgeted) and the target year (as decided),
    without index and VAT."""
    rows = []
    name = organisation
    for data in sorted(cycles, key=lambda d: (d.cycle.target_year, d.cycle.code)):
        match = next((o for o in data.organisations if o.code == organisation), None)
        if match is None:
            continue
        name = match.name
        decided_name, years = decided(data)
        for year, amounts in sorted(years.items()):
            what = (
                _("Budget") if year == data.cycle.base_year else _("Decided: %(scenario)s") % {"scenario": decided_name}
            )
            bill = sum(a for (_obj, org), a in amounts.items() if org == organisation)
            rows.append((data.cycle.code, year, what, bill, None))
    return Table(_("%(name)s: cost across all cycles") % {"name": name}, _columns(), tuple(rows))
