"""Keeping the catalogue in the web: the overview of what may be changed, and a service's edit page.

Thin: permission (refusals through `deny`), a form, then one service of fordela.cycle.catalogue,
which checks permission again, validates with the package rules, computes the effect on every
organisation and records history. A change is saved only after its effect was shown for exactly
the values being saved (the form's `previewed` fingerprint).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fordela.accounts.permissions import can_edit_drivers, can_edit_service, can_upload_package, deny
from fordela.catalogue.models import Service
from fordela.cycle import revert
from fordela.cycle.catalogue import CatalogueConflict, EditPreview, ServiceEdit, service_change
from fordela.cycle.merge import diff_rows_table
from fordela.cycle.revert import change_history, is_revertible
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.web.forms.analysis import friendly
from fordela.web.forms.catalogue import ServiceForm, service_initial
from fordela.web.tables import html_table
from fordela.web.views.common import CycleView, cycle_view, suppliers_allowed

SUBSCRIBED = (m.KeyMethod.SUBSCRIPTION, m.KeyMethod.HYBRID)


def preview_context(preview: EditPreview | None) -> dict[str, Any]:
    """The effect tables and the rows a preview would write, ready for the templates."""
    if preview is None:
        return {}
    return {
        "effects": [
            {"year": e.year, "table": html_table(e.table) if e.table else None, "error": e.error_after}
            for e in preview.effects
        ],
        "diff_tables": [html_table(diff_rows_table(d)) for d in preview.diffs],
        "nothing_changed": preview.empty,
    }


def catalogue_admin(request: HttpRequest, cycle: str) -> HttpResponse:
    """What the user may keep in the web: their services, drivers, keys, organisations, the upload."""
    view = cycle_view(cycle)
    data = view.data
    allowed = suppliers_allowed(request.user, (s.supplier for s in data.services), can_edit_service)
    services = [s for s in data.services if s.supplier in allowed]
    drivers = can_edit_drivers(request.user)
    if not services and not drivers:
        deny(request, f"catalogue admin {cycle}")
    return render(
        request,
        "web/catalogue/admin.html",
        {
            "view": view,
            "services": [(s, view.organisation_name(s.supplier)) for s in services],
            "drivers": data.drivers if drivers else (),
            "keys": [k for k in data.keys if k.method is not m.KeyMethod.SUBSCRIPTION] if drivers else (),
            "organisations": data.organisations if drivers else (),
            "may_upload": can_upload_package(request.user),
            "target_year": data.cycle.target_year,
        },
    )


def _service_form(view: CycleView, service: m.Service, data: Any = None, initial: Any = None) -> ServiceForm:
    cycle_data = view.data
    target = cycle_data.cycle.target_year
    years = sorted(sy.year for sy in cycle_data.service_years if sy.service == service.code)
    keys = {k.code: k for k in cycle_data.keys}
    methods = {keys[sy.key].method for sy in cycle_data.service_years if sy.service == service.code}
    has_subscriptions = any(s.service == service.code and s.year == target for s in cycle_data.subscriptions)
    subscribers: list[tuple[str, str]] = []
    if has_subscriptions or methods & set(SUBSCRIBED):
        subscribers = [(o.code, o.name) for o in sorted(cycle_data.organisations, key=lambda o: o.name)]
    return ServiceForm(
        data,
        initial=initial,
        years=years,
        keys=[(k.code, k.name) for k in cycle_data.keys],
        organisations=[(o.code, o.name) for o in sorted(cycle_data.organisations, key=lambda o: o.name)],
        subscribers=subscribers,
    )


def service_edit(request: HttpRequest, cycle: str, service: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = next((s for s in view.data.services if s.code == service), None)
    if found is None:
        raise Http404(service)
    if not can_edit_service(request.user, found.supplier):
        deny(request, f"edit service {service}")
    row = Service.objects.get(cycle=view.cycle, code=service)
    preview: EditPreview | None = None
    conflict = False
    status = 200
    if request.method == "POST":
        form = _service_form(view, found, request.POST)
        if form.is_valid():
            save = request.POST.get("action") == "save" and form.is_previewed()
            try:
                preview = service_change(
                    service=row,
                    edit=ServiceEdit(**form.values()),
                    expected_version=form.cleaned_data["version"] or 0,
                    by=request.user,
                    save=save,
                )
            except CatalogueConflict as error:
                conflict, status = True, 409
                data = request.POST.copy()
                data["version"], data["previewed"] = str(error.version), ""
                form = _service_form(view, found, data)
                form.is_valid()
            except CycleInvalid as invalid:
                form.add_problems(invalid.errors)
            else:
                if save:
                    messages.success(request, _("The service is saved."))
                    return redirect("service", cycle=cycle, service=service)
                data = request.POST.copy()
                data["previewed"] = form.fingerprint()
                form = _service_form(view, found, data)
                form.is_valid()
    else:
        form = _service_form(view, found, initial=service_initial(view.data, found, row.version))
    return render(
        request,
        "web/catalogue/service_form.html",
        {
            "view": view,
            "service": found,
            "supplier_name": view.organisation_name(found.supplier),
            "form": form,
            "conflict": conflict,
            "previewed": preview is not None and not form.errors,
            "changes": change_history(cycle=cycle, table="services", code=service),
            **preview_context(preview),
        },
        status=status,
    )


def change_revert(request: HttpRequest, cycle: str, pk: int) -> HttpResponse:
    """Show what changing a recorded row change back would do; on POST, do it."""
    view = cycle_view(cycle)
    found = ChangeRecord.objects.filter(pk=pk, cycle=cycle).select_related("user").first()
    if found is None or not is_revertible(found):
        raise Http404(str(pk))
    problems: list[str] = []
    preview = None
    try:
        if request.method == "POST":
            revert.change_revert(record=found, by=request.user)
            messages.success(request, _("The change is changed back."))
            return redirect("catalogue_admin", cycle=cycle)
        preview = EditPreview((), revert.revert_preview(record=found, by=request.user), 0)
    except PermissionDenied:
        deny(request, f"change back {found.table} {found.object}")
    except revert.RevertConflict:
        problems = [_("The row has changed since: a later change stands in the way. Change that one first.")]
    except CycleInvalid as invalid:
        problems = [friendly(message) for messages_ in invalid.errors.values() for message in messages_]
    context = {"view": view, "record": found, "problems": problems, **preview_context(preview)}
    return render(request, "web/catalogue/revert.html", context, status=409 if problems else 200)
