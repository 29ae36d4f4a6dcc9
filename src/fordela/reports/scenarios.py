"""The scenario builder and the comparison: the whole recomputation of one resolved scenario,
and its tables next to other scenarios' (all computed by the engine)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import AllocationError
from fordela.engine.model import CycleData
from fordela.engine.money import Unit
from fordela.engine.scenario import Resolution
from fordela.reports.cycle import (
    MONEY,
    PERCENT,
    bridge_table,
    initiatives_table,
    line_labels,
    organisation_name,
)
from fordela.reports.i18n import gettext as _
from fordela.reports.tables import Col, Table, ratio


@dataclass(frozen=True)
class ScenarioSummary:
    """Everything the scenario builder shows for one resolved scenario.

    `bridges`, `initiatives`: one report table per supplier (in `suppliers` order). `totals` and
    `base_totals`: every organisation's bill (öre) for the target and the base year. `problems`:
    why the distribution could not be made (then the totals are empty), never a silent zero.
    """

    resolution: Resolution
    suppliers: tuple[str, ...]
    bridges: tuple[Table, ...]
    initiatives: tuple[Table, ...]
    supplier_bridges: tuple[b.Bridge, ...]
    totals: Mapping[str, int]
    base_totals: Mapping[str, int]
    problems: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def scenario_summary(data: CycleData, resolution: Resolution) -> ScenarioSummary:
    """Recompute a whole scenario: every supplier's bridge and initiative lists, and every
    organisation's bill for the target year (and the base year, to show the change)."""
    codes = tuple(b.suppliers(data))
    problems: list[str] = []
    totals: dict[str, int] = {}
    base_totals: dict[str, int] = {}
    try:
        totals = allocate(data, data.cycle.target_year, resolution).by_organisation()
        base_totals = allocate(data, data.cycle.base_year).by_organisation()
    except AllocationError as error:
        problems.extend(error.problems)
        totals, base_totals = {}, {}
    return ScenarioSummary(
        resolution=resolution,
        suppliers=codes,
        bridges=tuple(bridge_table(data, s, [resolution]) for s in codes),
        initiatives=tuple(initiatives_table(data, s, resolution) for s in codes),
        supplier_bridges=tuple(b.bridge(data, s, resolution) for s in codes),
        totals=totals,
        base_totals=base_totals,
        problems=tuple(problems),
    )


def _visible(codes: Collection[str], visible: Collection[str] | None) -> list[str]:
    return [c for c in codes if visible is None or c in visible]


def organisation_change_table(
    data: CycleData, summary: ScenarioSummary, visible: Collection[str] | None = None
) -> Table:
    """Every organisation's bill in the base and target year, with the change; a sum over all.

    `visible` limits the organisation rows (a customer sees its own); the sum is always over all.
    """
    base, target = data.cycle.base_year, data.cycle.target_year
    columns = (
        Col("organisation", _("Code"), shown=False),
        Col("name", _("Organisation")),
        Col("base", _("Sum %(year)s") % {"year": base}, MONEY, Unit.KR),
        Col("target", _("Sum %(year)s") % {"year": target}, MONEY, Unit.KR),
        Col("change", _("Total change"), MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
    )
    codes = sorted(set(summary.totals) | set(summary.base_totals), key=lambda c: organisation_name(data, c))
    rows: list[tuple[Any, ...]] = []
    for code in _visible(codes, visible):
        before, after = summary.base_totals.get(code, 0), summary.totals.get(code, 0)
        rows.append((code, organisation_name(data, code), before, after, after - before, ratio(after - before, before)))
    before, after = sum(summary.base_totals.values()), summary.total
    rows.append(("", _("Sum of all organisations"), before, after, after - before, ratio(after - before, before)))
    title = _("Sum per organisation %(year)s – %(scenario)s") % {"year": target, "scenario": summary.resolution.name}
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))


def _compare_columns(resolutions: Sequence[Resolution], unit: Unit) -> list[Col]:
    columns: list[Col] = []
    first = resolutions[0]
    for i, r in enumerate(resolutions):
        columns.append(Col(f"amount_{r.code}", r.name, MONEY, unit))
        if i:
            columns.append(
                Col(f"difference_{r.code}", _("Difference from %(scenario)s") % {"scenario": first.name}, MONEY, unit)
            )
    return columns


def _compare_cells(amounts: Sequence[int]) -> list[int]:
    cells: list[int] = []
    for i, amount in enumerate(amounts):
        cells.append(amount)
        if i:
            cells.append(amount - amounts[0])
    return cells


def scenario_compare_suppliers_table(data: CycleData, resolutions: Sequence[Resolution]) -> Table:
    """Every supplier's management, development and total per scenario, with the difference of
    each scenario against the first."""
    columns = [
        Col("supplier", _("Code"), shown=False),
        Col("measure", _("Measure"), shown=False),
        Col("label", _("Supplier")),
    ]
    columns += _compare_columns(resolutions, Unit.MKR)
    labels = {"management": _("management"), "development": _("change initiatives"), "total": _("total")}
    rows: list[tuple[Any, ...]] = []
    emphasis = set()
    for supplier in b.suppliers(data):
        bridges = [b.bridge(data, supplier, r) for r in resolutions]
        values = {
            "management": [x.management_cost for x in bridges],
            "development": [x.change_initiatives for x in bridges],
            "total": [x.total for x in bridges],
        }
        for measure, amounts in values.items():
            if measure == "total":
                emphasis.add(len(rows))
            label = f"{organisation_name(data, supplier)}, {labels[measure]}"
            rows.append((supplier, measure, label, *_compare_cells(amounts)))
    title = _("The suppliers' costs %(year)s per scenario") % {"year": data.cycle.target_year}
    return Table(title, tuple(columns), tuple(rows), (), frozenset(emphasis))


def scenario_compare_organisations_table(
    data: CycleData, summaries: Sequence[ScenarioSummary], visible: Collection[str] | None = None
) -> Table:
    """Every organisation's bill for the target year per scenario, with differences against the
    first scenario, and the sum over all organisations."""
    resolutions = [s.resolution for s in summaries]
    columns = [Col("organisation", _("Code"), shown=False), Col("name", _("Organisation"))]
    columns += _compare_columns(resolutions, Unit.KR)
    codes = sorted({c for s in summaries for c in s.totals}, key=lambda c: organisation_name(data, c))
    rows: list[tuple[Any, ...]] = [
        (code, organisation_name(data, code), *_compare_cells([s.totals.get(code, 0) for s in summaries]))
        for code in _visible(codes, visible)
    ]
    rows.append(("", _("Sum of all organisations"), *_compare_cells([s.total for s in summaries])))
    notes = tuple(f"{s.resolution.name}: {p}" for s in summaries for p in s.problems)
    title = _("Each organisation's cost %(year)s per scenario") % {"year": data.cycle.target_year}
    return Table(title, tuple(columns), tuple(rows), notes, frozenset({len(rows) - 1}))


def bridge_steps_table(data: CycleData, bridge: b.Bridge) -> Table:
    """The bridge as steps for a waterfall: each change and the level it reaches (subtotals too)."""
    labels = line_labels(data)
    steps: list[tuple[str, str, int | None, int]] = [
        ("management_budget_base", labels["management_budget_base"], None, bridge.management_budget_base)
    ]
    level = bridge.management_budget_base
    existing = {n for n, _ in b.EXISTING_DELIVERY_LINES}
    for group in (True, False):
        for name, amount in bridge.lines:
            if (name in existing) is group:
                level += amount
                steps.append((name, labels[name], amount, level))
        if group:
            steps.append(("existing_delivery", labels["existing_delivery"], None, bridge.existing_delivery))
    steps.append(("management_cost", labels["management_cost"], None, bridge.management_cost))
    steps.append(("change_initiatives", labels["change_initiatives"], bridge.change_initiatives, bridge.total))
    steps.append(("total", labels["total"], None, bridge.total))
    columns = (
        Col("step", _("Step"), shown=False),
        Col("label", _("Step")),
        Col("change", _("Total change"), MONEY),
        Col("level", _("Level"), MONEY),
    )
    emphasis = frozenset(i for i, s in enumerate(steps) if s[2] is None)
    title = _("Budget bridge %(supplier)s %(year)s step by step") % {
        "supplier": organisation_name(data, bridge.supplier),
        "year": data.cycle.target_year,
    }
    return Table(title, columns, tuple(steps), (), emphasis)
