"""The next year's cycle (a button for coordinators) and a service's cost or an organisation's bill
across every cycle of the installation."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fordela.accounts.permissions import can_create_cycle, can_review, can_view_organisation, deny, role_of
from fordela.cycle.rollover import cycle_next
from fordela.cycle.services import CycleExistsError
from fordela.cycle.stages import StageConflict, stage_decide
from fordela.cycle.summaries import across_summaries
from fordela.engine.rollover import RolloverError
from fordela.reports.across import organisation_across, service_across
from fordela.reports.tables import Table
from fordela.web.tables import html_table
from fordela.web.views.common import cycle_view


class NextCycleForm(forms.Form):
    code = forms.SlugField(label=_("Code of the new cycle"), max_length=60)


def next_code(code: str, target_year: int) -> str:
    """goteborg-2026 → goteborg-2027; a code without its year gets the year appended."""
    year = str(target_year)
    return code.replace(year, str(target_year + 1)) if year in code else f"{code}-{target_year + 1}"


@require_POST
def cycle_next_view(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    if not can_create_cycle(request.user):
        deny(request, f"cycle next {cycle}")
    form = NextCycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("start", cycle=view.code)
    code = form.cleaned_data["code"]
    try:
        cycle_next(source=view.code, code=code, user=request.user)
    except (RolloverError, CycleExistsError) as error:
        messages.error(request, gettext("The next cycle could not be created: %(error)s") % {"error": error})
        return redirect("start", cycle=view.code)
    messages.success(request, gettext("Cycle %(code)s created from %(source)s.") % {"code": code, "source": view.code})
    return redirect("start", cycle=code)


@require_POST
def stage_decide_view(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    if not can_review(request.user):
        deny(request, f"stage decide {cycle}")
    try:
        stage_decide(
            cycle=view.cycle,
            stage=request.POST.get("stage", ""),
            expected=request.POST.get("expected", ""),
            by=request.user,
        )
    except ValueError as error:
        messages.error(request, str(error))
    except StageConflict:
        messages.error(request, gettext("Someone else recorded a decision meanwhile; see the stage below."))
    else:
        messages.success(request, gettext("The decision is recorded."))
    return redirect("start", cycle=view.code)


def _across(request: HttpRequest, title: str, table: Table) -> HttpResponse:
    if not table.rows:
        raise Http404(title)
    return render(request, "web/across.html", {"title": table.title, "table": html_table(table)})


def service_across_view(request: HttpRequest, service: str) -> HttpResponse:
    if role_of(request.user) is None:
        deny(request, f"across service {service}")
    if not re.fullmatch(r"[a-z0-9_-]+", service):
        raise Http404(service)
    return _across(request, service, service_across(across_summaries(), service))


def organisation_across_view(request: HttpRequest, organisation: str) -> HttpResponse:
    if not can_view_organisation(request.user, organisation):
        deny(request, f"across organisation {organisation}", hide=True)
    return _across(request, organisation, organisation_across(across_summaries(), organisation))
