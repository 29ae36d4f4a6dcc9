"""Finance and coordinators keep the drivers (values per organisation, also loaded from an HR or
asset system's export), the keys and their shares, and the organisations' join and leave years.

Thin, as fordela.web.views.catalogue_edit: permission, a form, one service of
fordela.cycle.catalogue; a save needs the effect shown for exactly the values saved.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fordela.accounts.permissions import can_edit_drivers, deny
from fordela.catalogue.models import DistributionKey, Driver, Organisation
from fordela.cycle.catalogue import (
    CatalogueConflict,
    EditPreview,
    driver_values_change,
    key_change,
    organisation_change,
)
from fordela.cycle.drivers import FileProblem, driver_file_read
from fordela.cycle.revert import change_history
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.package.errors import PackageError
from fordela.web.forms.catalogue import (
    DriverFileForm,
    DriverValuesForm,
    KeyForm,
    OrganisationForm,
    _CatalogueForm,
    quantity_initial,
)
from fordela.web.views.catalogue_edit import preview_context
from fordela.web.views.common import CycleView, cycle_view

FILE_REASONS = {
    "unknown_organisation": gettext_lazy("Unknown organisation: neither a code nor a name in the cycle."),
    "columns": gettext_lazy("Needs two columns: organisation and value."),
    "duplicate": gettext_lazy("The organisation is already in the file on an earlier row."),
}


def _reason(problem: FileProblem) -> str:
    if problem.reason.startswith("number:"):
        return _("The value is not a number the Swedish way, e.g. 1 250 or 1 250,5.")
    return str(FILE_REASONS.get(problem.reason, problem.reason))


def _require(request: HttpRequest, what: str) -> None:
    if not can_edit_drivers(request.user):
        deny(request, what)


def _organisations(view: CycleView) -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in sorted(view.data.organisations, key=lambda o: o.name)]


def _year(view: CycleView, text: str | None) -> int:
    years = list(view.data.cycle.years)
    if not text:
        return view.data.cycle.target_year
    if not (len(text) == 4 and text.isascii() and text.isdigit()) or int(text) not in years:
        raise Http404(f"year {text[:10]}")
    return int(text)


def _edit(
    request: HttpRequest, form: _CatalogueForm, call: Callable[[Any, bool], EditPreview], make: Callable[[Any], Any]
) -> tuple[Any, EditPreview | None, bool, HttpResponse | None]:
    """Run a preview or a save of a valid bound `form`; returns (form, preview, conflict, redirect)."""
    if not form.is_valid():
        return form, None, False, None
    save = request.POST.get("action") == "save" and form.is_previewed()
    try:
        preview = call(form, save)
    except CatalogueConflict as error:
        data = form.data.copy()
        data["version"], data["previewed"] = str(error.version), ""
        again = make(data)
        again.is_valid()
        return again, None, True, None
    except CycleInvalid as invalid:
        form.add_problems(invalid.errors)
        return form, None, False, None
    if save:
        messages.success(request, _("The change is saved."))
        return form, preview, False, redirect(request.get_full_path())
    data = form.data.copy()
    data["previewed"] = form.fingerprint()
    again = make(data)
    again.is_valid()
    return again, preview, False, None


def _page(request: HttpRequest, template: str, context: dict[str, Any], preview: Any, conflict: bool) -> HttpResponse:
    form = context["form"]
    context.update(preview_context(preview))
    context["conflict"] = conflict
    context["previewed"] = preview is not None and not form.errors
    return render(request, template, context, status=409 if conflict else 200)


# -- driver values -----------------------------------------------------------------------------


def driver_edit(request: HttpRequest, cycle: str, driver: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = next((d for d in view.data.drivers if d.code == driver), None)
    if found is None:
        raise Http404(driver)
    _require(request, f"edit driver {driver}")
    row = Driver.objects.get(cycle=view.cycle, code=driver)
    year = _year(view, request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    organisations = _organisations(view)

    def make(data: Any = None, initial: Any = None) -> DriverValuesForm:
        return DriverValuesForm(data, initial=initial, organisations=organisations)

    current = {v.organisation: v.value for v in view.data.driver_values if v.driver == driver and v.year == year}
    initial: dict[str, Any] = {"version": row.version}
    initial.update({f"value_{org}": quantity_initial(value) for org, value in current.items()})

    def call(form: DriverValuesForm, save: bool) -> EditPreview:
        return driver_values_change(
            driver=row,
            year=year,
            values=form.values(),
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            save=save,
            source=source,
        )

    preview, conflict, problems = None, False, ()
    source = request.POST.get("source", "")[:200]
    file_form = DriverFileForm()
    if request.method == "POST" and "file" in request.FILES:
        file_form = DriverFileForm(request.POST, request.FILES)
        form = make(initial=initial)
        if file_form.is_valid():
            problems, data = _read_file(view, file_form, initial, year)
            if data is not None:
                source = data["source"]
                form, preview, conflict, _done = _edit(request, make(data), call, make)
    elif request.method == "POST":
        form, preview, conflict, done = _edit(request, make(request.POST), call, make)
        if done is not None:
            return done
    else:
        form = make(initial=initial)
    context = {
        "view": view,
        "driver": found,
        "year": year,
        "years": list(view.data.cycle.years),
        "form": form,
        "file_form": file_form,
        "file_problems": [(p.row, p.text, _reason(p)) for p in problems],
        "source": source,
        "changes": change_history(cycle=cycle, table="drivers", code=driver),
    }
    return _page(request, "web/catalogue/driver_form.html", context, preview, conflict)


def _read_file(
    view: CycleView, file_form: DriverFileForm, initial: dict[str, Any], year: int
) -> tuple[tuple[FileProblem, ...], dict[str, Any] | None]:
    """The uploaded file's values on top of the current ones, as the grid's form data."""
    upload = file_form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            found = driver_file_read(cycle=view.cycle, path=path)
        except PackageError as error:
            file_form.add_error("file", "; ".join(str(p) for p in error.problems)[:500])
            return (), None
    data: dict[str, Any] = {k: v for k, v in initial.items()}
    data.update({f"value_{org}": quantity_initial(value) for org, value in found.values.items()})
    data["year"] = str(year)
    data["source"] = upload.name[:200]
    return found.problems, data


# -- keys and their shares -----------------------------------------------------------------------


def key_edit(request: HttpRequest, cycle: str, key: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = next((k for k in view.data.keys if k.code == key), None)
    if found is None:
        raise Http404(key)
    _require(request, f"edit key {key}")
    row = DistributionKey.objects.get(cycle=view.cycle, code=key)
    drivers = [(d.code, d.name) for d in view.data.drivers]
    organisations = _organisations(view) if found.method is m.KeyMethod.FIXED else []

    def make(data: Any = None, initial: Any = None) -> KeyForm:
        return KeyForm(data, initial=initial, drivers=drivers, organisations=organisations)

    def call(form: KeyForm, save: bool) -> EditPreview:
        values, shares = form.values(key, found.method)
        return key_change(
            key=row,
            values=values,
            shares=shares,
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            save=save,
        )

    preview, conflict = None, False
    if request.method == "POST":
        form, preview, conflict, done = _edit(request, make(request.POST), call, make)
        if done is not None:
            return done
    else:
        initial: dict[str, Any] = {
            "version": row.version,
            "name": found.name,
            "driver": found.driver or "",
            "frozen_year": "" if found.frozen_year is None else str(found.frozen_year),
            "solidarity_driver": found.solidarity_driver or "",
        }
        initial.update(
            {f"share_{s.organisation}": quantity_initial(s.share) for s in view.data.key_shares if s.key == key}
        )
        form = make(initial=initial)
    context = {"view": view, "key": found, "form": form, "changes": change_history(cycle=cycle, table="keys", code=key)}
    return _page(request, "web/catalogue/key_form.html", context, preview, conflict)


# -- organisations: join and leave years -----------------------------------------------------------


def organisation_edit(request: HttpRequest, cycle: str, organisation: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = next((o for o in view.data.organisations if o.code == organisation), None)
    if found is None:
        raise Http404(organisation)
    _require(request, f"edit organisation {organisation}")
    row = Organisation.objects.get(cycle=view.cycle, code=organisation)
    names = {s.code: s.name for s in view.data.services}
    latest: dict[str, m.Participation] = {}
    for p in sorted(view.data.participation, key=lambda p: p.from_year):
        if p.organisation == organisation:
            latest[p.service] = p
    services = sorted(((code, names[code]) for code in names), key=lambda s: s[1])

    def make(data: Any = None, initial: Any = None) -> OrganisationForm:
        return OrganisationForm(data, initial=initial, services=services)

    def call(form: OrganisationForm, save: bool) -> EditPreview:
        wanted = {s: span for s, span in form.years().items() if span is not None or s in latest}
        return organisation_change(
            organisation=row,
            name=form.cleaned_data["name"],
            years=wanted,
            expected_version=form.cleaned_data["version"] or 0,
            by=request.user,
            save=save,
        )

    preview, conflict = None, False
    if request.method == "POST":
        form, preview, conflict, done = _edit(request, make(request.POST), call, make)
        if done is not None:
            return done
    else:
        initial: dict[str, Any] = {"version": row.version, "name": found.name}
        for service, p in latest.items():
            initial[f"from_{service}"] = str(p.from_year)
            initial[f"to_{service}"] = "" if p.to_year is None else str(p.to_year)
        form = make(initial=initial)
    context = {
        "view": view,
        "organisation": found,
        "form": form,
        "changes": change_history(cycle=cycle, table="organisations", code=organisation),
    }
    return _page(request, "web/catalogue/organisation_form.html", context, preview, conflict)
