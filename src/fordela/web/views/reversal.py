"""Reversing a frozen invoicing period and what verification tells: the reversal form's view,
the reversing vouchers' download, and one message per diverging line. Split from
fordela.web.views.billing, whose helpers it uses (that module imports this one lazily)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from fordela.accounts.permissions import can_invoice, deny
from fordela.billing.cli import company_name
from fordela.billing.models import InvoicingFreeze
from fordela.billing.services import BillingError, invoice_export_sie, invoice_reverse
from fordela.engine.model import Period
from fordela.web.views.billing import _attachment, _back, _chosen, _freeze_of, _reversed_freezes
from fordela.web.views.common import CycleView, cycle_view

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


@require_POST
def invoicing_reverse(request: HttpRequest, cycle: str) -> HttpResponse:
    """Reverse the period's freeze: recorded with who, when and the reason given."""
    view = cycle_view(cycle)
    if not can_invoice(request.user):
        deny(request, f"reverse invoicing {cycle}")
    year, period, organisation = _chosen(request, view, request.POST)
    freeze, _covering = _freeze_of(cycle, year, period)
    if freeze is None:
        text = gettext("%(period)s is not frozen: there is nothing to reverse.")
        messages.error(request, text % {"period": f"{year}-{period}"})
        return _back(cycle, year, period, organisation)
    reason = request.POST.get("reason", "")[:2000]
    try:
        invoice_reverse(freeze=freeze, reason=reason, by=request.user.get_username(), user=request.user)
    except BillingError as error:
        messages.error(request, str(error))
    else:
        text = gettext("%(period)s is reversed; the period may be frozen again. Export the reversing vouchers below.")
        messages.success(request, text % {"period": f"{year}-{period}"})
    return _back(cycle, year, period, organisation)


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
        text = str(error).replace("use --again", gettext("choose “Export again”"))
        messages.error(request, gettext("Not exported: %(reason)s") % {"reason": text})
        return _back(view.code, year, period, organisation)
    suffix = f"-igen-{export.batch.exported_again}" if export.again else ""
    return _attachment(export.content, "application/octet-stream", f"{view.code}-{year}-{period}-aterforing{suffix}.se")
