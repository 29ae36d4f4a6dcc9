"""Outcome against budget: recording a year's actual cost per service, and the comparison."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fordela.accounts.permissions import (
    can_record_outcome,
    deny,
)
from fordela.billing.services import (
    UNCHECKED,
    BillingError,
    OutcomeConflict,
    outcome_record,
)
from fordela.engine.bridge import suppliers
from fordela.engine.money import Unit, display
from fordela.reports import billing as reports
from fordela.reports.tables import Col, ColumnKind, Table
from fordela.web import charts
from fordela.web.forms.fields import MoneyField
from fordela.web.tables import html_table
from fordela.web.views.billing import _hide, _require_role
from fordela.web.views.common import CycleView, cycle_view, suppliers_allowed


class OutcomeForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    amount = MoneyField(
        label=_("Outcome (kr)"),
        required=True,
        help_text=_("The actual cost of the year in kronor, e.g. 78 675 000 or 1 091 600,50."),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], years: range, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", ""), *services]
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def clean_amount(self) -> int:
        amount: int = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError(_("An outcome is a cost: zero or more."))
        return amount


def _outcome_services(request: HttpRequest, view: CycleView) -> list[tuple[str, str]]:
    """The services whose outcome the user may record, as (code, 'supplier: name')."""
    allowed = suppliers_allowed(request.user, (s.supplier for s in view.data.services), can_record_outcome)
    return [
        (s.code, f"{view.organisation_name(s.supplier)}: {s.name}")
        for s in sorted(view.data.services, key=lambda s: (s.supplier, s.name))
        if s.supplier in allowed
    ]


def _outcome_chart(table: Table) -> tuple[str, Table]:
    """Budget and outcome per year: chart and its table.

    Only like with like: a year is shown when it has both a budget and an outcome, and its sums run
    over the services that have both (summing budget over every service and outcome over the few
    recorded would compare different things; budget-only years are the future, outcome-only years
    had no budget here)."""
    keys = [c.key for c in table.columns]
    sums: dict[int, list[int]] = {}
    for index, values in enumerate(table.rows):
        if index in table.emphasis:
            continue  # the supplier sum rows mix services with and without an outcome
        row = dict(zip(keys, values, strict=True))
        if row["budget"] is None or row["outcome"] is None:
            continue
        total = sums.setdefault(row["year"], [0, 0])
        total[0] += row["budget"]
        total[1] += row["outcome"]
    money = ColumnKind.MONEY
    rows = tuple((str(year), budget, outcome, outcome - budget) for year, (budget, outcome) in sorted(sums.items()))
    data_table = Table(
        gettext("Budget and outcome per year, tkr"),
        (
            Col("year", gettext("Year")),
            Col("budget", gettext("Budget"), money, Unit.TKR),
            Col("outcome", gettext("Outcome"), money, Unit.TKR),
            Col("deviation", gettext("Deviation"), money, Unit.TKR),
        ),
        rows,
    )
    bars = [
        (year, label, value)
        for year, budget, outcome, _d in rows
        for label, value in ((gettext("Budget"), budget), (gettext("Outcome"), outcome))
    ]
    title = gettext("Budget and outcome per year, mkr")
    chart = charts.bar_chart(bars, title=title, x_title=gettext("Year")) if rows else ""
    return chart, data_table


OUTCOME_SEEN = "fordela.outcome-seen"


def _outcome_seen(view: CycleView, services: list[tuple[str, str]]) -> str:
    """The outcomes the page shows (service/year → öre), signed into the form: the save is an
    UPDATE … WHERE outcome = what the user saw, so nobody's recorded outcome is overwritten unseen."""
    mine = {code for code, _name in services}
    seen = {f"{sy.service}/{sy.year}": sy.outcome for sy in view.data.service_years if sy.service in mine}
    return signing.dumps(seen, salt=OUTCOME_SEEN, compress=True)


def _outcome_expected(request: HttpRequest, service: str, year: int) -> int | None | str:
    """What the user saw for (service, year); UNCHECKED when the form carried nothing readable."""
    try:
        seen = signing.loads(request.POST.get("seen", ""), salt=OUTCOME_SEEN)
    except signing.BadSignature:
        return UNCHECKED
    value = seen.get(f"{service}/{year}") if isinstance(seen, dict) else None
    return value if isinstance(value, int) else None


def outcome(request: HttpRequest, cycle: str) -> HttpResponse:
    """Budget against outcome per supplier and service, and the form to record an outcome."""
    view = cycle_view(cycle)
    _require_role(request, f"outcome {cycle}")
    data = view.data
    known = suppliers(data)
    supplier = request.GET.get("supplier") or None
    if supplier not in (None, *known):
        supplier = None
    services = _outcome_services(request, view)
    years = range(data.cycle.first_year, data.cycle.target_year + 1)
    form = OutcomeForm(services=services, years=years, initial={"year": data.cycle.base_year})
    status = 200
    if request.method == "POST":
        if not can_record_outcome(request.user):
            deny(request, f"record outcome {cycle}")
        posted = request.POST.get("service", "")
        owner = next((s.supplier for s in data.services if s.code == posted), None)
        if owner is not None and not can_record_outcome(request.user, owner):
            deny(request, f"record outcome {cycle} {posted}")
        form = OutcomeForm(request.POST, services=services, years=years)
        if form.is_valid():
            service, year, amount = (form.cleaned_data[k] for k in ("service", "year", "amount"))
            try:
                outcome_record(
                    cycle=view.cycle,
                    service=service,
                    year=year,
                    amount=amount,
                    by=request.user,
                    expected=_outcome_expected(request, service, year),  # type: ignore[arg-type]
                )
            except OutcomeConflict as conflict:
                text = gettext(
                    "Someone else recorded this outcome after you opened the page: it is now %(amount)s kr. "
                    "Yours has not been saved; save again to replace it."
                )
                form.add_error("amount", text % {"amount": display(conflict.current or 0, Unit.KR, decimals=2)})
                view = cycle_view(cycle)
                status = 409
            except BillingError as error:
                form.add_error("service", str(error))
            else:
                name = next(s.name for s in data.services if s.code == service)
                text = gettext("Recorded the outcome %(year)s of %(name)s.")
                messages.success(request, text % {"year": year, "name": name})
                target = reverse("outcome", kwargs={"cycle": cycle})
                return redirect(target + (f"?supplier={supplier}" if supplier else ""))
        status = status if status == 409 else 400
    data = view.data
    table = reports.outcome_table(data, supplier)
    chart, chart_table = _outcome_chart(table)
    return render(
        request,
        "web/billing/outcome.html",
        {
            "view": view,
            "supplier": supplier or "",
            "table": html_table(_hide(table, "supplier_name") if supplier else table),
            "chart": chart,
            "chart_table": html_table(chart_table),
            "form": form if services else None,
            "outcome_seen": _outcome_seen(view, services),
        },
        status=status,
    )
