"""Writes of the review: what one stage decides about one proposal.

A stage records an outcome, the years and amounts it approves (none listed = everything as
proposed), conditions and a comment. A later stage overrules an earlier one
(`fordela.engine.scenario.resolve_stage`); each stage's record is kept, so both can be shown.
Validation is the package's (`validate_cycle_data`): e.g. a rejecting or deferring outcome
approves no amounts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F

from fordela.accounts.notifications import notify_proposal_reviewed
from fordela.accounts.permissions import can_review
from fordela.cycle.filed import AmountRow, amount_field
from fordela.cycle.models import Proposal, Review, ReviewAmount, ReviewCondition, ReviewStage
from fordela.cycle.proposals import blank_none, money_text
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_lock, cycle_touch
from fordela.cycle.validation import NON_FIELD, CycleInvalid, problems_as_errors
from fordela.engine import model as m
from fordela.history.services import history_record
from fordela.package.errors import Problem
from fordela.reports.cycle import outcome_label

REVIEW_FIELDS = ("outcome", "future_management_approved", "comment")


def condition_field(kind: m.ConditionKind | str) -> str:
    """The form field of one condition's text: ``condition_prerequisite``."""
    return f"condition_{m.ConditionKind(kind).value}"


def _field_of(code: str, stage: str) -> Any:
    def field_of(problem: Problem, row: Any) -> str | None:
        if row is None or getattr(row, "proposal", None) != code or getattr(row, "stage", None) != stage:
            return None
        if problem.table == "reviews":
            return problem.column if problem.column in REVIEW_FIELDS else NON_FIELD
        if problem.table == "review_amounts":
            # "approves no amounts" concerns the amounts as a whole; a bad year concerns its cell
            return amount_field(row.year, row.type) if problem.column in ("year", "amount") else "approved_amounts"
        if problem.table == "review_conditions":
            return condition_field(row.kind)
        return None

    return field_of


class ReviewConflict(Exception):
    """Someone else recorded this stage's review after the reviewer opened the form.
    `current` is what they saved (None: they removed it)."""

    def __init__(self, current: Review | None) -> None:
        self.current = current
        super().__init__("the review was recorded by someone else in the meantime")


class ProposalChanged(Exception):
    """The proposal changed after the reviewer opened the form: the review would decide on
    something the reviewer has not seen. `current` is the proposal as it is now."""

    def __init__(self, current: Proposal) -> None:
        self.current = current
        super().__init__(f"proposal {current.code} is now version {current.version}")


def _recorded(proposal: Proposal, stage: ReviewStage) -> dict[str, Any]:
    """What the stage has recorded so far, as history text."""
    review = Review.objects.filter(proposal=proposal, stage=stage).first()
    recorded: dict[str, Any] = {name: blank_none(getattr(review, name)) if review else None for name in REVIEW_FIELDS}
    for a in ReviewAmount.objects.filter(proposal=proposal, stage=stage):
        recorded[f"approved {a.year} {a.type}"] = money_text(a.amount)
    for c in ReviewCondition.objects.filter(proposal=proposal, stage=stage):
        recorded[f"condition {c.kind}"] = c.text or "✓"
    return recorded


@transaction.atomic
def review_record(
    *,
    proposal: Proposal,
    stage: ReviewStage,
    outcome: m.ReviewOutcome,
    approved_amounts: Sequence[AmountRow] | None,
    conditions: Mapping[m.ConditionKind, str],
    future_management_approved: bool,
    comment: str,
    by: Any,
    expected_version: int | None = None,
    proposal_version: int | None = None,
) -> Review:
    """Record (or replace) `stage`'s review of `proposal`.

    `approved_amounts`: (year, type, öre) rows the stage approves; None approves the amounts as
    proposed. `conditions`: condition kind → its text. Raises PermissionDenied for anyone but a
    coordinator or admin, CycleInvalid when the package rules refuse it; nothing is written then.

    Optimistic locking, as for proposals: `expected_version` is the version of the stage's review
    the reviewer saw (0: there was none), `proposal_version` the proposal version they decided
    on. ReviewConflict when the stage's review has moved on, ProposalChanged when the proposal has
    (so "as proposed" always approves what the reviewer saw). None skips a check (scripts).
    """
    if not can_review(by):
        raise PermissionDenied("only coordinators review proposals")
    cycle_lock(cycle=proposal.cycle)
    proposal.refresh_from_db()
    if proposal_version is not None and proposal.version != proposal_version:
        raise ProposalChanged(proposal)
    existing = Review.objects.filter(proposal=proposal, stage=stage).first()
    if expected_version is not None and (existing.version if existing else 0) != expected_version:
        raise ReviewConflict(existing)
    if proposal.status != "submitted" or proposal.deleted_at is not None:
        raise CycleInvalid({NON_FIELD: ["only a submitted proposal that is not deleted can be reviewed"]})
    cycle = proposal.cycle
    code, stage_code = proposal.code, stage.code
    data = cycle_data(cycle.code)
    review = m.Review(code, stage_code, outcome, future_management_approved, comment)
    amounts = tuple(m.ReviewAmount(code, stage_code, year, m.AmountType(t), a) for year, t, a in approved_amounts or ())
    condition_rows = tuple(m.ReviewCondition(code, stage_code, kind, text) for kind, text in conditions.items())

    def others(rows: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(r for r in rows if (r.proposal, r.stage) != (code, stage_code))

    candidate = dataclasses.replace(
        data,
        reviews=others(data.reviews) + (review,),
        review_amounts=others(data.review_amounts) + amounts,
        review_conditions=others(data.review_conditions) + condition_rows,
    )
    errors = problems_as_errors(candidate, data, _field_of(code, stage_code))
    if errors:
        raise CycleInvalid(errors)

    before = _recorded(proposal, stage)
    fields = {
        "outcome": outcome.value,
        "future_management_approved": future_management_approved,
        "comment": comment,
        "proposal_version": proposal.version,
    }
    if existing is None:
        try:
            with transaction.atomic():  # savepoint: a racing first review is a conflict, not a 500
                saved = Review.objects.create(cycle=cycle, proposal=proposal, stage=stage, **fields)
        except IntegrityError:
            raise ReviewConflict(Review.objects.filter(proposal=proposal, stage=stage).first()) from None
    else:
        # The database decides: only the version read above may be replaced.
        if not Review.objects.filter(pk=existing.pk, version=existing.version).update(
            version=F("version") + 1, **fields
        ):
            raise ReviewConflict(Review.objects.filter(pk=existing.pk).first())
        saved = Review.objects.get(pk=existing.pk)
    ReviewAmount.objects.filter(proposal=proposal, stage=stage).delete()
    ReviewAmount.objects.bulk_create(
        ReviewAmount(cycle=cycle, proposal=proposal, stage=stage, year=a.year, type=a.type.value, amount=a.amount)
        for a in amounts
    )
    ReviewCondition.objects.filter(proposal=proposal, stage=stage).delete()
    ReviewCondition.objects.bulk_create(
        ReviewCondition(cycle=cycle, proposal=proposal, stage=stage, kind=c.kind.value, text=c.text)
        for c in condition_rows
    )
    after = _recorded(proposal, stage)
    history_record(
        user=by,
        cycle=cycle.code,
        table="reviews",
        object=f"{code}/{stage_code}",
        action="review",
        changes={name: (before.get(name), after.get(name)) for name in {**before, **after}},
    )
    cycle_touch(cycle=cycle)
    notify_proposal_reviewed(
        cycle=cycle.code,
        proposal=code,
        title=proposal.title,
        supplier=proposal.supplier.code,
        stage=stage.name,
        outcome=outcome_label(outcome),
        by=by,
    )
    return saved
