"""The cycle's change history, filterable by table and object; other suppliers' drafts stay hidden."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fordela.cycle.models import Proposal
from fordela.engine.model import CycleData
from fordela.history.models import ChangeRecord
from fordela.web.views.analysis import _editable_suppliers
from fordela.web.views.common import cycle_view, query_text

# -- history ---------------------------------------------------------------------------------

HISTORY_TABLES = (
    "proposals",
    "reviews",
    "services",
    "service_years",
    "scenarios",
    "scenario_proposals",
    "keys",
    "participation",
    "organisations",
)


def object_names(data: CycleData) -> dict[str, dict[str, str]]:
    """Code → name per table, for the objects a history row names."""
    return {
        "proposals": {p.code: p.title for p in data.proposals},
        "services": {s.code: s.name for s in data.services},
        "scenarios": {s.code: s.name for s in data.scenarios},
        "organisations": {o.code: o.name for o in data.organisations},
        "keys": {k.code: k.name for k in data.keys},
        "drivers": {d.code: d.name for d in data.drivers},
        "review_stages": {s.code: s.name for s in data.review_stages},
    }


# The tables whose object is "<code of a row of another table>/<more>", and that table.
_COMPOSITE = {
    "service_years": "services",
    "participation": "services",
    "subscriptions": "services",
    "reviews": "proposals",
    "driver_values": "drivers",
    "key_shares": "keys",
}


def object_name(names: dict[str, dict[str, str]], table: str, obj: str) -> str:
    """The object of a history row by name where the cycle knows it (its code otherwise):
    ``intra-chatbot/beredning`` → ``HR-chatbot / Beredning``."""
    head, _sep, rest = obj.partition("/")
    parent = _COMPOSITE.get(table, table)
    first = names.get(parent, {}).get(head, head)
    if not rest:
        return first
    parts = [names["review_stages"].get(p, names["organisations"].get(p, p)) for p in rest.split("/")]
    return " / ".join([first, *parts])


def history(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    table = request.GET.get("table", "")
    obj = query_text(request, "object")
    records = ChangeRecord.objects.filter(cycle=view.code).select_related("user")
    if table:
        records = records.filter(table=table)
    if obj:
        records = records.filter(object__icontains=obj)
    # Other suppliers' drafts stay out of sight here too.
    own = [code for code, _name in _editable_suppliers(request, view)]
    hidden = list(
        Proposal.objects.filter(cycle=view.cycle, status="draft")
        .exclude(supplier__code__in=own)
        .values_list("code", flat=True)
    )
    if hidden:
        records = records.exclude(table="proposals", object__in=hidden)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    tables = sorted(
        set(HISTORY_TABLES)
        | set(ChangeRecord.objects.filter(cycle=view.code).values_list("table", flat=True).distinct())
    )
    names = object_names(view.data)
    rows = []
    for record in page:
        record.object_name = object_name(names, record.table, record.object)
        record.names = names["proposals"]
        link = None
        if record.table == "proposals" and record.object not in hidden:
            link = ("proposal", record.object)
        elif record.table == "reviews":
            link = ("proposal", record.object.split("/")[0])
        elif record.table in ("services", "service_years"):
            link = ("service", record.object.split("/")[0])
        rows.append((record, link))
    keep = urlencode([(k, v) for k, v in (("table", table), ("object", obj)) if v])
    return render(
        request,
        "web/analysis/history.html",
        {
            "view": view,
            "rows": rows,
            "page": page,
            "table": table,
            "object": obj,
            "tables": tables,
            "keep": keep,
        },
    )
