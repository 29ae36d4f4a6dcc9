"""Invoicing (the base per period, freezing, SIE export, CSV/Excel, verification) and outcome.

The computations are fordela.engine.invoicing and fordela.billing.services, the tables
fordela.reports.billing — the same as `fordela invoice …`. Who sees and does what is decided in
fordela.accounts.permissions: coordinators, finance and admin see every invoice, everyone else
only their own organisation's lines; only finance and admin freeze and export.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fordela.accounts.permissions import (
    can_invoice,
    can_see_every_invoice,
    can_verify_invoicing,
    deny,
    organisation_of,
    role_of,
)
from fordela.billing.exports import lines_csv_records, lines_xlsx
from fordela.billing.models import InvoicingFreeze
from fordela.billing.services import (
    BillingError,
    FrozenTotals,
    freeze_of,
    frozen_lines,
    frozen_totals,
    invoice_export_sie,
    invoice_freeze,
    invoice_verify,
    own_services_of,
)
from fordela.billing.sie import company_name
from fordela.cycle.computed import computed, resolution_of
from fordela.engine.allocation_types import AllocationError
from fordela.engine.invoicing import InvoiceLine, InvoicingBase, InvoicingError, granularity_of, invoicing_base
from fordela.engine.model import CycleData, Period
from fordela.engine.scenario import decided_stage
from fordela.jobs.kinds import XLSX
from fordela.reports import billing as reports
from fordela.reports.tables import Table
from fordela.web.tables import html_table
from fordela.web.views.common import CycleView, cycle_view, paged_table, table_download

MONTHS = (
    _("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
    _("July"), _("August"), _("September"), _("October"), _("November"), _("December"),
)  # fmt: skip
PERIOD_LABELS: dict[Period, Any] = {
    Period.Q1: _("Quarter 1 (January–March)"),
    Period.Q2: _("Quarter 2 (April–June)"),
    Period.Q3: _("Quarter 3 (July–September)"),
    Period.Q4: _("Quarter 4 (October–December)"),
    **{p: MONTHS[p.months.start - 1] for p in Period if p.value.startswith("m")},
}


# -- invoicing ------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    period = forms.ChoiceField(label=_("Period"), choices=[(p.value, label) for p, label in PERIOD_LABELS.items()])
    organisation = forms.ChoiceField(label=_("Customer"), required=False)

    def __init__(self, *args: Any, view: CycleView, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = view.data.cycle
        self.fields["year"].choices = [(y, str(y)) for y in range(data.base_year, data.last_year + 1)]
        names = sorted((o.name, o.code) for o in view.data.organisations)
        self.fields["organisation"].choices = [("", _("All customers (totals only)")), *((c, n) for n, c in names)]


def _chosen(request: HttpRequest, view: CycleView, source: Any) -> tuple[int, Period, str]:
    """(year, period, organisation) from the query or the post; defaults: the target year's q1.

    Users who do not see every invoice always get their own organisation."""
    form = PeriodForm(source, view=view)
    year, period, organisation = view.data.cycle.target_year, Period.Q1, ""
    if form.is_valid():
        year, period = form.cleaned_data["year"], Period(form.cleaned_data["period"])
        organisation = form.cleaned_data["organisation"]
    if not can_see_every_invoice(request.user):
        organisation = organisation_of(request.user)
    return year, period, organisation


def _query(year: int, period: Period, organisation: str = "") -> str:
    values = {"year": year, "period": period.value} | ({"organisation": organisation} if organisation else {})
    return urlencode(values)


def _freeze_of(cycle: str, year: int, period: Period) -> tuple[InvoicingFreeze | None, InvoicingFreeze | None]:
    return freeze_of(cycle, year, period)  # the one overlap rule: fordela.billing.freezes


def _reversed_freezes(cycle: str, year: int, period: Period) -> list[InvoicingFreeze]:
    """The reversed freezes of exactly this period, newest first, with their reversal."""
    freezes = InvoicingFreeze.objects.filter(cycle_code=cycle, year=year, period=period.value, reversed=True)
    return list(freezes.defer("inputs").select_related("reversal").order_by("-created_at"))


def _require_role(request: HttpRequest, what: str) -> None:
    if role_of(request.user) is None:
        deny(request, what)


def invoicing(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    _require_role(request, f"invoicing {cycle}")
    data = view.data
    year, period, organisation = _chosen(request, view, request.GET or None)
    everyone = can_see_every_invoice(request.user)
    scenario = decided_stage(data)
    freeze, covering = _freeze_of(cycle, year, period)
    problems: tuple[str, ...] = ()
    base: InvoicingBase | None = None
    try:
        base = _period_base(data, year, scenario, period, own_services_of(cycle))
    except (InvoicingError, AllocationError) as error:
        problems = error.problems
    lines: list[InvoiceLine] = []
    # A freeze never changes: what the page shows of it is read once per revision. Every
    # customer's invoices are summed by the database; one customer's lines are read alone.
    sums: FrozenTotals | None = None
    if freeze is not None and everyone and not organisation:
        sums = computed(data, "frozen-totals", (freeze.pk,), lambda: frozen_totals(freeze))
    elif freeze is not None:
        lines = computed(data, "frozen-lines-of", (freeze.pk, organisation), lambda: frozen_lines(freeze, organisation))
    elif base is not None:
        lines = list(base.for_period(period))
    if not everyone:
        lines = [ln for ln in lines if ln.organisation == organisation]
    context: dict[str, Any] = {
        "view": view,
        "form": PeriodForm(initial={"year": year, "period": period.value, "organisation": organisation}, view=view),
        "year": year,
        "period": period,
        "period_label": PERIOD_LABELS[period],
        "organisation": organisation,
        "organisation_name": view.organisation_name(organisation) if organisation else "",
        "everyone": everyone,
        "problems": problems,
        "scenario_name": next((s.name for s in data.scenarios if s.code == scenario), scenario),
        "freeze": freeze,
        "covering": covering,
        "export_batch": freeze.exports.filter(format="sie", kind="invoice").first() if freeze else None,
        "reversed_freezes": _reversed_freezes(cycle, year, period) if everyone else [],
        "may_invoice": can_invoice(request.user),
        "may_verify": can_verify_invoicing(request.user),
        "query": _query(year, period, organisation),
        "line_count": sums.lines if sums is not None else len(lines),
    }
    downloads: dict[str, Table] = {}
    if base is not None or freeze is not None:
        # A chosen customer: its invoices and lines only; else every invoice of the period.
        own = [ln for ln in lines if ln.organisation == organisation] if organisation else lines
        shown = base or InvoicingBase(year, granularity_of(period), data.cycle.index_rate, 0, ())
        shown = dataclasses.replace(shown, lines=tuple(own))
        totals = reports.invoice_totals_table(data, shown, period, sums.invoices if sums is not None else None)
        totals = _hide(totals, "period", *(("organisation_name",) if organisation else ()))
        downloads["totals"] = totals
        context["totals"] = paged_table(request, totals, "totals")
        if organisation:
            title = gettext("Invoice lines %(period)s, %(name)s") % {
                "period": f"{year}-{period}",
                "name": view.organisation_name(organisation),
            }
            lines_table = reports.invoice_lines_table(data, own, title)
            lines_table = _hide(lines_table, "period", "organisation_name")
            downloads["lines"] = lines_table
            context["lines"] = paged_table(request, lines_table, "lines")
        if base is not None:
            # Customers see only what concerns them by name (e.g. a dispens with nobody left to pay).
            not_invoiced = [n for n in base.not_invoiced if everyone or n.organisation == organisation]
            table = reports.not_invoiced_table(data, dataclasses.replace(base, not_invoiced=tuple(not_invoiced)))
            context["not_invoiced"] = html_table(table) if table.rows else None
    return table_download(request, downloads) or render(request, "web/billing/invoicing.html", context)


def _period_base(
    data: CycleData, year: int, scenario: str, period: Period, own_services: frozenset[str]
) -> InvoicingBase:
    """The invoicing base of `year` with the lines of `period` alone (what the pages and downloads
    of one period show; its exempted and not invoiced amounts are the whole year's), as
    `billing.compute_lines` makes it: computed once per revision. The lines of the other periods
    of the year would be three (or eleven) times as many lines for nothing.
    Raises InvoicingError/AllocationError."""
    granularity = granularity_of(period)
    later = year > data.cycle.base_year

    def build() -> InvoicingBase:
        resolution = resolution_of(data, scenario) if later else None
        return invoicing_base(data, year, resolution, granularity=granularity, own_services=own_services, only=period)

    key = (year, scenario, granularity.value, tuple(sorted(own_services)), period.value)
    return computed(data, "invoicing-base-of-period", key, build, scenario=scenario if later else None)


def _hide(table: Table, *keys: str) -> Table:
    """`table` without the columns that are the same on every row of the page (period, customer)."""
    columns = tuple(dataclasses.replace(c, shown=False) if c.key in keys else c for c in table.columns)
    return dataclasses.replace(table, columns=columns)


def _lines_for_export(
    request: HttpRequest, view: CycleView, year: int, period: Period, organisation: str = ""
) -> list[InvoiceLine]:
    freeze, _covering = _freeze_of(view.code, year, period)
    data = view.data
    if freeze is not None and organisation:
        # One customer's frozen lines are read alone (as the invoicing page reads them).
        lines = computed(data, "frozen-lines-of", (freeze.pk, organisation), lambda: frozen_lines(freeze, organisation))
    elif freeze is not None:
        lines = computed(data, "frozen-lines", (freeze.pk,), lambda: frozen_lines(freeze))
    else:
        # The page's invoicing base, computed once per revision (as `billing.compute_lines` makes it).
        base = _period_base(data, year, decided_stage(data), period, own_services_of(view.code))
        lines = list(base.for_period(period))
    if not can_see_every_invoice(request.user):
        own = organisation_of(request.user)
        lines = [ln for ln in lines if ln.organisation == own]
    return lines


def invoicing_export(request: HttpRequest, cycle: str) -> HttpResponse:
    """The period's lines as CSV or Excel (the frozen ones once frozen); only one's own lines
    for those who do not see every invoice."""
    view = cycle_view(cycle)
    _require_role(request, f"invoicing export {cycle}")
    year, period, organisation = _chosen(request, view, request.GET or None)
    fmt = request.GET.get("format", "csv")
    try:
        lines = _lines_for_export(request, view, year, period, organisation)
    except (InvoicingError, AllocationError) as error:
        messages.error(request, "; ".join(error.problems))
        return redirect(reverse("invoicing", kwargs={"cycle": cycle}) + "?" + _query(year, period, organisation))
    if organisation:
        lines = [ln for ln in lines if ln.organisation == organisation]
    name = f"fakturaunderlag-{cycle}-{year}-{period}" + (f"-{organisation}" if organisation else "")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        lines_xlsx(lines, view.data, buffer)
        return _attachment(buffer.getvalue(), XLSX, f"{name}.xlsx")
    # Streamed as it is written: a large cycle's period is hundreds of thousands of lines.
    response = StreamingHttpResponse(
        _encoded(lines_csv_records(lines, view.data)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _encoded(records: Iterator[str], per_chunk: int = 2000) -> Iterator[bytes]:
    """CSV records as UTF-8 chunks of `per_chunk` records."""
    chunk: list[str] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == per_chunk:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    yield "".join(chunk).encode("utf-8")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _back(cycle: str, year: int, period: Period, organisation: str = "") -> HttpResponse:
    return redirect(reverse("invoicing", kwargs={"cycle": cycle}) + "?" + _query(year, period, organisation))


def invoicing_freeze(request: HttpRequest, cycle: str) -> HttpResponse:
    """Freezing asks first: GET shows what would be frozen (period, lines, invoices, total) and
    never freezes; the POST from that page freezes, if the cycle is still at the revision it showed.

    A repeated post (a double click, a reload) finds the period frozen and says so; an old or
    hand-made post without the shown revision gets the confirmation page again."""
    view = cycle_view(cycle)
    if not can_invoice(request.user):
        deny(request, f"freeze invoicing {cycle}")
    posted = request.method == "POST"
    year, period, organisation = _chosen(request, view, request.POST if posted else request.GET or None)
    freeze, covering = _freeze_of(cycle, year, period)
    if freeze is not None:
        messages.info(request, gettext("%(period)s is already frozen.") % {"period": f"{year}-{period}"})
        return _back(cycle, year, period, organisation)
    changed = posted and request.POST.get("revision", "") != str(view.cycle.revision)
    if posted and not changed:
        return _freeze_now(request, view, year, period, organisation)
    context = _freeze_preview(view, year, period)
    context |= {"organisation": organisation, "covering": covering, "changed": changed and "revision" in request.POST}
    return render(request, "web/billing/freeze_confirm.html", context)


def _freeze_preview(view: CycleView, year: int, period: Period) -> dict[str, Any]:
    """What a freeze of `period` would store: its lines counted and summed, as the invoicing page computes them."""
    data = view.data
    scenario = decided_stage(data)
    problems: tuple[str, ...] = ()
    lines: list[InvoiceLine] = []
    try:
        base = _period_base(data, year, scenario, period, own_services_of(view.code))
        lines = list(base.for_period(period))
    except (InvoicingError, AllocationError) as error:
        problems = error.problems
    net, vat = sum(ln.net for ln in lines), sum(ln.vat for ln in lines)
    return {
        "view": view,
        "year": year,
        "period": period,
        "period_label": PERIOD_LABELS[period],
        "scenario_name": next((s.name for s in data.scenarios if s.code == scenario), scenario),
        "problems": problems,
        "line_count": len(lines),
        "invoice_count": len({(ln.supplier, ln.organisation) for ln in lines}),
        "customer_count": len({ln.organisation for ln in lines}),
        "net": net,
        "vat": vat,
        "gross": net + vat,
        "revision": view.cycle.revision,
        "everyone": True,
    }


def _freeze_now(request: HttpRequest, view: CycleView, year: int, period: Period, organisation: str) -> HttpResponse:
    try:
        freeze = invoice_freeze(
            cycle=view.code,
            year=year,
            period=period,
            scenario=decided_stage(view.data),
            by=request.user.get_username(),
            user=request.user,
        )
    except BillingError as error:
        messages.error(request, str(error))
    except (InvoicingError, AllocationError) as error:
        messages.error(request, "; ".join(error.problems))
    else:
        messages.success(
            request,
            gettext("%(period)s is frozen: %(count)s lines, inputs sha256 %(sha)s.")
            % {"period": f"{year}-{period}", "count": freeze.lines.count(), "sha": freeze.inputs_sha256[:16]},
        )
    return _back(view.code, year, period, organisation)


@require_POST
def invoicing_verify(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    if not can_verify_invoicing(request.user):
        deny(request, f"verify invoicing {cycle}")
    year, period, organisation = _chosen(request, view, request.POST)
    freeze, _covering = _freeze_of(cycle, year, period)
    if freeze is None:
        text = gettext("%(period)s is not frozen: there is nothing to verify.")
        messages.error(request, text % {"period": f"{year}-{period}"})
    else:
        freeze = InvoicingFreeze.objects.get(pk=freeze.pk)  # with its stored inputs
        try:
            result = invoice_verify(freeze=freeze)
        except (BillingError, ValueError) as error:
            messages.error(request, str(error))
        else:
            verification_messages(request, result, f"{year}-{period}")
    return _back(cycle, year, period, organisation)


@require_POST
def invoicing_sie(request: HttpRequest, cycle: str) -> HttpResponse:
    """The SIE 4I file of a frozen period. A second export is refused unless 'export again' is
    chosen, which gives the very same file and is counted."""
    view = cycle_view(cycle)
    if not can_invoice(request.user):
        deny(request, f"export SIE {cycle}")
    year, period, organisation = _chosen(request, view, request.POST)
    if request.POST.get("reversal") == "on":
        return reversal_sie(request, view, year, period, organisation)
    freeze, _covering = _freeze_of(cycle, year, period)
    if freeze is None:
        text = gettext("Freeze %(period)s before exporting it to the ledger.")
        messages.error(request, text % {"period": f"{year}-{period}"})
        return _back(cycle, year, period, organisation)
    freeze = InvoicingFreeze.objects.get(pk=freeze.pk)
    again = request.POST.get("again") == "on"
    batch = freeze.exports.filter(format="sie", kind="invoice").first()
    if batch is not None and not again:
        # Refused here with the local time; invoice_export_sie refuses it too (and under a lock).
        text = gettext(
            "Not exported: %(period)s was already exported to the ledger on %(at)s (batch %(batch)s, %(vouchers)s "
            "vouchers). A second export would be booked twice; choose “Export again” only if the first file was lost."
        )
        at = timezone.localtime(batch.created_at).strftime("%Y-%m-%d %H:%M")
        values = {"period": f"{year}-{period}", "at": at, "batch": batch.pk, "vouchers": batch.vouchers}
        messages.error(request, text % values)
        return _back(cycle, year, period, organisation)
    try:
        export = invoice_export_sie(
            freeze=freeze,
            company=company_name(view.data),
            again=again,
            by=request.user.get_username(),
            user=request.user,
        )
    except BillingError as error:
        text = str(error).replace(gettext("use --again"), gettext("choose “Export again”"))
        messages.error(request, gettext("Not exported: %(reason)s") % {"reason": text})
        return _back(cycle, year, period, organisation)
    except KeyError as error:
        messages.error(request, gettext("Not exported: no account for %(what)s.") % {"what": error.args[0]})
        return _back(cycle, year, period, organisation)
    suffix = f"-igen-{export.batch.exported_again}" if export.again else ""
    return _attachment(export.content, "application/octet-stream", f"{cycle}-{year}-{period}{suffix}.se")


SHOWN_DIFFERENCES = 50


def verification_messages(request: HttpRequest, result: Any, shown: str) -> None:
    """One message for the outcome and one per differing line (the first SHOWN_DIFFERENCES)."""
    if result.ok:
        text = gettext(
            "Verified: the stored inputs and the current data both give the frozen lines of %(period)s to the öre."
        )
        messages.success(request, text % {"period": shown})
        return
    text = gettext(
        "%(period)s differs: %(stored)s lines from what its stored inputs give, %(current)s from what the "
        "current data gives."
    )
    messages.error(request, text % {"period": shown, "stored": len(result.stored), "current": len(result.current)})
    if result.current_problem:
        messages.error(request, result.current_problem)
    found = [(gettext("stored inputs"), d) for d in result.stored] + [
        (gettext("current data"), d) for d in result.current
    ]
    for source, difference in found[:SHOWN_DIFFERENCES]:
        messages.warning(request, f"{source}: {difference.describe()}")
    if len(found) > SHOWN_DIFFERENCES:
        more = gettext("… and %(count)s more (fordela invoice verify lists them all).")
        messages.warning(request, more % {"count": len(found) - SHOWN_DIFFERENCES})


def reversal_sie(request: HttpRequest, view: CycleView, year: int, period: Period, organisation: str) -> HttpResponse:
    """The reversing vouchers of the period's latest reversed freeze (`freeze` names another)."""
    reversed_freezes = _reversed_freezes(view.code, year, period)
    chosen = request.POST.get("freeze", "")
    freeze = next(
        (f for f in reversed_freezes if str(f.pk) == chosen), reversed_freezes[0] if reversed_freezes else None
    )
    if freeze is None:
        text = gettext("%(period)s has no reversed freeze: there are no reversing vouchers.")
        messages.error(request, text % {"period": f"{year}-{period}"})
        return _back(view.code, year, period, organisation)
    freeze = InvoicingFreeze.objects.get(pk=freeze.pk)
    try:
        export = invoice_export_sie(
            freeze=freeze,
            company=company_name(view.data),
            again=request.POST.get("again") == "on",
            reversal=True,
            by=request.user.get_username(),
            user=request.user,
        )
    except BillingError as error:
        text = str(error).replace(gettext("use --again"), gettext("choose “Export again”"))
        messages.error(request, gettext("Not exported: %(reason)s") % {"reason": text})
        return _back(view.code, year, period, organisation)
    suffix = f"-igen-{export.batch.exported_again}" if export.again else ""
    return _attachment(export.content, "application/octet-stream", f"{view.code}-{year}-{period}-aterforing{suffix}.se")
