"""Reversing a frozen invoicing period: the reversal form's view (the reversing vouchers' download
is part of the SIE export in fordela.web.views.billing, whose helpers this uses)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from fordela.accounts.permissions import can_invoice, deny
from fordela.billing.services import BillingError, invoice_reverse
from fordela.web.views.billing import _back, _chosen, _freeze_of
from fordela.web.views.common import cycle_view


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
