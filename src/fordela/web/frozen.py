"""Writes refused because they would change frozen invoicing: a clear message, never a 500.

Every write to a cycle passes `fordela.billing.freezes.guard_frozen_periods` inside its
transaction; when it refuses, the exception rolls the write back and ends here, whatever view
made the write (proposals, reviews, scenarios, outcome).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fordela.billing.freezes import FrozenPeriodsChanged


class FrozenPeriodsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, FrozenPeriodsChanged):
            return None
        if request.headers.get("HX-Request"):
            return HttpResponse(str(exception), status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, str(exception))
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("invoicing", kwargs={"cycle": exception.cycle})
        return redirect(back)
