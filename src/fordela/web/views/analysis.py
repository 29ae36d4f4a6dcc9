"""The annual analysis: proposals (list, page, file, edit, submit, delete, restore), their review
per stage, and the cycle's change history.

Views stay thin: permission via fordela.accounts.permissions (refusals through `deny`, audited),
a Django form, then a service of fordela.cycle.proposals / fordela.cycle.reviews, which
re-check permission, validate with the package rules and record history.
"""

from __future__ import annotations

import secrets
from importlib.util import find_spec
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
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
from fordela.cycle import proposals as services
from fordela.cycle.models import Proposal, Review, ReviewAmount, ReviewCondition, ReviewStage
from fordela.cycle.proposals import ConflictError, CycleInvalid, Filed, proposal_filed
from fordela.cycle.reviews import ProposalChanged, ReviewConflict, review_record
from fordela.cycle.services import AlreadyCreated
from fordela.engine import model as m
from fordela.engine.amounts import amount_in_year
from fordela.engine.scenario import deciding_review
from fordela.history.models import ChangeRecord
from fordela.history.services import history_for
from fordela.web.forms.analysis import (
    AMOUNT_TYPE_LABELS,
    CATEGORY_LABELS,
    CONDITION_LABELS,
    FINANCING_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    ProposalForm,
    ReviewForm,
    friendly,
    money_initial,
    proposal_initial,
    review_initial,
)
from fordela.web.snapshots import proposal_from_snapshot, proposal_snapshot
from fordela.web.views.common import CycleView, cycle_view, query_text

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


# -- file and edit ---------------------------------------------------------------------------


def proposal_new(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    suppliers = _editable_suppliers(request, view)
    if not suppliers:
        deny(request, "file a proposal")
    source = request.POST if request.method == "POST" else request.GET
    supplier = source.get("supplier") or suppliers[0][0]
    if not can_edit_supplier(request.user, supplier):
        deny(request, f"file a proposal for {supplier}")
    only_own = len(suppliers) == 1
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        initial={"supplier": supplier, "financing": m.Financing.SOLIDARITY.value, "token": secrets.token_urlsafe(24)},
        suppliers=suppliers,
        **_form_choices(view, supplier if only_own else None),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values(code=form.cleaned_data["code"].strip(), supplier=supplier)
        try:
            created = services.proposal_create(
                cycle=view.cycle,
                values=values,
                amounts=form.amount_rows(),
                by=request.user,
                token=form.cleaned_data["token"] or None,
            )
        except AlreadyCreated as done:
            # The same form sent twice (a double click): the first submit created it; show that.
            messages.success(request, _("The proposal is saved as a draft. Submit it for review when it is ready."))
            return redirect("proposal", cycle=cycle, proposal=done.code)
        except CycleInvalid as invalid:
            form.add_problems(invalid.errors)
        else:
            messages.success(request, _("The proposal is saved as a draft. Submit it for review when it is ready."))
            return redirect("proposal", cycle=cycle, proposal=created.code)
    return render(
        request,
        "web/analysis/proposal_form.html",
        {
            "view": view,
            "form": form,
            "editing": None,
            "only_own": only_own,
            "supplier_name": view.organisation_name(supplier),
        },
    )


def _conflict_rows(current: Filed, mine: m.Proposal | None, mine_amounts: list[Any]) -> list[tuple[str, str, str]]:
    """(field, their saved value, your value) where they differ: what the other person saved."""
    rows = []
    theirs = current.proposal
    labels = {
        "kind": _("Kind of proposal"),
        "title": _("Title"),
        "financing": _("Financing"),
        "service": _("Service"),
        "key": _("Distribution key of the initiative"),
        "proposed_category": _("Proposed category"),
        "proposed_key": _("Proposed distribution key"),
        "future_management_cost": _("Future management cost"),
        "future_management_from_year": _("Future management cost from year"),
        "already_decided": _("Already decided in an earlier cycle"),
        "description": _("Description"),
    }

    def text(name: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if name == "future_management_cost":
            return money_initial(value)
        if name == "already_decided":
            return _("yes") if value else _("no")
        return str(getattr(value, "value", value))

    for name, label in labels.items():
        their_value = getattr(theirs, name)
        my_value = getattr(mine, name) if mine else None
        if mine is None or their_value != my_value:
            rows.append((str(label), text(name, their_value), text(name, my_value) if mine else "–"))
    their_amounts = {(y, t): a for y, t, a in current.rows()}
    my_amounts = {(y, m.AmountType(t)): a for y, t, a in mine_amounts}
    for year, amount_type in sorted(their_amounts.keys() | my_amounts.keys(), key=lambda k: (k[0], k[1].value)):
        a, b = their_amounts.get((year, amount_type)), my_amounts.get((year, amount_type))
        if a != b:
            rows.append((f"{AMOUNT_TYPE_LABELS[amount_type]} {year}", money_initial(a) or "–", money_initial(b) or "–"))
    return rows


def proposal_edit(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _proposal(request, view, proposal)
    _require_change(request, found, "edit")
    filed = proposal_filed(found)
    supplier = found.supplier.code
    choices = _form_choices(view, supplier)
    conflict = None
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST, suppliers=[], editing=True, **choices)
        if form.is_valid():
            values = form.values(code=found.code, supplier=supplier)
            try:
                services.proposal_update(
                    proposal=found,
                    values=values,
                    amounts=form.amount_rows(),
                    expected_version=form.cleaned_data["version"] or 0,
                    by=request.user,
                )
            except ConflictError as error:
                # Keep what the user typed, show what the other person saved, and let a second save
                # (now against their version) be a conscious decision to replace it.
                current = proposal_filed(error.current)
                data = request.POST.copy()
                data["version"] = str(error.current.version)
                form = ProposalForm(data, suppliers=[], editing=True, **choices)
                form.is_valid()
                last = ChangeRecord.objects.filter(cycle=cycle, table="proposals", object=found.code).first()
                conflict = {
                    "rows": _conflict_rows(current, values, form.amount_rows()),
                    "current": error.current,
                    "saved_by": (last.user.get_full_name() or last.user.get_username()) if last and last.user else "",
                    "saved_at": last.at if last else None,
                }
                status = 409
            except CycleInvalid as invalid:
                form.add_problems(invalid.errors)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("proposal", cycle=cycle, proposal=found.code)
    else:
        form = ProposalForm(
            initial=proposal_initial(filed.proposal, found.version),
            suppliers=[],
            editing=True,
            amounts=filed.rows(),
            **choices,
        )
    return render(
        request,
        "web/analysis/proposal_form.html",
        {
            "view": view,
            "form": form,
            "editing": found,
            "conflict": conflict,
            "supplier_name": view.organisation_name(supplier),
        },
        status=status,
    )


# -- submit, delete, restore -----------------------------------------------------------------

ACTIONS = {
    "submit": (
        services.proposal_submit,
        gettext_lazy("Submit the proposal for review"),
        gettext_lazy(
            "Once submitted, the proposal is part of the annual analysis: the coordinators review it and it "
            "counts in the scenarios."
        ),
        gettext_lazy("The proposal is submitted for review."),
    ),
    "delete": (
        services.proposal_delete,
        gettext_lazy("Delete the proposal"),
        gettext_lazy(
            "A deleted proposal leaves the annual analysis, with its reviews. It can be found under "
            "“Deleted” and restored."
        ),
        gettext_lazy("The proposal is deleted. It can be restored."),
    ),
    "restore": (
        services.proposal_restore,
        gettext_lazy("Restore the proposal"),
        gettext_lazy("The proposal comes back as it was, with its reviews."),
        gettext_lazy("The proposal is restored."),
    ),
}


def _state_change(request: HttpRequest, cycle: str, code: str, action: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _proposal(request, view, code)
    _require_change(request, found, action)
    service, title, explanation, done = ACTIONS[action]
    errors: list[str] = []
    if request.method == "POST":
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        try:
            service(proposal=found, expected_version=expected, by=request.user)
        except ConflictError:
            messages.error(
                request, _("Someone else changed the proposal after you opened it. Look at it again before you go on.")
            )
            return redirect("proposal", cycle=cycle, proposal=found.code)
        except CycleInvalid as invalid:
            errors = [friendly(msg) for messages_ in invalid.errors.values() for msg in messages_]
        else:
            messages.success(request, done)
            return redirect("proposal", cycle=cycle, proposal=found.code)
    return render(
        request,
        "web/analysis/confirm.html",
        {
            "view": view,
            "proposal": found,
            "action": action,
            "title": title,
            "explanation": explanation,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def proposal_submit(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    return _state_change(request, cycle, proposal, "submit")


def proposal_delete(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    return _state_change(request, cycle, proposal, "delete")


def proposal_restore(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    return _state_change(request, cycle, proposal, "restore")


# -- review ----------------------------------------------------------------------------------


def proposal_review(request: HttpRequest, cycle: str, proposal: str, stage: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _proposal(request, view, proposal)
    if not can_review(request.user):
        deny(request, f"review proposal {found.code}")
    if found.status != "submitted" or found.deleted_at is not None:
        deny(request, f"review proposal {found.code}: not submitted or deleted")
    the_stage = get_object_or_404(ReviewStage, cycle=view.cycle, code=stage)
    existing = Review.objects.filter(proposal=found, stage=the_stage).first()
    approved = [
        (a.year, m.AmountType(a.type), a.amount) for a in ReviewAmount.objects.filter(proposal=found, stage=the_stage)
    ]
    conditions = {c.kind: c.text for c in ReviewCondition.objects.filter(proposal=found, stage=the_stage)}
    filed = proposal_filed(found)
    years = range(view.data.cycle.base_year, view.data.cycle.years.stop)
    proposed_years = {y for y, _t, _a in filed.rows()}
    conflict: dict[str, Any] | None = None
    seen = {
        "version": existing.version if existing else 0,
        "proposal_version": found.version,
        "proposal_seen": proposal_snapshot(filed),
    }
    if request.method == "POST":
        form = ReviewForm(request.POST, years=sorted(set(years) | proposed_years))
        if form.is_valid():
            try:
                review_record(
                    proposal=found,
                    stage=the_stage,
                    outcome=m.ReviewOutcome(form.cleaned_data["outcome"]),
                    approved_amounts=form.approved_amounts(),
                    conditions=form.conditions(),
                    future_management_approved=form.cleaned_data["future_management_approved"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    proposal_version=form.cleaned_data["proposal_version"] or 0,
                )
            except (ReviewConflict, ProposalChanged) as error:
                conflict = _review_conflict(cycle, found, the_stage, form, error)
                # Keep the input; a second save, now against what is saved, is a conscious decision.
                data = request.POST.copy()
                data.update({name: str(value) for name, value in _review_seen(found, the_stage).items()})
                form = ReviewForm(data, years=sorted(set(years) | proposed_years))
                form.is_valid()
            except CycleInvalid as invalid:
                form.add_review_problems(invalid.errors)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect("proposal", cycle=cycle, proposal=found.code)
    else:
        form = ReviewForm(
            initial={**review_initial(existing, approved, conditions), **seen},
            years=sorted(set(years) | proposed_years),
            amounts=approved,
        )
    filed = proposal_filed(found)  # as it is now, also after a refused save
    return render(
        request,
        "web/analysis/review_form.html",
        {
            "view": view,
            "proposal": found,
            "stage": the_stage,
            "form": form,
            "existing": existing,
            "proposed": _amount_table(filed.rows()),
            "filed": filed.proposal,
            "other_stages": [s for s in _stage_reviews(found) if s["review"] and s["stage"].pk != the_stage.pk],
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _review_seen(proposal: Proposal, stage: ReviewStage) -> dict[str, Any]:
    """The hidden "what you saw" fields of the review form, as the proposal and stage are now."""
    proposal.refresh_from_db()
    review = Review.objects.filter(proposal=proposal, stage=stage).first()
    return {
        "version": review.version if review else 0,
        "proposal_version": proposal.version,
        "proposal_seen": proposal_snapshot(proposal_filed(proposal)),
    }


def _review_conflict(
    cycle: str, proposal: Proposal, stage: ReviewStage, form: ReviewForm, error: Exception
) -> dict[str, Any]:
    """What to show a reviewer whose save was refused: the stage's review someone else recorded,
    or how the proposal changed since the reviewer opened it."""
    if isinstance(error, ReviewConflict):
        table, obj = "reviews", f"{proposal.code}/{stage.code}"
        current = next((s for s in _stage_reviews(proposal) if s["stage"].pk == stage.pk), None)
        rows: list[tuple[str, str, str]] = []
    else:
        table, obj = "proposals", proposal.code
        current = None
        seen = proposal_from_snapshot(form.cleaned_data.get("proposal_seen", ""))
        now = proposal_filed(proposal)
        # (field, now, when you opened it): with no readable snapshot, everything as it is now.
        rows = _conflict_rows(now, seen[0] if seen else None, seen[1] if seen else [])
    last = ChangeRecord.objects.filter(cycle=cycle, table=table, object=obj).select_related("user").first()
    return {
        "kind": "review" if isinstance(error, ReviewConflict) else "proposal",
        "stage_review": current,
        "rows": rows,
        "saved_by": (last.user.get_full_name() or last.user.get_username()) if last and last.user else "",
        "saved_at": last.at if last else None,
    }


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
    rows = []
    for record in page:
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
