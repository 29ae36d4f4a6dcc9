"""The bridge / lists / frames page of one supplier and review stage, and its CSV and Excel exports."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fordela.engine import bridge as b
from fordela.engine.model import CycleData, ScenarioKind
from fordela.engine.model import Scenario as EngineScenario
from fordela.engine.scenario import Resolution, ScenarioError, resolve, resolve_stage
from fordela.reports import cycle as reports
from fordela.reports import scenarios as scenario_reports
from fordela.reports.render import as_csv, as_xlsx
from fordela.reports.tables import Table
from fordela.web import charts
from fordela.web.pagecache import NO_SCENARIO, shared_page
from fordela.web.tables import html_table
from fordela.web.views.common import CycleView, cycle_view
from fordela.web.views.scenarios import _headed

LIST_TITLES = {
    "recommended": _("Recommended change initiatives"),
    "not_recommended": _("Change initiatives not recommended"),
    "as_add_on": _("Change initiatives to be financed as add-on services"),
    "not_reviewed": _("Change initiatives not yet reviewed"),
}
EXPORT_TABLES = ("bridge", "initiatives", "frames")
EXPORT_FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The bridge, the lists and the frames ---------------------------------------------------------


def _proposed(data: CycleData) -> Resolution:
    for s in data.scenarios:
        if s.kind is ScenarioKind.ALL_PROPOSED:
            return resolve(data, s)
    return resolve(data, EngineScenario("proposed", gettext("Everything proposed"), ScenarioKind.ALL_PROPOSED))


def _stage(data: CycleData, stage: str) -> Resolution:
    """The decision of `stage`, named like the cycle's scenario for that stage where there is one."""
    for s in data.scenarios:
        if s.kind is ScenarioKind.STAGE and s.stage == stage:
            return resolve(data, s)
    return resolve_stage(data, stage)


def _bridge_choice(request: HttpRequest, view: CycleView) -> tuple[str, str, Resolution, Resolution]:
    """(supplier, stage, proposed, decided) from ?supplier= and ?stage=, with the defaults."""
    data = view.data
    codes = b.suppliers(data)
    if not codes:
        raise Http404("no suppliers")
    largest = max(codes, key=lambda s: (b.management_budget(data, s, data.cycle.base_year), s))
    supplier = request.GET.get("supplier") or largest
    stages = [s.code for s in view.stages]
    stage = request.GET.get("stage") or data.cycle.current_stage or (stages[0] if stages else "")
    if supplier not in codes or stage not in stages:
        raise Http404(f"{supplier}/{stage}")
    try:
        return supplier, stage, _proposed(data), _stage(data, stage)
    except ScenarioError:
        raise Http404(stage) from None


@shared_page(NO_SCENARIO)
def bridge(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    data = view.data
    supplier, stage, proposed, decided = _bridge_choice(request, view)
    bridge_table = reports.bridge_table(data, supplier, [proposed, decided])
    steps = scenario_reports.bridge_steps_table(data, b.bridge(data, supplier, decided))

    def item(d: Any, amount: int) -> tuple[str, str, str, str, int]:
        outcome = reports.outcome_label(d.outcome) if d.outcome else gettext("Proposed")
        conditions = "; ".join(c.text or c.kind.value for c in d.conditions)
        return d.proposal.code, d.proposal.title, outcome, conditions, amount

    lists = [
        (
            lst.name,
            LIST_TITLES[lst.name],
            [item(d, a) for d, a in lst.items if not d.proposal.already_decided],
            [item(d, a) for d, a in lst.items if d.proposal.already_decided],
            lst.total,
        )
        for lst in b.initiative_lists(data, supplier, decided)
    ]
    query = f"supplier={supplier}&stage={stage}"
    return render(
        request,
        "web/scenarios/bridge.html",
        {
            "view": view,
            "supplier": supplier,
            "supplier_name": reports.organisation_name(data, supplier),
            "stage": stage,
            "stages": [(s.code, s.name) for s in view.stages],
            "decided": decided,
            "proposed": proposed,
            "reviewed": any(r.stage == stage for r in data.reviews),
            "bridge": html_table(_headed(bridge_table)),
            "lists": lists,
            "frames": html_table(reports.frames_table(data, decided)),
            "index": reports.index_percent(data),
            "chart": charts.bridge_waterfall(
                [(_short_labels(data).get(key, label), change, level) for key, label, change, level in steps.rows],
                title=steps.title,
            ),
            "chart_table": html_table(steps),
            "export": reverse("bridge_export", kwargs={"cycle": cycle}) + "?" + query,
        },
    )


def _short_labels(data: CycleData) -> dict[str, str]:
    """Short names of the bridge's steps for the chart's axis (its table has the deck's full names)."""
    base, target = data.cycle.base_year, data.cycle.target_year
    return {
        "management_budget_base": gettext("Budget %(year)s") % {"year": base},
        "development_within_service": gettext("Development within the service"),
        "supplier_contracts": gettext("Supplier contracts"),
        "settlement": gettext("Settlement %(year)s") % {"year": base},
        "efficiency": gettext("Efficiency"),
        "existing_delivery": gettext("Existing delivery"),
        "new_services": gettext("New services"),
        "volume": gettext("Volumes"),
        "initiative_management": gettext("Management from initiatives"),
        "management_cost": gettext("Management %(year)s") % {"year": target},
        "change_initiatives": gettext("Change initiatives %(year)s") % {"year": target},
        "total": gettext("Total"),
    }


def _export_table(data: CycleData, name: str, supplier: str, proposed: Resolution, decided: Resolution) -> Table:
    if name == "bridge":
        return reports.bridge_table(data, supplier, [proposed, decided])
    if name == "initiatives":
        return reports.initiatives_table(data, supplier, decided)
    return reports.frames_table(data, decided)


def bridge_export(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    name = request.GET.get("table", "bridge")
    fmt = request.GET.get("format", "csv")
    if name not in EXPORT_TABLES or fmt not in EXPORT_FORMATS:
        raise Http404(f"{name}.{fmt}")
    supplier, stage, proposed, decided = _bridge_choice(request, view)
    table = _export_table(view.data, name, supplier, proposed, decided)
    filename = f"{cycle}-{name}-{stage}" + ("" if name == "frames" else f"-{supplier}") + f".{fmt}"
    if fmt == "csv":
        response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(as_xlsx(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
