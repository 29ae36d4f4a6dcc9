"""The annual analysis: the list of proposals and the page of one proposal, with the lookups the
proposal views share (proposal_edit, proposal_review, history).

Views stay thin: permission via fordela.accounts.permissions (refusals through `deny`, audited),
a Django form, then a service of fordela.cycle.proposals / fordela.cycle.reviews, which
re-check permission, validate with the package rules and record history.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy

from fordela.accounts.models import Role
from fordela.accounts.permissions import (
    can_change_proposal,
    can_edit_supplier,
    can_make_document,
    can_review,
    can_see_proposal,
    deny,
    organisation_of,
    role_of,
)
from fordela.cycle.filed import Filed, proposal_filed
from fordela.cycle.models import Proposal, Review, ReviewAmount, ReviewCondition, ReviewStage
from fordela.engine import model as m
from fordela.engine.amounts import amount_in_year
from fordela.engine.scenario import deciding_review
from fordela.history.describe import CONDITION_LABELS
from fordela.history.models import ChangeRecord
from fordela.history.services import history_for
from fordela.web.forms.analysis import CATEGORY_LABELS, FINANCING_LABELS, KIND_LABELS, OUTCOME_LABELS
from fordela.web.views.common import CycleView, cycle_view

CONSULTATION_INSTALLED = find_spec("fordela.web.templatetags.consultation") is not None
STATUS_LABELS = {"draft": gettext_lazy("Draft"), "submitted": gettext_lazy("Submitted")}


# -- lookups ---------------------------------------------------------------------------------


def _proposal(request: HttpRequest, view: CycleView, code: str) -> Proposal:
    """The proposal of the URL; another supplier's draft is a 404 (audited), like a missing one."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("supplier", "service", "key", "proposed_key", "cycle"),
        cycle=view.cycle,
        code=code,
    )
    if not can_see_proposal(request.user, proposal.supplier.code, draft=proposal.status == "draft"):
        deny(request, f"proposal {code}", hide=True)
    return proposal


def _require_change(request: HttpRequest, proposal: Proposal, what: str) -> None:
    reviewed = proposal.reviews.exists()
    if not can_change_proposal(request.user, proposal.supplier.code, reviewed=reviewed):
        deny(request, f"{what} proposal {proposal.code}")


def _form_choices(view: CycleView, supplier: str | None) -> dict[str, Any]:
    data = view.data
    services = [
        (s.code, s.name if supplier else f"{s.name} ({view.organisation_name(s.supplier)})")
        for s in sorted(data.services, key=lambda s: s.name)
        if supplier is None or s.supplier == supplier
    ]
    years = range(data.cycle.base_year, data.cycle.years.stop)
    return {"services": services, "keys": [(k.code, k.name) for k in data.keys], "years": years}


def _editable_suppliers(request: HttpRequest, view: CycleView) -> list[tuple[str, str]]:
    return [(code, name) for code, name in view.suppliers() if can_edit_supplier(request.user, code)]


def _labels(filed: Filed) -> dict[str, Any]:
    p = filed.proposal
    return {
        "kind": KIND_LABELS[p.kind],
        "financing": FINANCING_LABELS[p.financing],
        "proposed_category": CATEGORY_LABELS.get(p.proposed_category) if p.proposed_category else "",
    }


def _amount_table(amounts: tuple[tuple[int, m.AmountType, int], ...]) -> list[tuple[int, int | None, int | None]]:
    """(year, development, management) per year that has an amount, as entered."""
    by_year: dict[int, dict[m.AmountType, int]] = {}
    for year, amount_type, amount in amounts:
        by_year.setdefault(year, {})[amount_type] = amount
    return [
        (year, cells.get(m.AmountType.DEVELOPMENT), cells.get(m.AmountType.MANAGEMENT))
        for year, cells in sorted(by_year.items())
    ]


# -- list ------------------------------------------------------------------------------------


def proposals(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    target = view.data.cycle.target_year
    supplier = request.GET.get("supplier", "")
    kind = request.GET.get("kind", "")
    show = request.GET.get("show", "")
    query = (
        Proposal.objects.filter(cycle=view.cycle)
        .select_related("supplier", "service")
        .prefetch_related("amounts", Prefetch("reviews", queryset=Review.objects.select_related("stage")))
    )
    if supplier:
        query = query.filter(supplier__code=supplier)
    if kind:
        query = query.filter(kind=kind)
    query = query.filter(deleted_at__isnull=show != "deleted")
    if show == "drafts":
        query = query.filter(status="draft")
    # Everyone sees submitted proposals; drafts only for the suppliers one edits.
    own = [code for code, _name in _editable_suppliers(request, view)]
    query = query.filter(Q(status="submitted") | Q(supplier__code__in=own)).order_by("supplier__code", "kind", "code")
    rows = []
    for p in query:
        amounts = tuple((a.year, m.AmountType(a.type), a.amount) for a in p.amounts.all())
        latest = deciding_review(p.reviews.all(), lambda r: r.stage.position)
        rows.append(
            {
                "proposal": p,
                "supplier_name": view.organisation_name(p.supplier.code),
                "kind_label": KIND_LABELS.get(m.ProposalKind(p.kind), p.kind),
                "status_label": STATUS_LABELS.get(p.status, p.status),
                "development": amount_in_year(amounts, target, m.AmountType.DEVELOPMENT),
                "management": amount_in_year(amounts, target, m.AmountType.MANAGEMENT),
                "decision": (OUTCOME_LABELS[m.ReviewOutcome(latest.outcome)], latest.stage.name) if latest else None,
            }
        )
    context = {
        "view": view,
        "rows": rows,
        "supplier": supplier,
        "kind": kind,
        "show": show,
        "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
        "can_create": bool(own),
        "target_year": target,
        # The annual analysis document of the chosen (or the user's own) supplier.
        "document_supplier": supplier or (own[0] if own else ""),
        "can_document": can_make_document(request.user, "annual_analysis"),
    }
    template = "web/analysis/proposals.html#list" if request.htmx else "web/analysis/proposals.html"
    return render(request, template, context)


# -- one proposal ----------------------------------------------------------------------------


def _refusing(review: Review) -> bool:
    return review.outcome in (m.ReviewOutcome.REJECT.value, m.ReviewOutcome.DEFER.value)


def _stage_reviews(proposal: Proposal) -> list[dict[str, Any]]:
    """Each stage with its review of the proposal, in order; the latest reviewed stage decides."""
    stages = list(ReviewStage.objects.filter(cycle=proposal.cycle_id).order_by("position"))
    reviews = {r.stage_id: r for r in Review.objects.filter(proposal=proposal)}
    amounts: dict[int, list[tuple[int, m.AmountType, int]]] = {}
    for a in ReviewAmount.objects.filter(proposal=proposal).order_by("year", "type"):
        amounts.setdefault(a.stage_id, []).append((a.year, m.AmountType(a.type), a.amount))
    conditions: dict[int, list[tuple[str, str]]] = {}
    for c in ReviewCondition.objects.filter(proposal=proposal).order_by("kind"):
        conditions.setdefault(c.stage_id, []).append((CONDITION_LABELS[m.ConditionKind(c.kind)], c.text))
    positions = {s.pk: s.position for s in stages}
    decided_by = deciding_review(reviews.values(), lambda r: positions[r.stage_id])
    return [
        {
            "stage": s,
            "review": reviews.get(s.pk),
            "outcome_label": OUTCOME_LABELS[m.ReviewOutcome(reviews[s.pk].outcome)] if s.pk in reviews else "",
            "amounts": _amount_table(tuple(amounts.get(s.pk, ()))),
            "as_proposed": s.pk in reviews and s.pk not in amounts and not _refusing(reviews[s.pk]),
            "approves_nothing": s.pk in reviews and _refusing(reviews[s.pk]),
            "conditions": conditions.get(s.pk, []),
            "decides": decided_by is not None and s.pk == decided_by.stage_id,
        }
        for s in stages
    ]


def _changes(cycle: str, proposal: Proposal, stages: list[dict[str, Any]]) -> list[ChangeRecord]:
    records = history_for(cycle=cycle, table="proposals", object=proposal.code)
    for s in stages:
        records += history_for(cycle=cycle, table="reviews", object=f"{proposal.code}/{s['stage'].code}")
    return sorted(records, key=lambda r: (r.at, r.pk), reverse=True)


def proposal(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _proposal(request, view, proposal)
    filed = proposal_filed(found)
    stages = _stage_reviews(found)
    reviewed = any(s["review"] for s in stages)
    live = found.status == "submitted" and found.deleted_at is None
    return render(
        request,
        "web/analysis/proposal.html",
        {
            "view": view,
            "proposal": found,
            "filed": filed.proposal,
            "labels": _labels(filed),
            "status_label": STATUS_LABELS.get(found.status, found.status),
            "supplier_name": view.organisation_name(found.supplier.code),
            "amounts": _amount_table(filed.rows()),
            "development_total": sum(a for _y, t, a in filed.rows() if t is m.AmountType.DEVELOPMENT),
            "stages": stages,
            "reviewed": reviewed,
            "can_change": can_change_proposal(request.user, found.supplier.code, reviewed=reviewed),
            "is_supplier_editor": role_of(request.user) is Role.SUPPLIER_EDITOR
            and organisation_of(request.user) == found.supplier.code,
            "can_review": can_review(request.user) and live,
            "changes": _changes(cycle, found, stages),
            "consultation_enabled": CONSULTATION_INSTALLED and live,
        },
    )
