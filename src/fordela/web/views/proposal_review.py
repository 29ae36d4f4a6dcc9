"""Reviewing a proposal at one stage, with the conflict view when the review or the proposal
changed since the reviewer opened it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fordela.accounts.permissions import can_review, deny
from fordela.cycle.filed import proposal_filed
from fordela.cycle.models import Proposal, Review, ReviewAmount, ReviewCondition, ReviewStage
from fordela.cycle.reviews import ProposalChanged, ReviewConflict, review_record
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.web.forms.analysis import ReviewForm, review_initial
from fordela.web.snapshots import proposal_from_snapshot, proposal_snapshot
from fordela.web.views.analysis import _amount_table, _proposal, _stage_reviews
from fordela.web.views.common import cycle_view
from fordela.web.views.proposal_edit import _conflict_rows

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
