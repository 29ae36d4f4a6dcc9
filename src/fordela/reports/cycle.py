"""The cycle's reports laid out like the coordination group's deck (seeds/000…)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.allocate import Allocation
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, ReviewOutcome
from fordela.engine.money import NBSP, Unit, swedish_number
from fordela.engine.scenario import Resolution
from fordela.reports.tables import Col, ColumnKind, Table, ratio

MONEY, PERCENT = ColumnKind.MONEY, ColumnKind.PERCENT

LIST_LABELS = {
    "recommended": "Rekommenderas",
    "not_recommended": "Rekommenderas inte",
    "as_add_on": "Finansieras som tilläggstjänster",
    "not_reviewed": "Ej behandlade",
}
OUTCOME_LABELS = {
    ReviewOutcome.APPROVE: "Tillstyrks",
    ReviewOutcome.APPROVE_WITH_CONDITIONS: "Tillstyrks med villkor",
    ReviewOutcome.APPROVE_AS_ADD_ON: "Som tilläggstjänst",
    ReviewOutcome.REJECT: "Avslås",
    ReviewOutcome.DEFER: "Avvakta",
}


def organisation_name(data: CycleData, code: str) -> str:
    return lookups(data).organisation_name(code)


def index_percent(data: CycleData) -> str:
    """The cycle's index as the deck writes it: ``3 %``, ``2,5 %``."""
    return f"{swedish_number(data.cycle.index_rate * 100, 1).removesuffix(',0')}{NBSP}%"


def line_labels(data: CycleData) -> dict[str, str]:
    base, target = data.cycle.base_year, data.cycle.target_year
    return {
        "management_budget_base": (
            f"Förvaltningskostnad bastjänster och digital infrastruktur enligt beslutad budget {base}"
        ),
        "development_within_service": "Påverkan på förvaltningskostnad av utveckling inom tjänst",
        "supplier_contracts": "Påverkan på förvaltningskostnad på grund av leverantörsavtal",
        "settlement": f"Avräkning genomförd utveckling {base}",
        "efficiency": "Effektiviseringsinsatser",
        "existing_delivery": "Förvaltningskostnad befintlig leverans",
        "new_services": "Påverkan på förvaltningskostnad för leverans av nya tjänster och erbjudanden",
        "volume": "Påverkan på förvaltningskostnad på grund av ökade volymer",
        "initiative_management": "Förvaltningskostnad från förändringsinsatser",
        "management_cost": f"Summa förvaltningskostnad {target}",
        "change_initiatives": f"Förändringsinsatser {target}",
        "total": "TOTAL SUMMA",
        "total_with_index": f"Total med index {index_percent(data)}",
    }


def bridge_table(data: CycleData, supplier: str, resolutions: Sequence[Resolution]) -> Table:
    """The bridge with one amount, change and change-% column per scenario."""
    bridges = [b.bridge(data, supplier, r) for r in resolutions]
    labels = line_labels(data)
    first = bridges[0]
    line_names = [n for n, _ in first.lines]
    for other in bridges[1:]:
        line_names += [n for n, _ in other.lines if n not in line_names]
    existing_names = [n for n, _ in b.EXISTING_DELIVERY_LINES]
    order = (
        ["management_budget_base"]
        + existing_names
        + ["existing_delivery"]
        + [n for n in line_names if n not in existing_names]
        + ["management_cost", "change_initiatives", "total", "total_with_index"]
    )
    changes = {
        "existing_delivery": lambda x: x.existing_delivery_change,
        "management_cost": lambda x: x.management_change,
        "change_initiatives": lambda x: x.change_initiatives_change,
        "total": lambda x: x.total_change,
    }

    def amount(x: b.Bridge, name: str) -> int:
        if name in (
            "management_budget_base",
            "existing_delivery",
            "management_cost",
            "change_initiatives",
            "total",
            "total_with_index",
        ):
            return int(getattr(x, name))
        return dict(x.lines).get(name, 0)

    columns = [Col("line", "Rad", shown=False), Col("label", "")]
    for r in resolutions:
        columns += [
            Col(f"amount_{r.code}", f"Belopp {r.name}", MONEY),
            Col(f"change_{r.code}", f"Ökning {data.cycle.base_year}–{data.cycle.target_year}", MONEY),
            Col(f"change_percent_{r.code}", "%", PERCENT),
        ]
    rows = []
    for name in order:
        row: list[Any] = [name, labels[name]]
        for x in bridges:
            change = changes[name](x) if name in changes else None
            row += [
                amount(x, name),
                None if change is None else change.amount,
                None if change is None or name == "change_initiatives" else change.ratio,
            ]
        rows.append(tuple(row))
    emphasis = frozenset(i for i, n in enumerate(order) if n in ("existing_delivery", "management_cost", "total"))
    name = organisation_name(data, supplier)
    notes = (
        f"Förändringsinsatsernas ökning jämförs med {data.cycle.base_year} års "
        f"{swedish_number(first.change_initiatives_base / 100_000_000, 1)} mkr; totalens med "
        f"{swedish_number(first.total_base / 100_000_000, 1)} mkr.",
    )
    return Table(f"Budgetbrygga {name} {data.cycle.target_year}", tuple(columns), tuple(rows), notes, emphasis)


def initiatives_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    """The change-initiative lists with a sum per list (tkr, as the deck shows them)."""
    year = data.cycle.target_year
    columns = (
        Col("list", "Lista", shown=False),
        Col("list_label", "Lista"),
        Col("proposal", "Kod"),
        Col("title", "Förändringsinsats"),
        Col("already_decided", "Redan beslutad"),
        Col("outcome", "Utfall"),
        Col("conditions", "Villkor"),
        Col("amount", f"Kostnad {year}", MONEY, Unit.TKR),
    )
    rows: list[tuple[Any, ...]] = []
    emphasis = set()
    for lst in b.initiative_lists(data, supplier, resolution):
        for d, amount in lst.items:
            rows.append(
                (
                    lst.name,
                    LIST_LABELS[lst.name],
                    d.proposal.code,
                    d.proposal.title,
                    "ja" if d.proposal.already_decided else "",
                    OUTCOME_LABELS.get(d.outcome, "Föreslagen") if d.outcome else "Föreslagen",
                    "; ".join(c.text or c.kind.value for c in d.conditions),
                    amount,
                )
            )
        emphasis.add(len(rows))
        rows.append((lst.name, "Summa", "", LIST_LABELS[lst.name], "", "", "", lst.total))
    title = f"Förändringsinsatser {year}, {organisation_name(data, supplier)} – {resolution.name}"
    return Table(title, columns, tuple(rows), (), frozenset(emphasis))


def frames_table(data: CycleData, resolution: Resolution) -> Table:
    """Budget frames per supplier: management and development, without and with index."""
    columns = (
        Col("supplier", "Kod"),
        Col("name", "Leverantör"),
        Col("management", "Ram förvaltning", MONEY, Unit.KR),
        Col("development", "Ram utveckling", MONEY, Unit.KR),
        Col("management_with_index", "Förvaltning inkl. index", MONEY, Unit.KR),
        Col("development_with_index", "Utveckling inkl. index", MONEY, Unit.KR),
    )
    rows = []
    for supplier in b.suppliers(data):
        f = b.frame(data, supplier, resolution)
        rows.append(
            (
                supplier,
                organisation_name(data, supplier),
                f.management,
                f.development,
                f.management_with_index,
                f.development_with_index,
            )
        )
    return Table(
        f"Ekonomiska ramar {data.cycle.target_year} – {resolution.name}",
        columns,
        tuple(rows),
        (f"Ramarna gäller plus index som KF beslutar (i cykeln {index_percent(data)}).",),
    )


def outlook_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    columns = (
        Col("year", "År"),
        Col("management", "Förvaltning", MONEY),
        Col("development", "Utveckling", MONEY),
        Col("total", "Totalt", MONEY),
        Col("change", "Förändring mot basår", MONEY),
        Col("change_percent", "%", PERCENT),
        Col("total_with_index", "Totalt inkl. index", MONEY),
    )
    years = b.outlook(data, supplier, resolution)
    base = years[0].total
    rows = tuple(
        (y.year, y.management, y.development, y.total, y.total - base, ratio(y.total - base, base), y.total_with_index)
        for y in years
    )
    return Table(f"Flerårsprognos {organisation_name(data, supplier)} – {resolution.name}", columns, rows)


def allocation_table(data: CycleData, allocation: Allocation) -> Table:
    columns = (
        Col("service", "Tjänst/insats"),
        Col("organisation", "Organisation"),
        Col("year", "År"),
        Col("amount", "Belopp", MONEY, Unit.KR),
        Col("key", "Nyckel"),
        Col("method", "Metod"),
        Col("kind", "Typ"),
    )
    rows = tuple(
        (ln.object, ln.organisation, ln.year, ln.amount, ln.key, ln.method.value, ln.kind)
        for ln in sorted(allocation.lines, key=lambda ln: (ln.object, ln.organisation))
    )
    scenario = f" – {allocation.scenario}" if allocation.scenario else ""
    return Table(f"Fördelning {allocation.year}{scenario}", columns, rows)


def recovery_table(allocation: Allocation) -> Table:
    labels = {"under_recovery": "Underfinansiering", "over_recovery": "Överfinansiering", "surplus": "Överskott"}
    columns = (Col("service", "Tjänst"), Col("year", "År"), Col("kind", "Typ"), Col("amount", "Belopp", MONEY, Unit.KR))
    rows = tuple((r.object, r.year, labels[r.kind], r.amount) for r in allocation.recoveries)
    return Table(f"Abonnemang: täckning {allocation.year}", columns, rows)


def organisation_totals_table(data: CycleData, allocation: Allocation) -> Table:
    totals = allocation.by_organisation()
    columns = (Col("organisation", "Kod"), Col("name", "Organisation"), Col("amount", "Summa", MONEY, Unit.KR))
    rows = tuple((code, organisation_name(data, code), totals[code]) for code in sorted(totals))
    return Table(f"Summa per organisation {allocation.year}", columns, rows)


def supplier_totals_table(data: CycleData, resolution: Resolution) -> Table:
    """Per supplier: management and development in the target year and the change since the base year."""
    base, target = data.cycle.base_year, data.cycle.target_year
    columns = (
        Col("supplier", "Kod", shown=False),
        Col("name", "Leverantör"),
        Col("management", f"Förvaltning {target}", MONEY),
        Col("development", f"Utveckling {target}", MONEY),
        Col("total", f"Totalt {target}", MONEY),
        Col("total_base", f"Totalt {base}", MONEY),
        Col("change", "Förändring", MONEY),
        Col("change_percent", "%", PERCENT),
    )
    rows = []
    for supplier in b.suppliers(data):
        x = b.bridge(data, supplier, resolution)
        rows.append(
            (
                supplier,
                organisation_name(data, supplier),
                x.management_cost,
                x.change_initiatives,
                x.total,
                x.total_base,
                x.total_change.amount,
                x.total_change.ratio,
            )
        )
    return Table(f"Leverantörernas kostnader {target} – {resolution.name}", columns, tuple(rows))


def service_history_table(data: CycleData, service: str) -> Table:
    """A service's cost history as the annual analysis shows it: outcome, budget/proposal, of which development."""
    columns = (
        Col("year", "År"),
        Col("outcome", "Utfall", MONEY, Unit.KR),
        Col("cost", "Budget / förslag", MONEY, Unit.KR),
        Col("development_within_service", "Varav utveckling inom tjänst", MONEY, Unit.KR),
        Col("key", "Fördelningsnyckel"),
    )
    keys = {k.code: k.name for k in data.keys}
    rows = tuple(
        (sy.year, sy.outcome, sy.cost, sy.development_within_service, keys.get(sy.key, sy.key))
        for sy in sorted((sy for sy in data.service_years if sy.service == service), key=lambda sy: sy.year)
    )
    return Table("Kostnadshistorik", columns, rows)


def organisation_bill_table(data: CycleData, allocation: Allocation, organisation: str) -> Table:
    """What one organisation pays per service or initiative in the allocation's year."""
    names = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    lines = sorted((ln for ln in allocation.lines if ln.organisation == organisation), key=lambda ln: ln.object)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst eller insats"),
        Col("kind", "Typ", shown=False),
        Col("key", "Nyckel"),
        Col("amount", "Belopp", MONEY, Unit.KR),
    )
    kinds = {"service": "Tjänst", "initiative": "Förändringsinsats", "subscription": "Abonnemang"}
    rows = [(ln.object, names.get(ln.object, ln.object), kinds[ln.kind], ln.key, ln.amount) for ln in lines]
    rows.append(("", "Summa", "", "", sum(ln.amount for ln in lines)))
    title = f"{organisation_name(data, organisation)}: kostnader {allocation.year}"
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))


# --- Scenarios: the whole recomputation behind the scenario builder and the comparison -------
# (appended by the scenarios feature; imports here so the appended section stands alone)
from collections.abc import Collection, Mapping  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from fordela.engine.allocate import AllocationError, allocate  # noqa: E402


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
        Col("organisation", "Kod", shown=False),
        Col("name", "Organisation"),
        Col("base", f"Summa {base}", MONEY, Unit.KR),
        Col("target", f"Summa {target}", MONEY, Unit.KR),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
    )
    codes = sorted(set(summary.totals) | set(summary.base_totals), key=lambda c: organisation_name(data, c))
    rows: list[tuple[Any, ...]] = []
    for code in _visible(codes, visible):
        before, after = summary.base_totals.get(code, 0), summary.totals.get(code, 0)
        rows.append((code, organisation_name(data, code), before, after, after - before, ratio(after - before, before)))
    before, after = sum(summary.base_totals.values()), summary.total
    rows.append(("", "Summa alla organisationer", before, after, after - before, ratio(after - before, before)))
    title = f"Summa per organisation {target} – {summary.resolution.name}"
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))


def _compare_columns(resolutions: Sequence[Resolution], unit: Unit) -> list[Col]:
    columns: list[Col] = []
    first = resolutions[0]
    for i, r in enumerate(resolutions):
        columns.append(Col(f"amount_{r.code}", r.name, MONEY, unit))
        if i:
            columns.append(Col(f"difference_{r.code}", f"Skillnad mot {first.name}", MONEY, unit))
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
    columns = [Col("supplier", "Kod", shown=False), Col("measure", "Mått", shown=False), Col("label", "Leverantör")]
    columns += _compare_columns(resolutions, Unit.MKR)
    labels = {"management": "förvaltning", "development": "förändringsinsatser", "total": "totalt"}
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
    title = f"Leverantörernas kostnader {data.cycle.target_year} per scenario"
    return Table(title, tuple(columns), tuple(rows), (), frozenset(emphasis))


def scenario_compare_organisations_table(
    data: CycleData, summaries: Sequence[ScenarioSummary], visible: Collection[str] | None = None
) -> Table:
    """Every organisation's bill for the target year per scenario, with differences against the
    first scenario, and the sum over all organisations."""
    resolutions = [s.resolution for s in summaries]
    columns = [Col("organisation", "Kod", shown=False), Col("name", "Organisation")]
    columns += _compare_columns(resolutions, Unit.KR)
    codes = sorted({c for s in summaries for c in s.totals}, key=lambda c: organisation_name(data, c))
    rows: list[tuple[Any, ...]] = [
        (code, organisation_name(data, code), *_compare_cells([s.totals.get(code, 0) for s in summaries]))
        for code in _visible(codes, visible)
    ]
    rows.append(("", "Summa alla organisationer", *_compare_cells([s.total for s in summaries])))
    notes = tuple(f"{s.resolution.name}: {p}" for s in summaries for p in s.problems)
    title = f"Varje organisations kostnad {data.cycle.target_year} per scenario"
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
        Col("step", "Steg", shown=False),
        Col("label", "Steg"),
        Col("change", "Förändring", MONEY),
        Col("level", "Nivå", MONEY),
    )
    emphasis = frozenset(i for i, s in enumerate(steps) if s[2] is None)
    title = f"Budgetbrygga {organisation_name(data, bridge.supplier)} {data.cycle.target_year} steg för steg"
    return Table(title, columns, tuple(steps), (), emphasis)


# --- My organisation, the key simulator, the outlook per organisation --------------------------
# (appended by the organisations feature; imports here so the appended section stands alone)
from collections.abc import Collection  # noqa: E402, F811

from fordela.engine import explain as ex  # noqa: E402

KIND_LABELS = {"service": "Tjänst", "initiative": "Förändringsinsats", "subscription": "Abonnemang"}


def cause_labels(data: CycleData) -> dict[ex.Cause, str]:
    """What each part of the explained change is called (the waterfall's steps)."""
    return {
        ex.Cause.COST: "Tjänstens kostnad",
        ex.Cause.OWN_DRIVER: "Egna drivarvärden",
        ex.Cause.OTHERS_DRIVERS: "Andras drivarvärden",
        ex.Cause.PARTICIPATION: "Anslutning och utträde",
        ex.Cause.KEY: "Ändrad fördelningsnyckel",
        ex.Cause.NEW_SERVICES: "Nya tjänster",
        ex.Cause.INITIATIVES: "Förändringsinsatser",
        ex.Cause.INDEX: f"Index {index_percent(data)}",
    }


# Column headings where every cause is a column (the headings say "kr" too, so keep them short).
CAUSE_SHORT_LABELS = {
    ex.Cause.COST: "Kostnad",
    ex.Cause.OWN_DRIVER: "Egna värden",
    ex.Cause.OTHERS_DRIVERS: "Andras värden",
    ex.Cause.PARTICIPATION: "In/utträde",
    ex.Cause.KEY: "Nyckel",
    ex.Cause.NEW_SERVICES: "Nya tjänster",
    ex.Cause.INITIATIVES: "Insatser",
    ex.Cause.INDEX: "Index",
}


def _object_names(data: CycleData) -> dict[str, str]:
    return {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}


def explained_bill_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """What the organisation pays per service or initiative in both years, the change, and the
    target year with index (subscriptions are not indexed)."""
    a, b_year = explanation.from_year, explanation.to_year
    keys = {k.code: k.name for k in data.keys}
    names = _object_names(data)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst eller insats"),
        Col("kind", "Typ", shown=False),
        Col("key", "Nyckel"),
        Col("before", f"{a}", MONEY, Unit.KR),
        Col("after", f"{b_year}", MONEY, Unit.KR),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
        Col("after_with_index", f"{b_year} inkl. index", MONEY, Unit.KR),
    )

    def key_text(o: ex.ObjectChange) -> str:
        before = keys.get(o.key_before or "", "") if o.before else ""
        after = keys.get(o.key_after or "", "") if o.after else ""
        return f"{before} → {after}" if before and after and before != after else after or before

    rows: list[tuple[Any, ...]] = []
    for o in sorted(explanation.objects, key=lambda o: (o.kind != "service", names.get(o.object, o.object))):
        rows.append(
            (
                o.object,
                names.get(o.object, o.object),
                KIND_LABELS.get(o.kind, o.kind),
                key_text(o),
                o.before,
                o.after,
                o.change,
                ratio(o.change, o.before),
                o.after_with_index,
            )
        )
    e = explanation
    rows.append(("", "Summa", "", "", e.before, e.after, e.change, ratio(e.change, e.before), e.after_with_index))
    title = f"{organisation_name(data, e.organisation)}: kostnad per tjänst {a} och {b_year}"
    notes = ("Abonnemang (antal × pris) räknas inte upp med index.",)
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def explained_change_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """The change of every service billed in both years taken apart by cause (the substitution
    steps); each row sums to its change."""
    names = _object_names(data)
    causes = list(ex.SUBSTITUTION_ORDER)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst"),
        *(Col(c.value, CAUSE_SHORT_LABELS[c], MONEY, Unit.KR) for c in causes),
        Col("change", "Summa", MONEY, Unit.KR),
        Col("index", CAUSE_SHORT_LABELS[ex.Cause.INDEX], MONEY, Unit.KR),
    )
    shown = [o for o in explanation.objects if o.kind == "service" and o.key_before is not None]
    rows: list[tuple[Any, ...]] = [
        (o.object, names.get(o.object, o.object), *(o.part(c) for c in causes), o.change, o.part(ex.Cause.INDEX))
        for o in sorted(shown, key=lambda o: names.get(o.object, o.object))
    ]
    rows.append(
        (
            "",
            "Summa",
            *(sum(o.part(c) for o in shown) for c in causes),
            sum(o.change for o in shown),
            sum(o.part(ex.Cause.INDEX) for o in shown),
        )
    )
    e = explanation
    title = f"Tjänster båda åren: förändringen {e.from_year}–{e.to_year} per orsak"
    labels = cause_labels(data)
    notes = (
        "Kolumnerna: "
        + "; ".join(f"{CAUSE_SHORT_LABELS[c]} = {labels[c].lower()}" for c in causes)
        + ". Index räknas utöver förändringen.",
    )
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def explained_new_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """New services and change initiatives: counted as a whole, with their index."""
    labels = cause_labels(data)
    names = _object_names(data)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst eller insats"),
        Col("cause", "Orsak"),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("index", labels[ex.Cause.INDEX], MONEY, Unit.KR),
    )
    shown = [o for o in explanation.objects if o.kind != "service" or o.key_before is None]
    rows: list[tuple[Any, ...]] = []
    for o in sorted(shown, key=lambda o: (o.kind, names.get(o.object, o.object))):
        cause = ex.Cause.INITIATIVES if o.kind == "initiative" else ex.Cause.NEW_SERVICES
        rows.append((o.object, names.get(o.object, o.object), labels[cause], o.change, o.part(ex.Cause.INDEX)))
    rows.append(("", "Summa", "", sum(o.change for o in shown), sum(o.part(ex.Cause.INDEX) for o in shown)))
    e = explanation
    title = f"Nya tjänster och förändringsinsatser {e.to_year}"
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))


def explained_steps_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """The waterfall's steps: the base year's level, each cause, the target year, index, with index."""
    e = explanation
    labels = cause_labels(data)
    steps: list[tuple[str, str, int | None, int]] = [("before", f"Kostnad {e.from_year}", None, e.before)]
    level = e.before
    for cause in ex.CAUSES:
        if cause is ex.Cause.INDEX:
            steps.append(("after", f"Kostnad {e.to_year}", None, e.after))
        amount = e.part(cause)
        level += amount
        steps.append((cause.value, labels[cause], amount, level))
    steps.append(("after_with_index", f"Kostnad {e.to_year} inkl. index", None, e.after_with_index))
    columns = (
        Col("step", "Steg", shown=False),
        Col("label", "Steg"),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("level", "Nivå", MONEY, Unit.KR),
    )
    emphasis = frozenset(i for i, s in enumerate(steps) if s[2] is None)
    title = f"{organisation_name(data, e.organisation)}: från {e.from_year} till {e.to_year} steg för steg"
    return Table(title, columns, tuple(steps), (), emphasis)


def key_simulation_table(
    data: CycleData, simulation: ex.KeySimulation, visible: Collection[str] | None = None
) -> Table:
    """Every organisation's amount under the current and the alternative key, the change in kr
    and %; `visible` limits the organisation rows (a customer sees its own), the sum is over all."""
    columns = (
        Col("organisation", "Kod", shown=False),
        Col("name", "Organisation"),
        Col("current", simulation.current_key.name, MONEY, Unit.KR),
        Col("alternative", simulation.alternative_key.name, MONEY, Unit.KR),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
    )
    ordered = sorted(simulation.rows, key=lambda r: organisation_name(data, r.organisation))
    rows: list[tuple[Any, ...]] = [
        (
            r.organisation,
            organisation_name(data, r.organisation),
            r.current,
            r.alternative,
            r.change,
            ratio(r.change, r.current),
        )
        for r in ordered
        if visible is None or r.organisation in visible
    ]
    current, alternative = simulation.current_total, simulation.alternative_total
    rows.append(
        (
            "",
            "Summa alla organisationer",
            current,
            alternative,
            alternative - current,
            ratio(alternative - current, current),
        )
    )
    notes: tuple[str, ...] = ()
    if alternative != current:
        notes = (
            "Summorna skiljer sig åt: abonnemang fördelar bara vad abonnenterna betalar, resten redovisas "
            "som under- eller överfinansiering.",
        )
    name = _object_names(data).get(simulation.service, simulation.service)
    title = f"{name} {simulation.year}: {simulation.current_key.name} och {simulation.alternative_key.name}"
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def organisation_outlook_table(data: CycleData, organisation: str, bills: Sequence[ex.YearBill]) -> Table:
    """An organisation's bill per year of the outlook; a year that cannot be split is left empty
    with its problems in the notes."""
    columns = (
        Col("year", "År"),
        Col("amount", "Kostnad", MONEY, Unit.KR),
        Col("change", "Förändring mot basår", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
        Col("amount_with_index", "Kostnad inkl. index", MONEY, Unit.KR),
    )
    first = next((x.amount for x in bills if x.amount is not None), None)
    rows = []
    notes = []
    for x in bills:
        change = None if x.amount is None or first is None else x.amount - first
        rows.append(
            (
                x.year,
                x.amount,
                change,
                None if change is None or first is None else ratio(change, first),
                x.amount_with_index,
            )
        )
        if x.problems:
            notes.append(
                f"{x.year} kan inte fördelas: "
                + "; ".join(x.problems[:5])
                + (f" (och {len(x.problems) - 5} till)" if len(x.problems) > 5 else "")
            )
    return Table(f"Flerårsprognos {organisation_name(data, organisation)}", columns, tuple(rows), tuple(notes))
