"""The cycle's reports laid out like the coordination group's deck (seeds/000…)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.allocation_types import Allocation, AllocationLine
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, ReviewOutcome
from fordela.engine.money import Unit, display, number, number_style
from fordela.engine.scenario import Resolution
from fordela.reports.i18n import gettext as _
from fordela.reports.i18n import gettext_noop as N_
from fordela.reports.tables import Col, ColumnKind, Table, ratio

MONEY, PERCENT = ColumnKind.MONEY, ColumnKind.PERCENT

# English msgids, translated where they are shown (`list_label`, `outcome_label`).
LIST_LABELS = {
    "recommended": N_("Recommended"),
    "not_recommended": N_("Not recommended"),
    "as_add_on": N_("Financed as add-on services"),
    "not_reviewed": N_("Not yet reviewed"),
}
OUTCOME_LABELS = {
    ReviewOutcome.APPROVE: N_("Approved"),
    ReviewOutcome.APPROVE_WITH_CONDITIONS: N_("Approved with conditions"),
    ReviewOutcome.APPROVE_AS_ADD_ON: N_("As an add-on service"),
    ReviewOutcome.REJECT: N_("Rejected"),
    ReviewOutcome.DEFER: N_("Deferred"),
}


def list_label(name: str) -> str:
    return _(LIST_LABELS[name])


def outcome_label(outcome: ReviewOutcome | None) -> str:
    """A stage's outcome as people read it; no outcome yet: proposed."""
    return _(OUTCOME_LABELS[outcome]) if outcome in OUTCOME_LABELS else _("Only proposed")


def organisation_name(data: CycleData, code: str) -> str:
    return lookups(data).organisation_name(code)


def index_percent(data: CycleData) -> str:
    """The cycle's index as the deck writes it: ``3 %``, ``2,5 %``."""
    style = number_style()
    return f"{number(data.cycle.index_rate * 100, 1).removesuffix(style.decimal + '0')}{style.percent_space}%"


def line_labels(data: CycleData) -> dict[str, str]:
    base, target = data.cycle.base_year, data.cycle.target_year
    return {
        "management_budget_base": (
            _("Management cost of base services and digital infrastructure per the decided budget %(year)s")
            % {"year": base}
        ),
        "development_within_service": _("Effect on management cost of development within a service"),
        "supplier_contracts": _("Effect on management cost of supplier contracts"),
        "settlement": _("Settlement of development carried out %(year)s") % {"year": base},
        "efficiency": _("Efficiency measures"),
        "existing_delivery": _("Management cost of the existing delivery"),
        "new_services": _("Effect on management cost of delivering new services and offerings"),
        "volume": _("Effect on management cost of increased volumes"),
        "initiative_management": _("Management cost from change initiatives"),
        "management_cost": _("Total management cost %(year)s") % {"year": target},
        "change_initiatives": _("Change initiatives %(year)s") % {"year": target},
        "total": _("GRAND TOTAL"),
        "total_with_index": _("Total with index %(index)s") % {"index": index_percent(data)},
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

    columns = [Col("line", _("Line"), shown=False), Col("label", "")]
    years = {"base": data.cycle.base_year, "target": data.cycle.target_year}
    for r in resolutions:
        columns += [
            Col(f"amount_{r.code}", _("Amount %(scenario)s") % {"scenario": r.name}, MONEY),
            Col(f"change_{r.code}", _("Increase %(base)s–%(target)s") % years, MONEY),
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
        _(
            "The change initiatives' increase is compared with %(year)s's %(initiatives)s mkr; "
            "the total's with %(total)s mkr."
        )
        % {
            "year": data.cycle.base_year,
            "initiatives": display(first.change_initiatives_base, Unit.MKR),
            "total": display(first.total_base, Unit.MKR),
        },
    )
    title = _("Budget bridge %(supplier)s %(year)s") % {"supplier": name, "year": data.cycle.target_year}
    return Table(title, tuple(columns), tuple(rows), notes, emphasis)


def initiatives_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    """The change-initiative lists with a sum per list (tkr, as the deck shows them)."""
    year = data.cycle.target_year
    columns = (
        Col("list", _("List"), shown=False),
        Col("list_label", _("List")),
        Col("proposal", _("Code")),
        Col("title", _("Change initiative")),
        Col("already_decided", _("Already decided")),
        Col("outcome", _("Outcome")),
        Col("conditions", _("Conditions")),
        Col("amount", _("Cost %(year)s") % {"year": year}, MONEY, Unit.TKR),
    )
    rows: list[tuple[Any, ...]] = []
    emphasis = set()
    for lst in b.initiative_lists(data, supplier, resolution):
        for d, amount in lst.items:
            rows.append(
                (
                    lst.name,
                    list_label(lst.name),
                    d.proposal.code,
                    d.proposal.title,
                    _("yes") if d.proposal.already_decided else "",
                    outcome_label(d.outcome),
                    "; ".join(c.text or c.kind.value for c in d.conditions),
                    amount,
                )
            )
        emphasis.add(len(rows))
        rows.append((lst.name, _("Sum"), "", list_label(lst.name), "", "", "", lst.total))
    title = _("Change initiatives %(year)s, %(supplier)s – %(scenario)s") % {
        "year": year,
        "supplier": organisation_name(data, supplier),
        "scenario": resolution.name,
    }
    return Table(title, columns, tuple(rows), (), frozenset(emphasis))


def frames_table(data: CycleData, resolution: Resolution) -> Table:
    """Budget frames per supplier: management and development, without and with index."""
    columns = (
        Col("supplier", _("Code")),
        Col("name", _("Supplier")),
        Col("management", _("Management frame"), MONEY, Unit.KR),
        Col("development", _("Development frame"), MONEY, Unit.KR),
        Col("management_with_index", _("Management incl. index"), MONEY, Unit.KR),
        Col("development_with_index", _("Development incl. index"), MONEY, Unit.KR),
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
        _("Budget frames %(year)s – %(scenario)s") % {"year": data.cycle.target_year, "scenario": resolution.name},
        columns,
        tuple(rows),
        (
            _("The frames apply plus the index the council decides (in the cycle %(index)s).")
            % {"index": index_percent(data)},
        ),
    )


def outlook_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    columns = (
        Col("year", _("Year")),
        Col("management", _("Management"), MONEY),
        Col("development", _("Development"), MONEY),
        Col("total", _("Total"), MONEY),
        Col("change", _("Change from the base year"), MONEY),
        Col("change_percent", "%", PERCENT),
        Col("total_with_index", _("Total incl. index"), MONEY),
    )
    years = b.outlook(data, supplier, resolution)
    base = years[0].total
    rows = tuple(
        (y.year, y.management, y.development, y.total, y.total - base, ratio(y.total - base, base), y.total_with_index)
        for y in years
    )
    title = _("Multi-year outlook %(supplier)s – %(scenario)s") % {
        "supplier": organisation_name(data, supplier),
        "scenario": resolution.name,
    }
    return Table(title, columns, rows)


def allocation_table(data: CycleData, allocation: Allocation) -> Table:
    columns = (
        Col("service", _("Service/initiative")),
        Col("organisation", _("Organisation")),
        Col("year", _("Year")),
        Col("amount", _("Amount"), MONEY, Unit.KR),
        Col("key", _("Key")),
        Col("method", _("Method")),
        Col("kind", _("Type")),
    )
    year = allocation.year
    rows = [
        (ln.object, ln.organisation, year, ln.amount, ln.key, ln.method.value, ln.kind)
        for ln in allocation.subscriptions
    ]
    split = allocation.split
    for i, obj in enumerate(split.objects if split is not None else ()):
        assert split is not None
        head, tail = obj.code, (obj.key.code, obj.key.method.value, obj.kind)
        rows.extend((head, org, year, amount, *tail) for org, amount in split.row(i).items())
    rows.sort(key=itemgetter(0, 1))  # stable: a hybrid object's subscription line before its split line
    scenario = f" – {allocation.scenario}" if allocation.scenario else ""
    return Table(_("Distribution %(year)s") % {"year": allocation.year} + scenario, columns, tuple(rows))


def recovery_table(allocation: Allocation) -> Table:
    labels = {"under_recovery": _("Under-recovery"), "over_recovery": _("Over-recovery"), "surplus": _("Surplus")}
    columns = (
        Col("service", _("Service")),
        Col("year", _("Year")),
        Col("kind", _("Type")),
        Col("amount", _("Amount"), MONEY, Unit.KR),
    )
    rows = tuple((r.object, r.year, labels[r.kind], r.amount) for r in allocation.recoveries)
    return Table(_("Subscriptions: coverage %(year)s") % {"year": allocation.year}, columns, rows)


def organisation_totals_table(data: CycleData, allocation: Allocation) -> Table:
    totals = allocation.by_organisation()
    columns = (Col("organisation", _("Code")), Col("name", _("Organisation")), Col("amount", _("Sum"), MONEY, Unit.KR))
    rows = tuple((code, organisation_name(data, code), totals[code]) for code in sorted(totals))
    return Table(_("Sum per organisation %(year)s") % {"year": allocation.year}, columns, rows)


def supplier_totals_table(data: CycleData, resolution: Resolution) -> Table:
    """Per supplier: management and development in the target year and the change since the base year."""
    base, target = data.cycle.base_year, data.cycle.target_year
    columns = (
        Col("supplier", _("Code"), shown=False),
        Col("name", _("Supplier")),
        Col("management", _("Management %(year)s") % {"year": target}, MONEY),
        Col("development", _("Development %(year)s") % {"year": target}, MONEY),
        Col("total", _("Total %(year)s") % {"year": target}, MONEY),
        Col("total_base", _("Total %(year)s") % {"year": base}, MONEY),
        Col("change", _("Total change"), MONEY),
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
    title = _("The suppliers' costs %(year)s – %(scenario)s") % {"year": target, "scenario": resolution.name}
    return Table(title, columns, tuple(rows))


def service_history_table(data: CycleData, service: str) -> Table:
    """A service's cost history as the annual analysis shows it: outcome, budget/proposal, of which development."""
    columns = (
        Col("year", _("Year")),
        Col("outcome", _("Outcome"), MONEY, Unit.KR),
        Col("cost", _("Budget / proposal"), MONEY, Unit.KR),
        Col("development_within_service", _("Of which development within the service"), MONEY, Unit.KR),
        Col("key", _("Distribution key")),
    )
    keys = {k.code: k.name for k in data.keys}
    rows = tuple(
        (sy.year, sy.outcome, sy.cost, sy.development_within_service, keys.get(sy.key, sy.key))
        for sy in sorted((sy for sy in data.service_years if sy.service == service), key=lambda sy: sy.year)
    )
    return Table(_("Cost history"), columns, rows)


def organisation_bill_table(data: CycleData, allocation: Allocation, organisation: str) -> Table:
    """What one organisation pays per service or initiative in the allocation's year: one line per
    service or initiative by name (a service paid both by subscription and by key is one line),
    the keys by name, no 0 kr lines; the sum row is the sum of the lines shown."""
    names = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    key_names = {k.code: k.name for k in data.keys}
    kinds = {"service": _("Service"), "initiative": _("Change initiative"), "subscription": _("Subscription")}
    lines = sorted(allocation.organisation_lines(organisation), key=lambda ln: ln.object)
    columns = (
        Col("object", _("Code"), shown=False),
        Col("name", _("Service or initiative")),
        Col("kind", _("Type"), shown=False),
        Col("key", _("Distributed by")),
        Col("amount", _("Amount"), MONEY, Unit.KR),
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
    rows.append(("", _("Sum"), "", "", sum(row[-1] for row in rows)))
    title = _("%(organisation)s: costs %(year)s") % {
        "organisation": organisation_name(data, organisation),
        "year": allocation.year,
    }
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))
