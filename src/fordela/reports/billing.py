"""Invoicing and follow-up as report tables: the invoicing base, what is not invoiced, and
budget against outcome per supplier and service."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fordela.engine.bridge import suppliers
from fordela.engine.invoicing import InvoiceLine, InvoicingBase, line_columns
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, Period
from fordela.engine.money import Unit
from fordela.reports.cycle import index_percent, organisation_name
from fordela.reports.i18n import gettext as _
from fordela.reports.i18n import gettext_noop as N_
from fordela.reports.tables import Col, ColumnKind, ColumnRows, Table, ratio

MONEY, PERCENT, NUMBER = ColumnKind.MONEY, ColumnKind.PERCENT, ColumnKind.NUMBER
InvoiceKey = tuple[Period, str, str]  # an invoice: period, supplier, customer
KIND_LABELS = {
    "service": N_("Service"),
    "initiative": N_("Change initiative"),
    "subscription": N_("Subscription"),
    "incurred": N_("Incurred"),
    "exemption_share": N_("Share of an exemption"),
}


def _object_names(data: CycleData) -> dict[str, str]:
    return {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}


def invoice_lines_table(data: CycleData, lines: Sequence[InvoiceLine], title: str) -> Table:
    """Every invoice line: period, supplier, customer, service, net, VAT and gross in kr."""
    names = _object_names(data)
    organisations = lookups(data)
    columns = (
        Col("period", _("Period")),
        Col("supplier", _("Supplier"), shown=False),
        Col("organisation", _("Customer"), shown=False),
        Col("organisation_name", _("Customer")),
        Col("object", _("Object"), shown=False),
        Col("object_name", _("Service/initiative")),
        Col("kind", _("Type"), shown=False),
        Col("kind_label", _("Type")),
        Col("net", _("Net"), MONEY, Unit.KR),
        Col("vat_rate", _("VAT %"), shown=False),
        Col("vat", _("VAT"), MONEY, Unit.KR),
        Col("gross", _("To pay"), MONEY, Unit.KR),
    )
    # What repeats on many lines (a large cycle has millions) is worked out once per distinct
    # value, and the rows are made a block at a time as they are written (`ColumnRows`): a tuple
    # per line for all of them at once was gigabytes.
    period_text: dict[tuple[int, Period], str] = {}
    customer: dict[str, str] = {}
    # Translated now, in the language the table is made in (its rows may be made later).
    kind_label = {kind: _(label) for kind, label in KIND_LABELS.items()}

    def block(start: int, stop: int) -> list[list[Any]]:
        chunk = lines[start:stop]
        # (year, period) pairs through zip, not a tuple kept per line: millions of new tuples
        # cost the garbage collector more than making them.
        years, periods, supplier, organisation, obj, kind, _category, net, rate, vat = line_columns(chunk)
        for key in set(zip(years, periods, strict=True)) - period_text.keys():
            period_text[key] = f"{key[0]}-{key[1]}"
        for code in set(organisation) - customer.keys():
            customer[code] = organisations.organisation_name(code)
        for k in set(kind) - kind_label.keys():
            kind_label[k] = k
        return [
            list(map(period_text.__getitem__, zip(years, periods, strict=True))),
            supplier,
            organisation,
            list(map(customer.__getitem__, organisation)),
            obj,
            list(map(names.get, obj, obj)),
            kind,
            list(map(kind_label.__getitem__, kind)),
            net,
            rate,
            vat,
            list(map(operator.add, net, vat)),
        ]

    return Table(title, columns, ColumnRows(len(lines), len(columns), block))


def invoice_totals(lines: Iterable[InvoiceLine], period: Period | None = None) -> dict[InvoiceKey, list[int]]:
    """(period, supplier, customer) → [net, VAT] in öre: the sums of each invoice of `lines`
    (of `period` alone when given)."""
    totals: dict[InvoiceKey, list[int]] = defaultdict(lambda: [0, 0])
    for ln in lines:
        if period is None or ln.period is period:
            totals[(ln.period, ln.supplier, ln.organisation)][0] += ln.net
            totals[(ln.period, ln.supplier, ln.organisation)][1] += ln.vat
    return totals


def invoice_totals_table(
    data: CycleData,
    base: InvoicingBase,
    period: Period | None = None,
    totals: Mapping[InvoiceKey, list[int]] | None = None,
) -> Table:
    """One row per invoice (supplier × customer × period) with its sums, and a grand total.

    `totals`: the sums per invoice when they are known without the lines (a frozen period's,
    summed by the database); by default `invoice_totals(base.lines, period)`."""
    if totals is None:
        totals = invoice_totals(base.lines, period)
    order = {p: i for i, p in enumerate(Period)}
    columns = (
        Col("period", _("Period")),
        Col("supplier", _("Supplier")),
        Col("organisation", _("Customer"), shown=False),
        Col("organisation_name", _("Customer")),
        Col("net", _("Net"), MONEY, Unit.KR),
        Col("vat", _("VAT"), MONEY, Unit.KR),
        Col("gross", _("To pay"), MONEY, Unit.KR),
    )
    rows: list[tuple[Any, ...]] = []
    for (p, supplier, org), (net, vat) in sorted(totals.items(), key=lambda kv: (order[kv[0][0]], *kv[0][1:])):
        name = organisation_name(data, supplier)
        rows.append((f"{base.year}-{p}", name, org, organisation_name(data, org), net, vat, net + vat))
    net_sum = sum(r[4] for r in rows)
    vat_sum = sum(r[5] for r in rows)
    rows.append(("", _("Sum"), "", "", net_sum, vat_sum, net_sum + vat_sum))
    shown = f"{base.year}-{period}" if period else str(base.year)
    title = _("Invoicing base %(period)s per invoice") % {"period": shown}
    indexed = (
        _("Index %(index)s a year for %(years)s years") % {"index": index_percent(data), "years": base.index_years}
        if base.index_years
        else _("No index")
    )
    notes = (
        _(
            "%(index)s on distributed amounts; subscriptions without index; incurred at most the granted "
            "amount with index."
        )
        % {"index": indexed},
    )
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def not_invoiced_table(data: CycleData, base: InvoicingBase) -> Table:
    """What the distribution holds but nobody is charged: not incurred, or exempted with nobody left."""
    names = _object_names(data)
    labels = {
        "not_incurred": _("Not incurred (never invoiced)"),
        "exempted_unshared": _("Exemption without other payers"),
        "own_service": _("The supplier's own use (not invoiced)"),
    }
    columns = (
        Col("object", _("Object"), shown=False),
        Col("object_name", _("Service/initiative")),
        Col("kind", _("Cause")),
        Col("period", _("Period")),
        Col("organisation", _("Customer")),
        Col("amount", _("Amount"), MONEY, Unit.KR),
    )
    rows = tuple(
        (
            n.object,
            names.get(n.object, n.object),
            labels.get(n.kind, n.kind),
            f"{n.year}-{n.period}" if n.period else str(n.year),
            organisation_name(data, n.organisation) if n.organisation else "",
            n.amount,
        )
        for n in base.not_invoiced
    )
    return Table(_("Not invoiced %(year)s") % {"year": base.year}, columns, rows)


def exemptions_table(data: CycleData, base: InvoicingBase) -> Table:
    """What each exempted organisation was not charged, per month; re-split among the others."""
    names = _object_names(data)
    columns = (
        Col("period", _("Month")),
        Col("service", _("Service"), shown=False),
        Col("service_name", _("Service")),
        Col("organisation", _("Customer"), shown=False),
        Col("organisation_name", _("Customer with exemption")),
        Col("amount", _("Not charged"), MONEY, Unit.KR),
    )
    rows = tuple(
        (
            f"{e.year}-{e.period}",
            e.service,
            names.get(e.service, e.service),
            e.organisation,
            organisation_name(data, e.organisation),
            e.amount,
        )
        for e in base.exempted
    )
    notes = (
        _("The amount is distributed to the service's other participants by their share (type '%(type)s').")
        % {"type": _(KIND_LABELS["exemption_share"])},
    )
    return Table(_("Exemptions %(year)s") % {"year": base.year}, columns, rows, notes)


def outcome_table(data: CycleData, supplier: str | None = None) -> Table:
    """Budget against outcome per supplier, service and year, with the deviation and a sum per
    supplier and year. Years with neither are left out."""
    columns = (
        Col("supplier", _("Supplier"), shown=False),
        Col("supplier_name", _("Supplier")),
        Col("service", _("Service"), shown=False),
        Col("service_name", _("Service")),
        Col("year", _("Year")),
        Col("budget", _("Budget"), MONEY, Unit.TKR),
        Col("outcome", _("Outcome"), MONEY, Unit.TKR),
        Col("deviation", _("Deviation"), MONEY, Unit.TKR),
        Col("deviation_percent", "%", PERCENT),
    )
    services = {s.code: s for s in data.services}
    rows: list[tuple[Any, ...]] = []
    emphasis: set[int] = set()
    for sup in [supplier] if supplier else suppliers(data):
        sums: dict[int, list[int | None]] = {}
        years = sorted(
            (sy for sy in data.service_years if sy.service in services and services[sy.service].supplier == sup),
            key=lambda sy: (sy.service, sy.year),
        )
        for sy in years:
            if sy.cost is None and sy.outcome is None:
                continue
            rows.append(_outcome_row(data, sup, sy.service, services[sy.service].name, sy.year, sy.cost, sy.outcome))
            total = sums.setdefault(sy.year, [None, None])
            for i, value in enumerate((sy.cost, sy.outcome)):
                if value is not None:
                    total[i] = (total[i] or 0) + value
        for year, (budget, outcome) in sorted(sums.items()):
            emphasis.add(len(rows))
            rows.append(_outcome_row(data, sup, "", _("Sum %(year)s") % {"year": year}, year, budget, outcome))
    scope = organisation_name(data, supplier) if supplier else _("all suppliers")
    notes = (_("The budget for years after the base year is the supplier's proposal; outcome is recorded afterwards."),)
    return Table(
        _("Budget and outcome, %(scope)s") % {"scope": scope}, columns, tuple(rows), notes, frozenset(emphasis)
    )


def _outcome_row(
    data: CycleData, supplier: str, service: str, label: str, year: int, budget: int | None, outcome: int | None
) -> tuple[Any, ...]:
    deviation = None if budget is None or outcome is None else outcome - budget
    share = None if deviation is None or budget is None else ratio(deviation, budget)
    return (supplier, organisation_name(data, supplier), service, label, year, budget, outcome, deviation, share)
