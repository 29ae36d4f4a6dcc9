"""Documents made in the background with live progress, and the open-data files.

A document (workbook, annual analysis, deck, PDF) is a job (fordela.jobs): the form posts, the
job is queued for `fordela worker`, the page polls a progress partial every second (htmx) and
shows the download link when the file is ready. Without JavaScript the post lands on the job's
own page, which the user reloads. Every download is checked again against the permission rules.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fordela.accounts.permissions import (
    can_make_document,
    can_pick_organisation,
    can_see_job,
    deny,
    organisation_of,
    role_of,
)
from fordela.cycle.computed import computed
from fordela.engine.allocation_types import AllocationError
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution, decided_stage, first_stage, proposed_scenario, resolve_code
from fordela.jobs.models import Job
from fordela.jobs.services import JobLimitError, job_create, job_start
from fordela.opendata.datasets import Dataset, open_datasets
from fordela.opendata.publish import Publisher, catalog, dataset_csv, dataset_json
from fordela.web.views.common import CycleView, cycle_view

KIND_LABELS = {
    "workbook": _("Cycle workbook (.xlsx)"),
    "annual_analysis": _("Annual analysis (.docx)"),
    "deck": _("Coordination group deck (.pptx)"),
    "pdf": _("Bridges, lists and frames (.pdf)"),
}
# The parameters each kind takes; anything else posted is ignored.
KIND_PARAMS = {
    "workbook": (),
    "annual_analysis": ("supplier", "scenario"),
    "deck": ("supplier", "scenario", "stage"),
    "pdf": ("supplier", "scenario", "stage", "organisation", "year"),
}
RECENT_JOBS = 10
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class DocumentForm(forms.Form):
    """What to make. Choices come from the cycle, so a tampered value is a field error."""

    kind = forms.ChoiceField(label=_("Document"), choices=list(KIND_LABELS.items()))
    supplier = forms.ChoiceField(label=_("Supplier"), required=False)
    scenario = forms.ChoiceField(label=_("Scenario"), required=False)
    stage = forms.ChoiceField(label=_("Compared with the decision of"), required=False)
    organisation = forms.ChoiceField(label=_("An organisation's costs"), required=False)
    year = forms.TypedChoiceField(label=_("Year of the costs"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, view: CycleView, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = view.data
        self.fields["supplier"].choices = [("", _("All suppliers")), *view.suppliers()]
        self.fields["scenario"].choices = [("", ""), *view.scenario_choices()]
        self.fields["stage"].choices = [("", ""), *((s.code, s.name) for s in view.stages)]
        self.fields["organisation"].choices = [("", ""), *((o.code, o.name) for o in data.organisations)]
        self.fields["year"].choices = [("", ""), *((y, str(y)) for y in data.cycle.years)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == "annual_analysis" and not cleaned.get("supplier"):
            self.add_error("supplier", _("Choose the supplier whose annual analysis to make."))
        return cleaned

    def params(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        params = {name: self.cleaned_data.get(name) for name in KIND_PARAMS[kind]}
        if not params.get("organisation"):
            params.pop("year", None)  # the year is the year of an organisation's bill
        return {name: value for name, value in params.items() if value not in (None, "")}


def _name(view: CycleView, code: str) -> str:
    names = {s.code: s.name for s in view.data.scenarios} | {s.code: s.name for s in view.data.review_stages}
    return names.get(code, code)


def job_label(job: Job, view: CycleView) -> str:
    """What the job makes, in words: the kind and the choices that matter."""
    params = job.params
    parts = [str(KIND_LABELS.get(job.kind, job.kind))]
    if params.get("supplier"):
        parts.append(view.organisation_name(params["supplier"]))
    if params.get("organisation"):
        year = params.get("year") or view.data.cycle.target_year
        name = view.organisation_name(params["organisation"])
        parts.append(gettext("costs %(year)s for %(name)s") % {"year": year, "name": name})
    if job.kind in ("deck", "pdf"):
        scenario = _name(view, params.get("scenario") or proposed_scenario(view.data))
        stage = _name(view, params.get("stage") or first_stage(view.data))
        parts.append(gettext("%(scenario)s compared with %(stage)s") % {"scenario": scenario, "stage": stage})
    elif job.kind == "annual_analysis" and params.get("scenario"):
        parts.append(_name(view, params["scenario"]))
    return " – ".join(parts)


def _organisations_for(request: HttpRequest, view: CycleView) -> list[tuple[str, str]]:
    """The organisations whose bill the user may put in a PDF."""
    if can_pick_organisation(request.user):
        return [(o.code, o.name) for o in sorted(view.data.organisations, key=lambda o: o.name)]
    own = organisation_of(request.user)
    return [(o.code, o.name) for o in view.data.organisations if o.code == own]


def _require_role(request: HttpRequest, what: str) -> None:
    if role_of(request.user) is None:
        deny(request, what)


def documents(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    _require_role(request, f"documents {cycle}")
    return _documents_page(request, view, DocumentForm(view=view), status=200)


def _documents_page(request: HttpRequest, view: CycleView, form: DocumentForm, *, status: int) -> HttpResponse:
    user = request.user
    jobs = Job.objects.filter(cycle_code=view.code, created_by=user).defer("content")[:RECENT_JOBS]
    data = view.data
    return render(
        request,
        "web/documents/documents.html",
        {
            "view": view,
            "form": form,
            "posted_kind": form.data.get("kind") if form.is_bound else "",
            # errors go next to the fields of the form that was posted
            "errors": {name: " ".join(errs) for name, errs in form.errors.items()} if form.is_bound else {},
            "may": {kind: can_make_document(user, kind) for kind in KIND_LABELS},
            "kind_labels": KIND_LABELS,
            "stages": [(s.code, s.name) for s in view.stages],
            "proposed": proposed_scenario(data),
            "first_stage": first_stage(data),
            "organisations": _organisations_for(request, view),
            "years": [(y, str(y)) for y in data.cycle.years],
            "default_supplier": organisation_of(user),
            "jobs": [(job, job_label(job, view)) for job in jobs],
        },
        status=status,
    )


@require_POST
def document_start(request: HttpRequest, cycle: str) -> HttpResponse:
    """Start making a document; htmx gets the progress partial, a plain post the job's page."""
    view = cycle_view(cycle)
    _require_role(request, f"document {cycle}")
    form = DocumentForm(request.POST, view=view)
    if not form.is_valid():
        if request.htmx:
            return render(request, "web/documents/_form_errors.html", {"form": form}, status=400)
        return _documents_page(request, view, form, status=400)
    kind, params = form.cleaned_data["kind"], form.params()
    organisation = params.get("organisation")
    if not can_make_document(request.user, kind, organisation=organisation):
        # Another organisation's bill is not even confirmed to exist.
        deny(request, f"document {kind} {organisation or ''}".strip(), hide=bool(organisation))
    try:
        job = job_create(cycle=view.code, kind=kind, params=params, by=request.user)
    except JobLimitError:
        # Each document costs a worker minutes: one user cannot fill the queue.
        form.add_error(
            None,
            gettext("You already have %(count)s documents in the making; wait until one is ready.")
            % {"count": settings.JOBS_PER_USER},
        )
        if request.htmx:
            return render(request, "web/documents/_form_errors.html", {"form": form}, status=429)
        return _documents_page(request, view, form, status=429)
    job_start(job=job)
    if request.htmx:
        job.refresh_from_db()
        context = {"view": view, "job": job, "label": job_label(job, view)}
        return render(request, "web/documents/_progress.html", context)
    return redirect("document_job", cycle=view.code, job=job.pk)


def _job(request: HttpRequest, view: CycleView, job: str, *, with_content: bool = False) -> Job:
    """The job of the URL, if the user may see it; anyone else's is a 404, like a missing one."""
    try:
        key = uuid.UUID(job)
    except ValueError:
        raise Http404(job) from None
    query = Job.objects.all() if with_content else Job.objects.defer("content")
    found = query.filter(pk=key, cycle_code=view.code).first()
    if found is None:
        raise Http404(job)
    organisation = found.params.get("organisation")
    if not can_see_job(request.user, owner_id=found.created_by_id, kind=found.kind, organisation=organisation):
        deny(request, f"job {found.pk}", hide=True)
    return found


def document_job(request: HttpRequest, cycle: str, job: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _job(request, view, job)
    context = {"view": view, "job": found, "label": job_label(found, view)}
    return render(request, "web/documents/job.html", context)


def document_progress(request: HttpRequest, cycle: str, job: str) -> HttpResponse:
    """The progress partial that the page polls every second until the job has finished."""
    view = cycle_view(cycle)
    found = _job(request, view, job)
    context = {"view": view, "job": found, "label": job_label(found, view)}
    return render(request, "web/documents/_progress.html", context)


def document_download(request: HttpRequest, cycle: str, job: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _job(request, view, job, with_content=True)
    if found.status != Job.Status.DONE or found.content is None:
        raise Http404(f"job {found.pk} has no file yet")
    return _attachment(bytes(found.content), found.content_type, found.filename)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response


# -- open data ----------------------------------------------------------------------------------

OPEN_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonld": "application/ld+json",
    "zip": "application/zip",
}
CATALOGUE = "catalog.jsonld"
ARCHIVE = "oppna-data.zip"


def _open_datasets(data: CycleData) -> tuple[Resolution, list[Dataset]]:
    """The decided datasets, once per revision: what the page lists. Their files are made only
    when one is downloaded (`_open_file`), a large cycle's distribution being tens of megabytes."""

    def build() -> tuple[Resolution, list[Dataset]]:
        resolution = resolve_code(data, decided_stage(data))
        return resolution, open_datasets(data, resolution)

    return computed(data, "open-datasets", (), build)


def _open_file(data: CycleData, filename: str) -> bytes | None:
    """One dataset file (``<dataset>.csv`` / ``.json``), once per revision; None if no such file."""
    _, datasets = _open_datasets(data)
    name, _dot, suffix = filename.rpartition(".")
    dataset = next((d for d in datasets if d.name == name), None)
    if dataset is None or suffix not in ("csv", "json"):
        return None
    write = dataset_csv if suffix == "csv" else dataset_json
    return computed(data, "open-data-file", (filename,), lambda: write(dataset))


def _open_data(view: CycleView) -> tuple[Resolution, list[Dataset], dict[str, bytes]]:
    """The decided datasets and every file, made from the cycle as `fordela opendata` makes them,
    once per revision and day (the catalogue carries the day it was issued)."""
    today = datetime.now(STOCKHOLM).date()
    return computed(view.data, "open-data", (today,), lambda: _make_open_data(view.data, today))


def _make_open_data(data: CycleData, today: date) -> tuple[Resolution, list[Dataset], dict[str, bytes]]:
    import json

    resolution, datasets = _open_datasets(data)
    files: dict[str, bytes] = {}
    for dataset in datasets:
        for filename in (f"{dataset.name}.csv", f"{dataset.name}.json"):
            content = _open_file(data, filename)
            assert content is not None
            files[filename] = content
    document = catalog(
        datasets,
        files,
        title=f"{data.cycle.title} – öppna data",
        description=(
            "Beslutad tjänstekatalog, ekonomiska ramar och kostnadsfördelning per organisation för stadens "
            f"gemensamma digitala tjänster, {data.cycle.base_year}–{data.cycle.target_year}, som {resolution.name}."
        ),
        publisher=Publisher(data.cycle.title.split(" – ")[0].strip() or data.cycle.code),
        issued=today,
    )
    files[CATALOGUE] = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return resolution, datasets, files


@login_not_required  # open data is for anyone; only decided figures are in it (opendata.datasets)
def opendata(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    problems: tuple[str, ...] = ()
    rows: list[Dataset] = []
    resolution = None
    try:
        resolution, rows = _open_datasets(view.data)
    except AllocationError as error:
        problems = error.problems
    return render(
        request,
        "web/documents/opendata.html",
        {
            "view": view,
            "resolution": resolution,
            "datasets": rows,
            "problems": problems,
            "catalogue": CATALOGUE,
            "archive": ARCHIVE,
        },
    )


@login_not_required
def opendata_file(request: HttpRequest, cycle: str, filename: str) -> HttpResponse:
    view = cycle_view(cycle)
    try:
        if filename not in (ARCHIVE, CATALOGUE):
            content = _open_file(view.data, filename)
            if content is None:
                raise Http404(filename)
            return _attachment(content, OPEN_TYPES[filename.rsplit(".", 1)[1]], filename)
        _, _, files = _open_data(view)
    except AllocationError:
        raise Http404(filename) from None
    if filename == ARCHIVE:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return _attachment(buffer.getvalue(), OPEN_TYPES["zip"], f"{view.code}-{ARCHIVE}")
    return _attachment(files[CATALOGUE], OPEN_TYPES["jsonld"], CATALOGUE)
