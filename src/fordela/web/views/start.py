"""The start page of a cycle: where it stands, each supplier's totals, frames, change since the base year."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from fordela.accounts.permissions import can_create_cycle, can_review
from fordela.engine import bridge as b
from fordela.reports import cycle as reports
from fordela.web import charts
from fordela.web.pagecache import shared_page
from fordela.web.tables import html_table
from fordela.web.views.common import chosen_scenario, cycle_view, shown_scenario
from fordela.web.views.cycles import next_code


@shared_page(shown_scenario)
def start(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    data = view.data
    resolution = chosen_scenario(request, view)
    bridges = [(code, name, b.bridge(data, code, resolution)) for code, name in view.suppliers()]
    frames = reports.frames_table(data, resolution)
    stage = next((s.name for s in data.review_stages if s.code == data.cycle.current_stage), "")
    chart_rows = []
    for _, name, x in bridges:
        chart_rows.append((name, str(data.cycle.base_year), x.total_base))
        chart_rows.append((name, str(data.cycle.target_year), x.total))
    return render(
        request,
        "web/start.html",
        {
            "view": view,
            "resolution": resolution,
            "can_decide": can_review(request.user),
            "next_code": next_code(view.code, data.cycle.target_year) if can_create_cycle(request.user) else None,
            "stage": stage,
            "bridges": bridges,
            "frames": html_table(frames),
            "summary": html_table(reports.supplier_totals_table(data, resolution)),
            "chart": charts.bar_chart(
                chart_rows,
                title=gettext("Total per supplier %(base)s–%(target)s")
                % {"base": data.cycle.base_year, "target": data.cycle.target_year},
                x_title=gettext("Supplier"),
                color_title=gettext("Year"),
                horizontal=True,
            ),
        },
    )
