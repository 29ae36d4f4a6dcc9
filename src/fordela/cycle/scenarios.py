"""Writes of scenarios: create an explicit scenario, include or leave out a proposal, delete one
(softly) and restore it.

Only explicit scenarios are edited here. "Everything proposed" and "as decided by a stage" are
derived from the proposals and the reviews, so there is nothing to toggle in them: they change
when a proposal or a review does. Every write re-checks the permission, records history on the
scenario (table ``scenarios``, so the scenario's page shows it) and bumps the cycle's revision.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fordela.accounts.permissions import can_edit_scenarios
from fordela.catalogue.models import Cycle
from fordela.cycle.models import Proposal, Scenario, ScenarioProposal
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_lock, cycle_touch, form_token_check, form_token_spend
from fordela.engine.model import ScenarioKind
from fordela.engine.scenario import ScenarioError, resolve_code
from fordela.history.services import history_record

CODE = re.compile(r"^[a-z0-9_-]+$")


class ScenarioReadOnly(ValidationError):
    """A stage or everything-proposed scenario: derived, so not edited by hand."""


def _check(by: Any) -> None:
    if not can_edit_scenarios(by):
        raise PermissionDenied("scenarios are edited by coordinators")


def _explicit(scenario: Scenario) -> None:
    if scenario.kind != ScenarioKind.EXPLICIT.value:
        raise ScenarioReadOnly(_("Only explicit scenarios can be changed; this one follows the reviews."))


def _live(proposal: Proposal) -> bool:
    return proposal.status == "submitted" and proposal.deleted_at is None


@transaction.atomic
def scenario_create(
    *,
    cycle: Cycle,
    code: str,
    name: str,
    description: str = "",
    copy_from: str | None = None,
    by: Any,
    token: str | None = None,
) -> Scenario:
    """A new explicit scenario, empty or with the proposals another scenario (or stage) includes.

    Raises PermissionDenied for anyone but coordinators and admins, ValidationError for a bad or
    taken code (also when a racing writer took it: the database's unique constraint decides) or
    an unknown `copy_from`; AlreadyCreated when the form's one-time `token` was used before.
    """
    _check(by)
    if not CODE.match(code or ""):
        raise ValidationError({"code": _("Use lowercase letters, digits, - and _ only.")})
    cycle_lock(cycle=cycle)
    form_token_check(cycle=cycle, token=token, table="scenarios")
    taken = Scenario.objects.filter(cycle=cycle, code=code).values_list("deleted_at", flat=True).first()
    if taken is not None:
        raise ValidationError({"code": _("A deleted scenario has this code: restore it, or choose another code.")})
    if Scenario.objects.filter(cycle=cycle, code=code).exists():
        raise ValidationError({"code": _("The cycle already has a scenario with this code.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the scenario a name.")})
    included: list[str] = []
    if copy_from:
        try:
            resolution = resolve_code(cycle_data(cycle.code), copy_from)
        except ScenarioError:
            raise ValidationError({"copy_from": _("No such scenario in this cycle.")}) from None
        included = sorted(d.proposal.code for d in resolution.included())
    try:
        with transaction.atomic():  # a savepoint: the clash must not abort the outer transaction
            scenario = Scenario.objects.create(
                cycle=cycle, code=code, name=name.strip(), kind=ScenarioKind.EXPLICIT.value, description=description
            )
    except IntegrityError:
        raise ValidationError({"code": _("The cycle already has a scenario with this code.")}) from None
    form_token_spend(cycle=cycle, token=token, table="scenarios", code=code)
    proposals = Proposal.objects.filter(cycle=cycle, code__in=included)
    ScenarioProposal.objects.bulk_create(
        ScenarioProposal(cycle=cycle, scenario=scenario, proposal=p) for p in proposals
    )
    history_record(
        user=by,
        cycle=cycle.code,
        table="scenarios",
        object=code,
        action="create",
        changes={
            "name": (None, scenario.name),
            "kind": (None, scenario.kind),
            "description": (None, description or None),
            "copy_from": (None, copy_from or None),
            "proposals": (None, ", ".join(included) or None),
        },
    )
    cycle_touch(cycle=cycle)
    return scenario


@transaction.atomic
def scenario_toggle(*, scenario: Scenario, proposal: Proposal, included: bool, by: Any) -> bool:
    """Include `proposal` in the explicit `scenario` (as proposed) or leave it out.

    Idempotent: setting the state it already has changes nothing and records nothing. Returns
    whether anything changed. Raises PermissionDenied, ScenarioReadOnly for a derived scenario,
    ValidationError for a proposal of another cycle or one that is a draft or deleted.
    """
    _check(by)
    _explicit(scenario)
    if scenario.deleted_at is not None:
        raise ValidationError(_("The scenario is deleted: restore it before you change it."))
    if proposal.cycle_id != scenario.cycle_id or not _live(proposal):
        raise ValidationError(_("The proposal is not part of this cycle's annual analysis."))
    # Two coordinators toggling at once are applied one after the other (the set of proposals has
    # no lost update: each toggle says which state the person wants, and the same wish twice is a no-op).
    cycle_lock(cycle=scenario.cycle)
    rows = ScenarioProposal.objects.filter(scenario=scenario, proposal=proposal)
    was = rows.exists()
    if was == included:
        return False
    if included:
        ScenarioProposal.objects.create(cycle_id=scenario.cycle_id, scenario=scenario, proposal=proposal)
    else:
        rows.delete()
    history_record(
        user=by,
        cycle=scenario.cycle.code,
        table="scenarios",
        object=scenario.code,
        action="toggle",
        changes={proposal.code: ("included" if was else "excluded", "included" if included else "excluded")},
    )
    cycle_touch(cycle=scenario.cycle, scenarios_only=True)
    return True


@transaction.atomic
def scenario_set(*, scenario: Scenario, wanted: Mapping[Proposal, bool], by: Any) -> list[Proposal]:
    """Several toggles in one transaction: all are saved or, on any refusal, none.

    `wanted`: proposal → include it or not. Returns the proposals whose state changed.
    """
    _check(by)
    cycle_lock(cycle=scenario.cycle)
    return [
        p for p, included in wanted.items() if scenario_toggle(scenario=scenario, proposal=p, included=included, by=by)
    ]


@transaction.atomic
def scenario_delete(*, scenario: Scenario, by: Any) -> Scenario:
    """Delete an explicit scenario softly, as proposals are: it leaves the cycle's data (lists,
    comparisons, documents) with its proposals kept, and `scenario_restore` brings it back.

    Deleting a deleted scenario changes nothing and records nothing (a double submit)."""
    _check(by)
    _explicit(scenario)
    cycle = scenario.cycle
    cycle_lock(cycle=cycle)
    if not Scenario.objects.filter(pk=scenario.pk, deleted_at__isnull=True).update(deleted_at=timezone.now()):
        scenario.refresh_from_db(fields=["deleted_at"])
        return scenario
    scenario.refresh_from_db(fields=["deleted_at"])
    assert scenario.deleted_at is not None
    history_record(
        user=by,
        cycle=cycle.code,
        table="scenarios",
        object=scenario.code,
        action="delete",
        changes={"deleted_at": (None, scenario.deleted_at.isoformat(timespec="seconds"))},
    )
    cycle_touch(cycle=cycle)
    return scenario


@transaction.atomic
def scenario_restore(*, scenario: Scenario, by: Any) -> Scenario:
    """Bring a deleted scenario back with the proposals it had. Restoring one that is not deleted
    changes nothing and records nothing."""
    _check(by)
    cycle = scenario.cycle
    cycle_lock(cycle=cycle)
    deleted_at = Scenario.objects.filter(pk=scenario.pk).values_list("deleted_at", flat=True).first()
    if deleted_at is None or not Scenario.objects.filter(pk=scenario.pk, deleted_at=deleted_at).update(deleted_at=None):
        scenario.refresh_from_db(fields=["deleted_at"])
        return scenario
    scenario.deleted_at = None
    history_record(
        user=by,
        cycle=cycle.code,
        table="scenarios",
        object=scenario.code,
        action="restore",
        changes={"deleted_at": (deleted_at.isoformat(timespec="seconds"), None)},
    )
    cycle_touch(cycle=cycle)
    return scenario
