"""My organisation (its bill and the change explained), the key simulator and the outlook.

Read-only pages: the engine computes (`fordela.engine.explain`), the reports lay out the tables
(`fordela.reports.cycle`), the permission rules decide who sees which organisation
(`fordela.accounts.permissions`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from fordela.accounts.permissions import (
    can_comment,
    can_pick_organisation,
    can_view_organisation,
    deny,
    key_simulation_visible,
    organisation_of,
    role_of,
)
from fordela.cycle.computed import bills_of, explanation_of, simulation_of, totals_of
from fordela.engine import explain as ex
from fordela.engine.allocation_types import AllocationError
from fordela.engine.model import CycleData, OrganisationKind, ProposalKind
from fordela.engine.scenario import Resolution, ScenarioError, resolve_code
from fordela.reports import cycle as reports
from fordela.reports import explained
from fordela.web import charts
from fordela.web.pagecache import shared_page
from fordela.web.tables import html_table
from fordela.web.views.common import (
    CycleView,
    chosen_scenario,
    cycle_view,
    page_of,
    paged_table,
    shown_scenario,
    table_download,
)

KIND_LABELS = {
    OrganisationKind.ADMINISTRATION: _("Administration"),
    OrganisationKind.COMPANY: _("Company"),
    OrganisationKind.BOARD: _("Board"),
}


def _require_role(request: HttpRequest, what: str) -> None:
    if role_of(request.user) is None:
        deny(request, what)


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


# --- My organisation ------------------------------------------------------------------------------


@require_safe
def organisation_home(request: HttpRequest, cycle: str) -> HttpResponse:
    """Customer viewers and supplier editors go to their own organisation; the roles that see every
    organisation choose one, with every organisation's bill in both years as a guide."""
    view = cycle_view(cycle)
    _require_role(request, f"organisation_home {cycle}")
    data = view.data
    codes = {o.code for o in data.organisations}
    if not can_pick_organisation(request.user):
        own = organisation_of(request.user)
        if own in codes:
            return redirect(_with_query(reverse("organisation", kwargs={"cycle": cycle, "organisation": own}), request))
        return render(request, "web/organisations/home.html", {"view": view, "missing": own or "–"})
    resolution = chosen_scenario(request, view)
    problems: tuple[str, ...] = ()
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    try:
        before = totals_of(data, data.cycle.base_year, None)
        after = totals_of(data, data.cycle.target_year, resolution.code)
    except AllocationError as error:
        problems = error.problems
    rows = []
    for o in sorted(data.organisations, key=lambda o: (list(OrganisationKind).index(o.kind), o.name)):
        a, b = before.get(o.code, 0), after.get(o.code, 0)
        rows.append((o, KIND_LABELS[o.kind], a, b, b - a, (b - a, a) if a else None))
    shown, pager = page_of(request, len(rows), "organisations")
    return render(
        request,
        "web/organisations/home.html",
        {
            "view": view,
            "resolution": resolution,
            "rows": rows[shown.start : shown.stop],
            "pager": replace(pager, download="") if pager else None,
            "problems": problems,
        },
    )


@shared_page(shown_scenario)
@require_safe
def organisation(request: HttpRequest, cycle: str, organisation: str) -> HttpResponse:
    """What `organisation` pays per service in the base and the target year, and why it changed."""
    view = cycle_view(cycle)
    if not can_view_organisation(request.user, organisation):
        deny(request, f"organisation {cycle}/{organisation}", hide=True)
    data = view.data
    found = next((o for o in data.organisations if o.code == organisation), None)
    if found is None:
        raise Http404(organisation)
    resolution = chosen_scenario(request, view)
    context: dict[str, Any] = {
        "view": view,
        "organisation": found,
        "kind": KIND_LABELS[found.kind],
        "resolution": resolution,
        "can_pick": can_pick_organisation(request.user),
        "problems": (),
    }
    try:
        explanation = explanation_of(data, resolution.code, organisation)
    except AllocationError as error:
        context["problems"] = error.problems
        return render(request, "web/organisations/organisation.html", context)
    steps = explained.explained_steps_table(data, explanation)
    bill = explained.explained_bill_table(data, explanation)
    new_objects = explained.explained_new_table(data, explanation)
    by_cause = explained.explained_change_table(data, explanation)
    download = table_download(request, {"bill": bill, "new": new_objects, "causes": by_cause})
    if download is not None:
        return download
    labels = explained.cause_labels(data)
    context.update(
        {
            "explanation": explanation,
            "change_ratio": (explanation.change, explanation.before) if explanation.before else None,
            "steps": html_table(steps),
            "by_cause": paged_table(request, by_cause, "causes"),
            "new_objects": paged_table(request, new_objects, "new"),
            "bill": paged_table(request, bill, "bill"),
            # The lines a customer may question in a consultation thread (fordela.consultation).
            "bill_lines": sorted({(row[0], row[1]) for row in bill.rows if row[0]}, key=lambda x: x[1]),
            "can_question": can_comment(request.user, organisation),
            "chart": charts.level_waterfall(
                [(label, change, level) for _, label, change, level in steps.rows],
                title=f"{found.name} {explanation.from_year}–{explanation.to_year}",
            ),
            "cause_labels": [labels[c] for c in ex.SUBSTITUTION_ORDER],
        }
    )
    return render(request, "web/organisations/organisation.html", context)


# --- The key simulator ----------------------------------------------------------------------------


class SimulatorForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    key = forms.ChoiceField(label=_("Alternative key"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    scenario = forms.ChoiceField(label=_("Scenario (years after the base year)"))

    def __init__(self, view: CycleView, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        data = view.data
        self.fields["service"].choices = sorted(((s.code, s.name) for s in data.services), key=lambda c: c[1])
        self.fields["key"].choices = [(ex.KEEP_LAST_YEAR, _("Keep last year's split"))] + [
            (k.code, k.name) for k in data.keys
        ]
        self.fields["year"].choices = [(y, str(y)) for y in data.cycle.years]
        self.fields["scenario"].choices = view.scenario_choices()
        for name in self.fields:
            self.fields[name].widget.attrs["id"] = f"sim-{name}"


def _simulator_defaults(view: CycleView) -> dict[str, Any]:
    """The first key change proposed in the cycle (the DMS question), else the first service."""
    data = view.data
    proposal = next((p for p in data.proposals if p.kind is ProposalKind.KEY_CHANGE and p.service), None)
    service = proposal.service if proposal else next((s.code for s in data.services), "")
    key = proposal.proposed_key if proposal and proposal.proposed_key else ex.KEEP_LAST_YEAR
    return {"service": service, "key": key, "year": data.cycle.target_year, "scenario": view.decided_scenario()}


@shared_page(shown_scenario)
@require_safe
def simulator(request: HttpRequest, cycle: str) -> HttpResponse:
    """A service's split under its current key and an alternative one, for every organisation."""
    view = cycle_view(cycle)
    _require_role(request, f"simulator {cycle}")
    data = view.data
    values = _simulator_defaults(view) | {k: v for k, v in request.GET.items() if k in SimulatorForm.base_fields}
    form = SimulatorForm(view, values)
    visible = key_simulation_visible(request.user)
    context: dict[str, Any] = {"view": view, "form": form, "restricted": visible is not None, "problems": ()}
    if not form.is_valid():
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs.update({"aria-describedby": f"sim-{name}-error", "aria-invalid": "true"})
    else:
        year: int = form.cleaned_data["year"]
        try:
            resolution: Resolution | None = resolve_code(data, form.cleaned_data["scenario"])
        except ScenarioError:
            raise Http404(form.cleaned_data["scenario"]) from None
        try:
            simulation = simulation_of(data, resolution, form.cleaned_data["service"], form.cleaned_data["key"], year)
        except AllocationError as error:
            context["problems"] = error.problems
        except LookupError as error:
            context["problems"] = (str(error),)
        else:
            table = explained.key_simulation_table(data, simulation, visible)
            shown = [r for r in simulation.rows if visible is None or r.organisation in visible]
            context.update(
                {
                    "simulation": simulation,
                    "table": html_table(table),
                    "same_key": simulation.current_key.code == simulation.alternative_key.code,
                    "chart": _simulation_chart(
                        data, simulation, shown, restricted=visible is not None, title=table.title
                    ),
                    "own_rows": [r for r in simulation.rows if visible is not None and r.organisation in visible],
                }
            )
    if request.htmx:
        return render(request, "web/organisations/simulator.html#result", context)
    return render(request, "web/organisations/simulator.html", context)


def _simulation_chart(
    data: CycleData, simulation: ex.KeySimulation, shown: list[ex.SimulatedRow], *, restricted: bool, title: str
) -> str:
    """Everyone's change as bars, or (for a customer's own row) its amount under both keys."""
    if not restricted:
        ordered = sorted(shown, key=lambda r: r.change)
        return charts.change_bars(
            [(reports.organisation_name(data, r.organisation), r.change) for r in ordered], title=title
        )
    rows = []
    for r in shown:
        name = reports.organisation_name(data, r.organisation)
        rows += [(name, simulation.current_key.name, r.current), (name, simulation.alternative_key.name, r.alternative)]
    return charts.bar_chart(rows, title=title, x_title=str(_("Organisation")), color_title=str(_("Key")))


# --- The outlook ----------------------------------------------------------------------------------


@require_safe
def outlook(request: HttpRequest, cycle: str) -> HttpResponse:
    """Every supplier's multi-year view and one organisation's bill per year, under a scenario
    (default: everything proposed, so savings decided for later years show)."""
    view = cycle_view(cycle)
    _require_role(request, f"outlook {cycle}")
    data = view.data
    resolution = chosen_scenario(request, view, default=view.proposed_scenario() or None)
    organisations = sorted(data.organisations, key=lambda o: o.name)
    codes = [o.code for o in organisations]
    if can_pick_organisation(request.user):
        choices = [(o.code, o.name) for o in organisations]
        own = organisation_of(request.user)
        default = (
            own
            if own in codes
            else next(
                (o.code for o in organisations if o.kind is OrganisationKind.ADMINISTRATION), codes[0] if codes else ""
            )
        )
    else:
        own = organisation_of(request.user)
        choices = [(own, view.organisation_name(own))] if own in codes else []
        default = own if own in codes else ""
    chosen = request.GET.get("organisation") or default
    if chosen and chosen not in dict(choices):
        if chosen in codes:
            deny(request, f"outlook {cycle}/{chosen}", hide=True)
        raise Http404(chosen)
    supplier_tables = []
    chart_rows = []
    for code, name in view.suppliers():
        table = reports.outlook_table(data, code, resolution)
        supplier_tables.append((code, name, html_table(table)))
        chart_rows += [
            (year, name, change) for year, change in zip(table.column("year"), table.column("change"), strict=True)
        ]
    context: dict[str, Any] = {
        "view": view,
        "resolution": resolution,
        "supplier_tables": supplier_tables,
        "supplier_chart": charts.line_chart(chart_rows, title=str(_("Change against the base year per supplier, mkr"))),
        "choices": choices,
        "chosen": chosen,
    }
    if chosen:
        years = [data.cycle.base_year] + [y for y in data.cycle.years if y > data.cycle.base_year]
        bills = bills_of(data, resolution.code, chosen, tuple(years))
        table = explained.organisation_outlook_table(data, chosen, bills)
        rows = [(x.year, str(_("Cost")), x.amount) for x in bills if x.amount is not None]
        rows += [
            (x.year, str(_("Cost incl. index")), x.amount_with_index) for x in bills if x.amount_with_index is not None
        ]
        context.update(
            {
                "organisation_name": view.organisation_name(chosen),
                "organisation_table": html_table(table),
                "organisation_chart": charts.kr_line_chart(rows, title=table.title) if rows else "",
                "failed_years": [x.year for x in bills if x.amount is None],
            }
        )
    return render(request, "web/organisations/outlook.html", context)
