"""The written annual analysis of one supplier: every section, readable by everyone with a role,
written by the supplier's editors (their sections) and coordinators (the coordination group's)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from fordela.accounts.permissions import deny, role_of
from fordela.cycle.analysis import TextConflict, TextInvalid, analysis_text_save, analysis_texts_of, can_write_section
from fordela.engine import model as m
from fordela.reports.texts import SECTION_TITLES, blocks
from fordela.web.views.common import CycleView, cycle_view

S = m.AnalysisSection


def _slots(view: CycleView, supplier: str) -> list[tuple[S, str | None, str | None, str]]:
    """(section, service, proposal, heading) of every section the supplier's analysis can have."""
    data = view.data
    slots: list[tuple[S, str | None, str | None, str]] = []
    for section in S:
        if section.per_service:
            slots += [(section, s.code, None, s.name) for s in data.services if s.supplier == supplier]
        elif section.per_proposal:
            slots += [(section, None, p.code, p.title) for p in data.proposals if p.supplier == supplier]
        else:
            slots.append((section, None, None, SECTION_TITLES[section]))
    return slots


def analysis_text(request: HttpRequest, cycle: str, supplier: str) -> HttpResponse:
    view = cycle_view(cycle)
    if role_of(request.user) is None:
        deny(request, f"analysis text {cycle} {supplier}")
    if supplier not in dict(view.suppliers()):
        raise Http404(supplier)
    kept: dict[tuple[str, str, str], str] = {}
    status = 200
    if request.method == "POST":
        try:
            section = S(request.POST.get("section", ""))
            version = request.POST.get("version") or None
            analysis_text_save(
                cycle=view.cycle,
                by=request.user,
                supplier=supplier,
                section=section,
                text=request.POST.get("text", ""),
                expected_version=int(version) if version else None,
                service=request.POST.get("service") or None,
                proposal=request.POST.get("proposal") or None,
            )
        except (ValueError, TextInvalid) as error:
            messages.error(request, gettext("The text was not saved: %(error)s") % {"error": error})
            status = 400
        except PermissionDenied:
            deny(request, f"write analysis text {cycle} {supplier}")
        except TextConflict:
            slot = (request.POST.get("section", ""), request.POST.get("service", ""), request.POST.get("proposal", ""))
            kept[slot] = request.POST.get("text", "")
            messages.error(
                request,
                gettext("Someone else saved this section meanwhile. Their text is shown; yours is kept in the box."),
            )
            status = 409
        else:
            messages.success(request, gettext("The text is saved."))
            anchor = "-".join(
                x for x in (section.value, request.POST.get("service"), request.POST.get("proposal")) if x
            )
            return redirect(f"{request.path}#{anchor}")
    stored = {
        (t.section, t.service.code if t.service else "", t.proposal.code if t.proposal else ""): t
        for t in analysis_texts_of(cycle=view.cycle, supplier=supplier)
    }
    sections: list[dict[str, Any]] = []
    for section, service, proposal, heading in _slots(view, supplier):
        key = (section.value, service or "", proposal or "")
        row = stored.get(key)
        writable = can_write_section(request.user, supplier, section)
        if row is None and not writable:
            continue
        sections.append(
            {
                "section": section,
                "service": service or "",
                "proposal": proposal or "",
                "anchor": "-".join(x for x in (section.value, service, proposal) if x),
                "heading": heading,
                "group": SECTION_TITLES[section] if (service or proposal) else "",
                "by_group": section.by_coordination_group,
                "row": row,
                "blocks": blocks(row.text) if row else [],
                "writable": writable,
                "draft": kept.get(key, row.text if row else ""),
            }
        )
    return render(
        request,
        "web/analysis/texts.html",
        {"view": view, "supplier": supplier, "supplier_name": view.organisation_name(supplier), "sections": sections},
        status=status,
    )
