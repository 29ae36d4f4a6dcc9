"""Reads of consultation threads: who sees which, what a thread is about, whether a proposal is decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from fordela.accounts.models import Role
from fordela.accounts.permissions import SEES_EVERY_ORGANISATION, organisation_of, role_of
from fordela.consultation.models import Thread
from fordela.engine.model import CycleData, ProposalKind, ReviewStage


def proposal_decided(data: CycleData, proposal: str) -> ReviewStage | None:
    """The stage that has decided `proposal`, or None while it is still open for comments.

    The stages run in order (preparation → coordination group → council). A review at a stage
    *before* the cycle's current stage is a recommendation to the stage now deciding, so
    customers may still comment on it: that is what the consultation is for. A review at the
    current stage or a later one is the decision, and comments close. With no current stage set,
    only a review at the last stage (the council) closes them.
    """
    stages = sorted(data.review_stages, key=lambda s: s.position)
    if not stages:
        return None
    positions = {s.code: s.position for s in stages}
    current = data.cycle.current_stage
    limit = positions[current] if current in positions else stages[-1].position
    deciding = [positions[r.stage] for r in data.reviews if r.proposal == proposal and positions[r.stage] >= limit]
    if not deciding:
        return None
    return next(s for s in stages if s.position == max(deciding))


@dataclass(frozen=True)
class LineObject:
    """A cost object of a bill: a service, or a change initiative paid through a key."""

    code: str
    name: str
    supplier: str
    kind: str  # service | initiative


def line_object(data: CycleData, code: str) -> LineObject | None:
    for s in data.services:
        if s.code == code:
            return LineObject(s.code, s.name, s.supplier, "service")
    for p in data.proposals:
        if p.code == code and p.kind is ProposalKind.CHANGE_INITIATIVE:
            return LineObject(p.code, p.title, p.supplier, "initiative")
    return None


def thread_about(data: CycleData, thread: Thread) -> str:
    """What the thread is about, in words: the proposal's title, or the bill line."""
    if thread.proposal:
        return next((p.title for p in data.proposals if p.code == thread.proposal), thread.proposal)
    found = line_object(data, thread.line_object)
    return f"{found.name if found else thread.line_object}, {thread.line_year}"


def threads_visible(*, user: Any, cycle: str) -> QuerySet[Thread]:
    """The cycle's threads `user` may read (see permissions.can_see_thread), with message counts."""
    # An aggregating query ignores Meta.ordering: order explicitly, most recent activity first.
    threads = (
        Thread.objects.filter(cycle=cycle).annotate(message_count=Count("messages")).order_by("-updated_at", "-id")
    )
    role = role_of(user)
    if role in SEES_EVERY_ORGANISATION:
        return threads
    own = organisation_of(user)
    if role is Role.CUSTOMER_VIEWER and own:
        return threads.filter(organisation=own)
    if role is Role.SUPPLIER_EDITOR and own:
        return threads.filter(Q(supplier=own) | Q(organisation=own))
    return threads.none()


def threads_for_proposal(*, user: Any, cycle: str, proposal: str) -> QuerySet[Thread]:
    return threads_visible(user=user, cycle=cycle).filter(proposal=proposal)


def threads_for_line(*, user: Any, cycle: str, line_object: str, organisation: str, year: int) -> QuerySet[Thread]:
    return threads_visible(user=user, cycle=cycle).filter(
        line_object=line_object, organisation=organisation, line_year=year
    )
