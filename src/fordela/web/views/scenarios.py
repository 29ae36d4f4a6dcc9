"""Scenarios: the list, the builder (toggle proposals, see bridges, lists and bills live) and the
comparison of any number of scenarios. The bridge / lists / frames page is in `bridge`."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fordela.accounts.permissions import can_edit_scenarios, deny, visible_organisations
from fordela.cycle import scenarios as services
from fordela.cycle.computed import resolution_of
from fordela.cycle.models import Proposal, Scenario
from fordela.cycle.selectors import data_version, explicit_members
from fordela.cycle.services import AlreadyCreated
from fordela.engine import bridge as b
from fordela.engine.model import AmountType, CycleData, ProposalKind, ScenarioKind
from fordela.engine.model import Scenario as EngineScenario
from fordela.engine.money import display
from fordela.engine.scenario import Resolution, scenarios_in_order
from fordela.history.models import ChangeRecord
from fordela.history.services import history_query
from fordela.reports import cycle as reports
from fordela.reports import scenarios as scenario_reports
from fordela.reports.tables import Col, ColumnKind, Table
from fordela.web import charts
from fordela.web.pagecache import shared_fragment, shared_page
from fordela.web.tables import Pager, html_table
from fordela.web.views.common import CycleView, cycle_view, page_of, paged_table, scenario_summary_of, table_download

KIND_LABELS = {
    ProposalKind.NEW_SERVICE: _("New services"),
    ProposalKind.RECATEGORISATION: _("Re-categorisations"),
    ProposalKind.KEY_CHANGE: _("Key changes"),
    ProposalKind.CHANGE_INITIATIVE: _("Change initiatives"),
    ProposalKind.DEVELOPMENT_WITHIN_SERVICE: _("Development within service"),
    ProposalKind.SUPPLIER_CONTRACT: _("Supplier contracts"),
    ProposalKind.SETTLEMENT: _("Settlement of completed development"),
    ProposalKind.EFFICIENCY: _("Efficiency"),
    ProposalKind.VOLUME_CHANGE: _("Volume changes"),
}


def _headed(table: Table) -> Table:
    """The bridge's line column has no heading in the deck; a table for screen readers needs one."""
    columns = tuple(replace(c, label=gettext("Line")) if c.shown and not c.label else c for c in table.columns)
    return replace(table, columns=columns)


def kind_label(scenario: EngineScenario, data: CycleData) -> str:
    if scenario.kind is ScenarioKind.EXPLICIT:
        return gettext("Explicit selection of proposals")
    if scenario.kind is ScenarioKind.ALL_PROPOSED:
        return gettext("Everything proposed")
    stage = next((s.name for s in data.review_stages if s.code == scenario.stage), scenario.stage)
    return gettext("As decided by %(stage)s") % {"stage": stage}


def _engine_scenario(view: CycleView, code: str) -> EngineScenario:
    found = next((s for s in view.data.scenarios if s.code == code), None)
    if found is None:
        raise Http404(code)
    return found


# --- The list of scenarios, and a new one ---------------------------------------------------------


class ScenarioCreateForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=services.CODE,
        max_length=64,
        help_text=_("Lowercase letters, digits, - and _, e.g. utan-chatbot."),
        error_messages={"invalid": _("Use lowercase letters, digits, - and _ only.")},
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # One-time token: a double submit finds the scenario the first one created.
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    copy_from = forms.ChoiceField(
        label=_("Start with the proposals included in"),
        required=False,
        help_text=_("Leave empty to start with no proposals."),
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", _("(nothing – an empty scenario)")), *choices]


def scenarios(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    can_edit = can_edit_scenarios(request.user)
    form = ScenarioCreateForm(
        request.POST or None, choices=view.scenario_choices(), initial={"token": secrets.token_urlsafe(24)}
    )
    if request.method == "POST":
        if not can_edit:
            deny(request, f"scenario_create {cycle}")
        if form.is_valid():
            try:
                created = services.scenario_create(
                    cycle=view.cycle,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    copy_from=form.cleaned_data["copy_from"] or None,
                    by=request.user,
                    token=form.cleaned_data["token"] or None,
                )
            except AlreadyCreated as done:
                return redirect("scenario", cycle=cycle, scenario=done.code)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, gettext("Scenario %(name)s created.") % {"name": created.name})
                return redirect("scenario", cycle=cycle, scenario=created.code)
    counts: dict[str, int] = defaultdict(int)
    for sp in view.data.scenario_proposals:
        counts[sp.scenario] += 1
    rows = [
        (s, kind_label(s, view.data), counts[s.code] if s.kind is ScenarioKind.EXPLICIT else None)
        for s in scenarios_in_order(view.data)
    ]
    deleted = list(Scenario.objects.filter(cycle=view.cycle, deleted_at__isnull=False).order_by("-deleted_at"))
    just_deleted = next((s for s in deleted if s.code == request.GET.get("deleted")), None)
    return render(
        request,
        "web/scenarios/list.html",
        {
            "view": view,
            "rows": rows,
            "form": form,
            "can_edit": can_edit,
            "deleted": deleted,
            "just_deleted": just_deleted,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The builder ---------------------------------------------------------------------------------


def _proposal_groups(
    request: HttpRequest, data: CycleData, resolution: Resolution
) -> list[tuple[str, str, list[tuple[str, list]], Pager | None]]:
    """(supplier, name, [(kind label, [(decision, target-year amount, outcome)])], pager) in deck
    order, one page (?proposals-<supplier>-page=) of a supplier's proposals at a time.

    The amount is what the proposal adds to the supplier's total in the target year under this
    scenario's amounts: its development plus its management change. Paging keeps the toggles
    right: a posted form changes only the proposals it showed (`_apply_toggles`)."""
    year = data.cycle.target_year
    by_supplier: dict[str, dict[ProposalKind, list]] = defaultdict(lambda: defaultdict(list))
    for p in data.proposals:
        d = resolution.decisions[p.code]
        outcome = reports.outcome_label(d.outcome) if d.outcome else gettext("Not reviewed")
        amount = d.amount(year, AmountType.DEVELOPMENT) + d.management(year)
        by_supplier[p.supplier][p.kind].append((d, amount, outcome))
    groups = []
    for supplier in b.suppliers(data):
        kinds = by_supplier.get(supplier, {})
        flat = [(KIND_LABELS[k], item) for k in ProposalKind if k in kinds for item in kinds[k]]
        shown, pager = page_of(request, len(flat), f"proposals-{supplier}")
        paged: dict[str, list] = {}
        for label, item in flat[shown.start : shown.stop]:
            paged.setdefault(label, []).append(item)
        pager = replace(pager, download="") if pager else None
        groups.append((supplier, reports.organisation_name(data, supplier), list(paged.items()), pager))
    return [g for g in groups if g[2]]


def _apply_toggles(request: HttpRequest, view: CycleView, code: str) -> tuple[str, CycleView]:
    """Save what the posted form changed; returns a status line for people using a screen reader
    and the cycle as it now is."""
    row = Scenario.objects.select_related("cycle").filter(cycle=view.cycle, code=code).first()
    if row is None:
        raise Http404(code)
    known = {p.code for p in view.data.proposals}
    chosen = set(request.POST.getlist("included")) & known
    single = request.POST.get("proposal", "")
    if single:
        if single not in known:
            raise Http404(single)
        wanted = {single: single in chosen}
    else:
        # The plain form (no JavaScript) posts every box; "was" holds the state it was shown in,
        # so only what this person changed is saved, never a stale copy of someone else's edits.
        was = set(request.POST.getlist("was")) & known
        wanted = {p: p in chosen for p in sorted(chosen ^ was)}
    if not wanted:
        return gettext("Nothing changed."), view
    proposals = {p.code: p for p in Proposal.objects.filter(cycle=view.cycle, code__in=wanted)}
    before = scenario_summary_of(view.data, code)
    services.scenario_set(
        scenario=row, wanted={proposals[c]: included for c, included in wanted.items()}, by=request.user
    )
    after_view = cycle_view(view.code)
    after = scenario_summary_of(after_view.data, code)
    titles = {p.code: p.title for p in view.data.proposals}
    parts = [
        (gettext("%(title)s included.") if on else gettext("%(title)s left out.")) % {"title": titles[c]}
        for c, on in wanted.items()
    ]
    for old, new in zip(before.supplier_bridges, after.supplier_bridges, strict=True):
        if old.total != new.total:
            parts.append(
                gettext("%(supplier)s total %(new)s mkr (was %(old)s).")
                % {
                    "supplier": reports.organisation_name(view.data, new.supplier),
                    "new": display(new.total),
                    "old": display(old.total),
                }
            )
    return " ".join(parts), after_view


@shared_page()  # every revision: the page shows the scenario's history
def scenario(request: HttpRequest, cycle: str, scenario: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _engine_scenario(view, scenario)
    editable = found.kind is ScenarioKind.EXPLICIT
    can_edit = can_edit_scenarios(request.user)
    status = ""
    if request.method == "POST":
        if not can_edit:
            deny(request, f"scenario_toggle {cycle}/{scenario}")
        if not editable:
            deny(request, f"scenario_toggle {cycle}/{scenario}: read-only {found.kind.value} scenario")
        try:
            status, view = _apply_toggles(request, view, scenario)
        except PermissionDenied:
            deny(request, f"scenario_toggle {cycle}/{scenario}")
        except ValidationError as error:
            status = " ".join(error.messages)
        if not request.htmx:
            messages.info(request, status)
            return redirect("scenario", cycle=cycle, scenario=scenario)
        return HttpResponse(_toggled(request, view, scenario, status))
    context = _results_context(request, view, found)
    if context["download"] is not None:
        return context["download"]
    context |= _builder_context(request, view, found, editable=editable, can_edit=can_edit)
    return render(request, "web/scenarios/scenario.html", context)


def _toggled(request: HttpRequest, view: CycleView, code: str, status: str) -> str:
    """A toggle's answer: the status line and the recomputed results only (the builder and the
    history around them are not sent, so they are not made either: the toggle is the interactive
    path). The results are shared per scope and the proposals the scenario now includes, so
    toggling back, or a second coordinator making the same choice, renders nothing again."""
    found = _engine_scenario(view, code)

    def results() -> str:
        return render_to_string(
            "web/scenarios/scenario.html#results", _results_context(request, view, found), request=request
        )

    version = data_version(view.data)
    dependency = None if version is None else (version, explicit_members(view.data, code))
    html = shared_fragment(request, "scenario-results", dependency, results)
    return render_to_string("web/scenarios/scenario.html#toggle-status", {"status": status}) + html


def _results_context(request: HttpRequest, view: CycleView, found: EngineScenario) -> dict[str, Any]:
    """What the results part of the page shows (the part a toggle replaces)."""
    data = view.data
    resolution = resolution_of(data, found.code)
    summary = scenario_summary_of(data, found.code)
    visible = visible_organisations(request.user)
    results = [
        (code, reports.organisation_name(data, code), html_table(_headed(bridge)), html_table(lists))
        for code, bridge, lists in zip(summary.suppliers, summary.bridges, summary.initiatives, strict=True)
    ]
    organisations = scenario_reports.organisation_change_table(data, summary, visible)
    return {
        "download": table_download(request, {"organisations": organisations}),
        "view": view,
        "scenario": found,
        "resolution": resolution,
        "results": results,
        "suppliers": html_table(reports.supplier_totals_table(data, resolution)),
        "organisations": paged_table(request, organisations, "organisations"),
        "problems": summary.problems,
        "limited": visible is not None,
    }


def _builder_context(
    request: HttpRequest, view: CycleView, found: EngineScenario, *, editable: bool, can_edit: bool
) -> dict[str, Any]:
    """The rest of the whole page: the proposals to toggle and the scenario's history."""
    data = view.data
    resolution = resolution_of(data, found.code)
    return {
        "kind": kind_label(found, data),
        "editable": editable and can_edit,
        "read_only_reason": ""
        if editable
        else gettext(
            "This scenario follows the proposals and reviews; it cannot be "
            "changed by hand. Create an explicit copy to try changes."
        ),
        "resolution": resolution,
        "groups": _proposal_groups(request, data, resolution),
        **_history_page(request, view, found, data),
    }


def _history_page(request: HttpRequest, view: CycleView, found: EngineScenario, data: CycleData) -> dict[str, Any]:
    """One page (?changes-page=) of the scenario's history, newest first."""
    records = history_query(cycle=view.code, table="scenarios", object=found.code)
    shown, pager = page_of(request, records.count(), "changes")
    return {
        "changes": _named(list(records[shown.start : shown.stop]), data),
        "changes_pager": replace(pager, download="") if pager else None,
    }


def _named(records: list[ChangeRecord], data: CycleData) -> list[ChangeRecord]:
    """The scenario's history with the proposals its toggles name by title (fordela.history.describe)."""
    titles = {p.code: p.title for p in data.proposals}
    for record in records:
        record.names = titles  # type: ignore[attr-defined]
    return records


def _scenario_row(view: CycleView, code: str) -> Scenario:
    """The scenario's row, deleted or not (a repeated delete or a restore finds it)."""
    row = Scenario.objects.filter(cycle=view.cycle, code=code).first()
    if row is None:
        raise Http404(code)
    return row


def scenario_delete(request: HttpRequest, cycle: str, scenario: str) -> HttpResponse:
    """Delete softly; the list then offers to undo it. A repeated post (a double click) finds it deleted."""
    view = cycle_view(cycle)
    row = _scenario_row(view, scenario)
    if request.method != "POST" or not can_edit_scenarios(request.user) or row.kind != ScenarioKind.EXPLICIT.value:
        deny(request, f"scenario_delete {cycle}/{scenario}")
    services.scenario_delete(scenario=row, by=request.user)
    return redirect(reverse("scenarios", kwargs={"cycle": cycle}) + "?" + urlencode({"deleted": row.code}))


def scenario_restore(request: HttpRequest, cycle: str, scenario: str) -> HttpResponse:
    view = cycle_view(cycle)
    row = _scenario_row(view, scenario)
    if request.method != "POST" or not can_edit_scenarios(request.user):
        deny(request, f"scenario_restore {cycle}/{scenario}")
    services.scenario_restore(scenario=row, by=request.user)
    messages.success(request, gettext("Scenario %(name)s restored.") % {"name": row.name})
    return redirect("scenario", cycle=cycle, scenario=row.code)


# --- Comparison ------------------------------------------------------------------------------------


COMPARISON_DESCRIPTION = _(
    "Each supplier's total per scenario, mkr, in the order of the table. Each supplier has its own axis, "
    "which does not start at 0, so that differences of a few mkr show; the figure is written at each bar."
)


def scenario_compare(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    data = view.data
    known = [s.code for s in scenarios_in_order(data)]
    chosen = [c for c in dict.fromkeys(request.GET.getlist("s")) if c in known] or known
    resolutions = [resolution_of(data, c) for c in chosen]
    summaries = [scenario_summary_of(data, c) for c in chosen]
    suppliers_table = scenario_reports.scenario_compare_suppliers_table(data, resolutions)
    chart_rows = [
        (reports.organisation_name(data, x.supplier), s.resolution.name, x.total)
        for s in summaries
        for x in s.supplier_bridges
    ]
    chart_table = Table(
        gettext("Total per supplier and scenario"),
        (
            Col("supplier", gettext("Supplier")),
            Col("scenario", gettext("Scenario")),
            Col("total", gettext("Total"), ColumnKind.MONEY),
        ),
        tuple(chart_rows),
    )
    organisations = scenario_reports.scenario_compare_organisations_table(
        data, summaries, visible_organisations(request.user)
    )
    download = table_download(request, {"organisations": organisations})
    if download is not None:
        return download
    return render(
        request,
        "web/scenarios/compare.html",
        {
            "view": view,
            "chosen": chosen,
            "suppliers": html_table(suppliers_table),
            "organisations": paged_table(request, organisations, "organisations"),
            "limited": visible_organisations(request.user) is not None,
            "chart": charts.comparison_chart(
                chart_rows, title=gettext("Total per supplier, mkr"), description=str(COMPARISON_DESCRIPTION)
            ),
            "chart_label": COMPARISON_DESCRIPTION,
            "chart_table": html_table(chart_table),
        },
    )
