"""A service's cost and an organisation's bill across every cycle of the installation.

Each cycle contributes its years up to the base year as recorded (budget, outcome) and its target
year as decided by its deciding stage. Consecutive cycles overlap in one year (the 2027 cycle's base
year 2026 is the 2026 cycle's decided year with the index applied), so each row names its cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class CycleSummary:
    """What the pages across cycles need of one cycle, small enough to keep per revision (a large
    cycle has millions of lines; its summary is a few thousand totals): its years, the deciding
    scenario's name, the names of its services and organisations, each service's recorded years
    up to the base year, and per decided year the totals per object and per organisation."""

    code: str
    base_year: int
    target_year: int
    decided_name: str
    services: dict[str, str]  # code → name
    organisations: dict[str, str]
    service_years: dict[str, list[tuple[int, int, int | None]]]  # service → (year, cost, outcome), by year
    by_object: dict[int, dict[str, int]]  # decided year → object → öre
    by_organisation: dict[int, dict[str, int]]

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (years as text keys, amounts as integers: exact)."""
        return {
            "code": self.code,
            "base_year": self.base_year,
            "target_year": self.target_year,
            "decided_name": self.decided_name,
            "services": self.services,
            "organisations": self.organisations,
            "service_years": {k: [list(r) for r in v] for k, v in self.service_years.items()},
            "by_object": {str(y): v for y, v in self.by_object.items()},
            "by_organisation": {str(y): v for y, v in self.by_organisation.items()},
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> CycleSummary:
        return cls(
            value["code"],
            value["base_year"],
            value["target_year"],
            value["decided_name"],
            dict(value["services"]),
            dict(value["organisations"]),
            {k: [(y, c, o) for y, c, o in v] for k, v in value["service_years"].items()},
            {int(y): dict(v) for y, v in value["by_object"].items()},
            {int(y): dict(v) for y, v in value["by_organisation"].items()},
        )


def cycle_summary(data: CycleData) -> CycleSummary:
    """The cycle's `CycleSummary`: the deciding scenario's allocations of the base year and, once
    anything is decided, the target year, summed from their arrays."""
    resolution = resolve_code(data, decided_scenario(data) or "")
    by_object: dict[int, dict[str, int]] = {}
    by_organisation: dict[int, dict[str, int]] = {}
    decided = resolution.anything_decided()
    for year, res in ((data.cycle.base_year, None), (data.cycle.target_year, resolution)):
        if res is not None and not decided:
            continue
        try:
            allocation = allocate(data, year, res)
        except AllocationError:
            continue
        by_object[year] = allocation.by_object()
        by_organisation[year] = allocation.by_organisation()
    service_years: dict[str, list[tuple[int, int, int | None]]] = {}
    for sy in sorted(data.service_years, key=lambda r: r.year):
        if sy.year <= data.cycle.base_year:
            service_years.setdefault(sy.service, []).append((sy.year, sy.cost, sy.outcome))
    return CycleSummary(
        data.cycle.code,
        data.cycle.base_year,
        data.cycle.target_year,
        resolution.name,
        {s.code: s.name for s in data.services},
        {o.code: o.name for o in data.organisations},
        service_years,
        by_object,
        by_organisation,
    )


def _in_order(cycles: Sequence[CycleSummary]) -> list[CycleSummary]:
    return sorted(cycles, key=lambda c: (c.target_year, c.code))


def service_across(cycles: Sequence[CycleSummary], service: str) -> Table:
    """Per cycle: the service's recorded cost per past year and base year, and its decided cost."""
    rows = []
    name = service
    for summary in _in_order(cycles):
        if service not in summary.services:
            continue
        name = summary.services[service]
        for year, cost, outcome in summary.service_years.get(service, ()):
            what = _("Budget") if year == summary.base_year else _("Earlier year")
            rows.append((summary.code, year, what, cost, outcome))
        target = summary.by_object.get(summary.target_year)
        if target is not None:
            decided = _("Decided: %(scenario)s") % {"scenario": summary.decided_name}
            rows.append((summary.code, summary.target_year, decided, target.get(service, 0), None))
    return Table(_("%(name)s: cost across all cycles") % {"name": name}, _columns(), tuple(rows))


def organisation_across(cycles: Sequence[CycleSummary], organisation: str) -> Table:
    """Per cycle: the organisation's bill in the base year (as budgeted) and the target year (as decided),
    without index and VAT."""
    rows = []
    name = organisation
    for summary in _in_order(cycles):
        if organisation not in summary.organisations:
            continue
        name = summary.organisations[organisation]
        for year, totals in sorted(summary.by_organisation.items()):
            what = (
                _("Budget")
                if year == summary.base_year
                else _("Decided: %(scenario)s") % {"scenario": summary.decided_name}
            )
            rows.append((summary.code, year, what, totals.get(organisation, 0), None))
    return Table(_("%(name)s: cost across all cycles") % {"name": name}, _columns(), tuple(rows))
