"""Login, health, the accessibility statement, and the way in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from fordela.catalogue.models import Cycle


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 503 when the database or the job worker is down."""
    from fordela.ops.health import health_status

    report, ok = health_status()
    return JsonResponse(report, status=200 if ok else 503)


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def home(request: HttpRequest) -> HttpResponse:
    cycle = Cycle.objects.order_by("-target_year", "code").first()
    if cycle is None:
        return render(request, "web/no_cycle.html")
    return redirect("start", cycle=cycle.code)
