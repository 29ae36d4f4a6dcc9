"""What a change to a cycle does to every organisation's bill: before → after, kr and %.

Both versions are computed by the engine (`allocate`) under the scenario whose decisions stand
in each (for a year after the base year), so a preview shows exactly what saving would do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import AllocationError
from fordela.engine.model import CycleData
from fordela.engine.money import Unit
from fordela.engine.scenario import ScenarioError, decided_scenario, resolve_code
from fordela.reports.i18n import gettext as _
from fordela.reports.tables import Col, ColumnKind, Table, ratio


@dataclass(frozen=True)
class Effect:
    year: int
    table: Table | None  # None when the distribution cannot be computed
    error_before: str = ""
    error_after: str = ""

    @property
    def changed(self) -> bool:
        return self.table is not None and any(row[4] for row in self.table.rows[:-1])


def organisation_totals(data: CycleData, year: int, *, service: str | None = None) -> dict[str, int]:
    """Each organisation's amount in `year` (of one service, or of every cost object)."""
    resolution = None
    if year > data.cycle.base_year:
        code = decided_scenario(data)
        if code:
            try:
                resolution = resolve_code(data, code)
            except ScenarioError:
                resolution = None
    allocation = allocate(data, year, resolution)
    if service is None:
        return allocation.by_organisation()
    totals: dict[str, int] = defaultdict(int)
    for line in allocation.object_lines(service):
        totals[line.organisation] += line.amount
    return dict(totals)


def _name(data: CycleData, code: str) -> str:
    return next((o.name for o in data.organisations if o.code == code), code)


def effect(old: CycleData, new: CycleData, *, year: int, service: str | None = None, title: str = "") -> Effect:
    """Every organisation's amount before and after, its change in kr and in %, and the sum."""
    errors = ["", ""]
    totals: list[dict[str, int]] = []
    for i, data in enumerate((old, new)):
        try:
            totals.append(organisation_totals(data, year, service=service) if year in data.cycle.years else {})
        except AllocationError as error:
            errors[i] = str(error)
            totals.append({})
    if errors[1]:
        return Effect(year, None, *errors)
    before, after = totals
    rows: list[tuple[Any, ...]] = []
    for org in sorted(before.keys() | after.keys(), key=lambda o: (_name(new, o), o)):
        a, b = before.get(org, 0), after.get(org, 0)
        rows.append((org, _name(new, org), a, b, b - a, ratio(b - a, a)))
    total_a, total_b = sum(before.values()), sum(after.values())
    rows.append(("", _("Sum"), total_a, total_b, total_b - total_a, ratio(total_b - total_a, total_a)))
    columns = (
        Col("organisation", _("Code"), shown=False),
        Col("name", _("Organisation")),
        Col("before", _("Before"), ColumnKind.MONEY, Unit.KR),
        Col("after", _("After"), ColumnKind.MONEY, Unit.KR),
        Col("change", _("Total change"), ColumnKind.MONEY, Unit.KR),
        Col("change_percent", _("Change %"), ColumnKind.PERCENT),
    )
    table = Table(
        title or _("Effect per organisation %(year)s") % {"year": year},
        columns,
        tuple(rows),
        emphasis=frozenset({len(rows) - 1}),
    )
    return Effect(year, table, *errors)
