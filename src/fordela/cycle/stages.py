"""Which stage's decisions stand: a coordinator records that a review stage has decided (the
cycle's `current_stage`), recorded in the history and mailed to everyone who works in the cycle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fordela.accounts.notifications import notify_stage_decided
from fordela.accounts.permissions import can_review
from fordela.catalogue.models import Cycle
from fordela.cycle.models import ReviewStage
from fordela.cycle.services import cycle_touch
from fordela.history.services import history_record


class StageConflict(Exception):
    """Someone else recorded another stage after the user loaded the page."""


@transaction.atomic
def stage_decide(*, cycle: Cycle, stage: str, expected: str, by: Any) -> Cycle:
    """Make `stage` the cycle's deciding stage. `expected` is the stage the user saw as current:
    the UPDATE only happens WHERE current_stage = expected (StageConflict otherwise)."""
    if not can_review(by):
        raise PermissionDenied("only coordinators record decisions")
    try:
        row = ReviewStage.objects.get(cycle=cycle, code=stage)
    except ReviewStage.DoesNotExist:
        raise ValueError(f"no stage '{stage}' in cycle {cycle.code}") from None
    if stage == expected:
        return cycle
    if not Cycle.objects.filter(pk=cycle.pk, current_stage=expected).update(current_stage=stage):
        raise StageConflict(cycle.code)
    cycle.refresh_from_db()
    history_record(
        user=by,
        cycle=cycle.code,
        table="cycle",
        object=cycle.code,
        action="update",
        changes={"current_stage": (expected or None, stage)},
    )
    cycle_touch(cycle=cycle)
    notify_stage_decided(cycle=cycle.code, title=cycle.title, stage=row.name, by=by)
    return cycle
