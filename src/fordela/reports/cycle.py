"""The cycle's reports laid out like the coordination group's deck (seeds/000…)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.allocation_types import Allocation, AllocationLine
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, ReviewOutcome
from fordela.engine.money import NBSP, Unit, display, swedish_number
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
        f"{display(first.change_initiatives_base, Unit.MKR)} mkr; totalens med "
        f"{display(first.total_base, Unit.MKR)} mkr.",
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
    """What one organisation pays per service or initiative in the allocation's year: one line per
    service or initiative by name (a service paid both by subscription and by key is one line),
    the keys by name, no 0 kr lines; the sum row is the sum of the lines shown."""
    names = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    key_names = {k.code: k.name for k in data.keys}
    kinds = {"service": "Tjänst", "initiative": "Förändringsinsats", "subscription": "Abonnemang"}
    lines = sorted((ln for ln in allocation.lines if ln.organisation == organisation), key=lambda ln: ln.object)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst eller insats"),
        Col("kind", "Typ", shown=False),
        Col("key", "Fördelas efter"),
        Col("amount", "Belopp", MONEY, Unit.KR),
    )
    grouped: dict[str, list[AllocationLine]] = {}
    for ln in lines:
        grouped.setdefault(ln.object, []).append(ln)
    rows: list[tuple[str, str, str, str, int]] = []
    for code, parts in grouped.items():
        amount = sum(ln.amount for ln in parts)
        if amount == 0:
            continue
        # A hybrid key's name already says "subscription, the rest by key": no second word for it.
        keyed = [key_names.get(ln.key, ln.key) for ln in parts if ln.kind != "subscription"]
        how = dict.fromkeys(keyed or [kinds["subscription"]])
        kind = " + ".join(dict.fromkeys(kinds[ln.kind] for ln in parts))
        rows.append((code, names.get(code, code), kind, " + ".join(how), amount))
    rows.sort(key=lambda row: row[1].casefold())
    rows.append(("", "Summa", "", "", sum(row[-1] for row in rows)))
    title = f"{organisation_name(data, organisation)}: kostnader {allocation.year}"
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))
