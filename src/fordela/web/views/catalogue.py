"""The service catalogue and a service's page: history, key, participants and distribution."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fordela.accounts.permissions import can_edit_drivers, can_edit_service
from fordela.cycle.computed import allocation_of
from fordela.cycle.revert import change_history
from fordela.engine.allocation_types import AllocationError
from fordela.engine.cycle_index import CycleIndex
from fordela.engine.model import ServiceCategory
from fordela.engine.money import Unit
from fordela.history.describe import VALUE_LABELS
from fordela.reports import cycle as reports
from fordela.reports.tables import Col, ColumnKind, Table
from fordela.web import charts
from fordela.web.tables import html_table
from fordela.web.views.common import chosen_scenario, cycle_view, page_of, paged_table, query_year, table_download

CATEGORY_LABELS = {
    ServiceCategory.BASE: _("Base service"),
    ServiceCategory.ADD_ON: _("Add-on service"),
    ServiceCategory.INFRASTRUCTURE: _("Digital infrastructure"),
    ServiceCategory.OPT_IN: _("Optional when needed"),
}


# What a distribution line is, as people read it (the engine's codes: service, initiative, subscription).
LINE_KIND_LABELS = {
    "service": _("Service"),
    "initiative": _("Change initiative"),
    "subscription": _("Subscription"),
}


def catalogue(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    data = view.data
    supplier = request.GET.get("supplier", "")
    category = request.GET.get("category", "")
    target = {(sy.service): sy for sy in data.service_years if sy.year == data.cycle.target_year}
    services = [
        (s, view.organisation_name(s.supplier), CATEGORY_LABELS[s.category], target.get(s.code))
        for s in data.services
        if (not supplier or s.supplier == supplier) and (not category or s.category.value == category)
    ]
    return render(
        request,
        "web/catalogue.html",
        {
            "view": view,
            "services": services,
            "supplier": supplier,
            "category": category,
            "categories": [(c.value, label) for c, label in CATEGORY_LABELS.items()],
            "may_keep": can_edit_drivers(request.user)
            or any(can_edit_service(request.user, s.supplier) for s in data.services),
        },
    )


def service_detail(request: HttpRequest, cycle: str, service: str) -> HttpResponse:
    view = cycle_view(cycle)
    data = view.data
    found = next((s for s in data.services if s.code == service), None)
    if found is None:
        raise Http404(service)
    years = list(data.cycle.years)
    year = query_year(request, years, data.cycle.target_year)
    resolution = chosen_scenario(request, view) if year > data.cycle.base_year else None
    distribution_error = ""
    distribution = None
    try:
        allocation = allocation_of(data, year, resolution.code if resolution else None)
        lines = sorted(allocation.object_lines(service), key=lambda ln: ln.organisation)
        total = sum(ln.amount for ln in lines)
        columns = (
            Col("organisation", gettext("Code"), shown=False),
            Col("name", gettext("Organisation")),
            Col("kind", gettext("Type")),
            Col("amount", gettext("Amount"), ColumnKind.MONEY, Unit.KR),
            Col("share", gettext("Share"), ColumnKind.PERCENT),
        )
        rows = [
            (
                ln.organisation,
                view.organisation_name(ln.organisation),
                str(LINE_KIND_LABELS.get(ln.kind, ln.kind)),
                ln.amount,
                reports.ratio(ln.amount, total),
            )
            for ln in lines
        ]
        rows.append(("", gettext("Sum"), "", total, None))
        title = gettext("Distribution %(year)s") % {"year": year}
        full = Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))
        download = table_download(request, {"distribution": full})
        if download is not None:
            return download
        distribution = paged_table(request, full, "distribution")
    except AllocationError as error:
        distribution_error = str(error)
    participants = sorted(
        (
            (org, view.organisation_name(org), start, end)
            for (start, end), orgs in CycleIndex.of(data).participation.get(service, {}).items()
            for org in orgs
        ),
        key=lambda p: p[1],
    )
    shown, pager = page_of(request, len(participants), "participants")
    if pager is not None:
        pager = replace(pager, download="")
    history = reports.service_history_table(data, service)
    chart_rows = [
        (sy.year, gettext("Outcome"), sy.outcome) for sy in data.service_years if sy.service == service and sy.outcome
    ]
    chart_rows += [
        (sy.year, gettext("Budget / proposal"), sy.cost)
        for sy in data.service_years
        if sy.service == service and sy.cost
    ]
    keys = {k.code: k for k in data.keys}
    current_key = next(
        (keys[sy.key] for sy in sorted(data.service_years, key=lambda sy: -sy.year) if sy.service == service), None
    )
    return render(
        request,
        "web/service.html",
        {
            "view": view,
            "service": found,
            "category": CATEGORY_LABELS[found.category],
            "supplier_name": view.organisation_name(found.supplier),
            "history": html_table(history),
            "chart": charts.line_chart(
                sorted(chart_rows), title=gettext("Cost history %(service)s") % {"service": found.name}
            ),
            "key": current_key,
            "key_method": str(VALUE_LABELS[current_key.method]) if current_key else "",
            "participants": participants[shown.start : shown.stop],
            "participants_pager": pager,
            "year": year,
            "years": years,
            "resolution": resolution,
            "distribution": distribution,
            "distribution_error": distribution_error,
            "proposals": [p for p in data.proposals if p.service == service],
            "changes": change_history(cycle=cycle, table="services", code=service),
            "may_edit": can_edit_service(request.user, found.supplier),
        },
    )
