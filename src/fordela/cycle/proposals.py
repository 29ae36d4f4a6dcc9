"""Writes of the annual analysis: a supplier's proposals, from draft to submitted, deleted and restored.

Every write here, in one transaction:

- re-checks permission (PermissionDenied), whatever the view already checked;
- validates the cycle as it would be after the write with the package rules
  (`validate_cycle_data`, through `proposal_checks`), so a form accepts exactly what an import
  accepts, and raises `CycleInvalid` with the problems mapped to form fields; nothing is written then;
- keeps the service's later-year cost consistent: `service_years.cost` for a year after the base
  year is the supplier's filed proposal (base-year cost + management of the service's proposals),
  so a change to a proposal's management amounts moves that cost by the same amount;
- records history (who, when, old → new) and calls `cycle_touch`.

Optimistic locking: every write names the `version` the user saw; the UPDATE only happens
`WHERE version = expected` and bumps it. Zero rows updated means someone else saved first:
`ConflictError`, and nothing is overwritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fordela.accounts.permissions import can_change_proposal, can_edit_supplier
from fordela.catalogue.models import Cycle, DistributionKey, Organisation, Service, ServiceYear
from fordela.cycle.filed import AmountRow, Filed, _is_live, proposal_filed
from fordela.cycle.models import Proposal, ProposalAmount
from fordela.cycle.proposal_checks import PROPOSAL_FIELDS, _check_own_fields, _merge, _validate
from fordela.cycle.services import cycle_lock, cycle_touch, form_token_check, form_token_spend
from fordela.cycle.validation import NON_FIELD, CycleInvalid
from fordela.engine import model as m
from fordela.engine.money import Unit, display
from fordela.history.services import history_record


class ConflictError(Exception):
    """Someone else saved the proposal after the user loaded it. `current` is what they saved."""

    def __init__(self, current: Proposal) -> None:
        self.current = current
        super().__init__(f"proposal {current.code} was changed by someone else (now version {current.version})")


# -- writes ----------------------------------------------------------------------------------


def blank_none(value: Any) -> Any:
    """An empty text is no value: "" and None must not read as a change in history."""
    return None if value == "" else value


def money_text(ore: int | None) -> str | None:
    return None if ore is None else display(ore, Unit.KR, decimals=2 if ore % 100 else 0)


def _amount_label(year: int, amount_type: m.AmountType) -> str:
    return f"amount {year} {amount_type.value}"


def _changes(old: Filed | None, new: Filed) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name in PROPOSAL_FIELDS:
        before = getattr(old.proposal, name) if old else None
        after = getattr(new.proposal, name)
        if name == "future_management_cost":
            before, after = money_text(before), money_text(after)
        changes[name] = (blank_none(before), blank_none(after))
    old_amounts = {(a.year, a.type): a.amount for a in (old.amounts if old else ())}
    new_amounts = {(a.year, a.type): a.amount for a in new.amounts}
    for year, amount_type in sorted(old_amounts.keys() | new_amounts.keys(), key=lambda k: (k[0], k[1].value)):
        changes[_amount_label(year, amount_type)] = (
            money_text(old_amounts.get((year, amount_type))),
            money_text(new_amounts.get((year, amount_type))),
        )
    return changes


def _apply_costs(*, cycle: Cycle, moved: Mapping[tuple[str, int], int], code: str, by: Any) -> None:
    """Move the later-year cost rows of the services concerned, recording each in history."""
    for (service, year), delta in sorted(moved.items()):
        row = ServiceYear.objects.select_for_update().get(cycle=cycle, service__code=service, year=year)
        old = row.cost
        ServiceYear.objects.filter(pk=row.pk).update(cost=F("cost") + delta)
        row.refresh_from_db(fields=["cost"])
        history_record(
            user=by,
            cycle=cycle.code,
            table="service_years",
            object=f"{service}/{year}",
            action="update",
            changes={"cost": (money_text(old), money_text(row.cost)), "because of proposal": (None, code)},
        )


def _refs(cycle: Cycle, values: m.Proposal) -> dict[str, Any]:
    """Model field values of a proposal row, references resolved within the cycle."""

    def key(code: str | None) -> DistributionKey | None:
        return None if code is None else DistributionKey.objects.get(cycle=cycle, code=code)

    return {
        "kind": values.kind.value,
        "title": values.title,
        "financing": values.financing.value,
        "service": None if values.service is None else Service.objects.get(cycle=cycle, code=values.service),
        "key": key(values.key),
        "proposed_category": values.proposed_category.value if values.proposed_category else "",
        "proposed_key": key(values.proposed_key),
        "future_management_cost": values.future_management_cost,
        "future_management_from_year": values.future_management_from_year,
        "already_decided": values.already_decided,
        "description": values.description,
    }


def _write_amounts(proposal: Proposal, rows: Iterable[AmountRow]) -> None:
    ProposalAmount.objects.filter(proposal=proposal).delete()
    ProposalAmount.objects.bulk_create(
        ProposalAmount(cycle_id=proposal.cycle_id, proposal=proposal, year=year, type=t.value, amount=amount)
        for year, t, amount in rows
    )


def _filed(values: m.Proposal, rows: Iterable[AmountRow]) -> Filed:
    amounts = tuple(m.ProposalAmount(values.code, year, m.AmountType(t), amount) for year, t, amount in rows)
    return Filed(values, tuple(sorted(amounts, key=lambda a: (a.year, a.type.value))))


def _locked_update(proposal: Proposal, expected_version: int, **values: Any) -> None:
    """UPDATE … WHERE version = expected, bumping it; ConflictError when someone saved first."""
    updated = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated == 0:
        raise ConflictError(Proposal.objects.get(pk=proposal.pk))
    proposal.refresh_from_db()


def _check_version(proposal: Proposal, expected_version: int) -> None:
    """Lock the cycle, reload `proposal` as committed and compare versions.

    After the lock, every read of this write sees the cycle as the previous write left it, and the
    final `_locked_update` (WHERE version = expected) still decides in the database."""
    cycle_lock(cycle=proposal.cycle)
    proposal.refresh_from_db()
    if proposal.version != expected_version:
        raise ConflictError(Proposal.objects.get(pk=proposal.pk))


def _is_reviewed(proposal: Proposal) -> bool:
    return proposal.reviews.exists()


def _require_change(proposal: Proposal, by: Any) -> None:
    if not can_change_proposal(by, proposal.supplier.code, reviewed=_is_reviewed(proposal)):
        raise PermissionDenied(f"may not change proposal {proposal.code}")


def _code_taken(code: str) -> dict[str, list[str]]:
    return {"code": [f"a proposal with code '{code}' already exists (perhaps a draft or deleted one)"]}


@transaction.atomic
def proposal_create(
    *, cycle: Cycle, values: m.Proposal, amounts: Iterable[AmountRow], by: Any, token: str | None = None
) -> Proposal:
    """File a new proposal for `values.supplier`, as a draft (left out of the cycle until submitted).

    `token`: the form's one-time token; a second submit of the same form raises AlreadyCreated
    with the proposal the first one created. A code that is taken, also by a writer racing this
    one, is a CycleInvalid on `code` (the database's unique constraint decides).
    """
    if not can_edit_supplier(by, values.supplier):
        raise PermissionDenied(f"may not file proposals for {values.supplier}")
    cycle_lock(cycle=cycle)
    form_token_check(cycle=cycle, token=token, table="proposals")
    filed = _filed(values, amounts)
    errors = _check_own_fields(cycle, values)
    if Proposal.objects.filter(cycle=cycle, code=values.code).exists():
        errors.update(_code_taken(values.code))
    try:
        _validate(cycle=cycle, code=values.code, before=None, check=filed)
    except CycleInvalid as invalid:
        _merge(errors, invalid.errors)
    if errors:
        raise CycleInvalid(errors)
    try:
        with transaction.atomic():  # a savepoint: the clash must not abort the outer transaction
            proposal = Proposal.objects.create(
                cycle=cycle,
                code=values.code,
                supplier=Organisation.objects.get(cycle=cycle, code=values.supplier),
                status="draft",
                **_refs(cycle, values),
            )
    except IntegrityError:
        raise CycleInvalid(_code_taken(values.code)) from None
    _write_amounts(proposal, filed.rows())
    form_token_spend(cycle=cycle, token=token, table="proposals", code=proposal.code)
    history_record(
        user=by,
        cycle=cycle.code,
        table="proposals",
        object=proposal.code,
        action="create",
        changes={**_changes(None, filed), "status": (None, "draft")},
    )
    cycle_touch(cycle=cycle)
    return proposal


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, values: m.Proposal, amounts: Iterable[AmountRow], expected_version: int, by: Any
) -> Proposal:
    """Save an edit of `proposal` made on `expected_version`. Code and supplier do not change.

    Raises ConflictError when the proposal has moved on since, CycleInvalid when the cycle would
    become invalid; nothing is written then.
    """
    _require_change(proposal, by)
    cycle = proposal.cycle
    values = dataclasses.replace(values, code=proposal.code, supplier=proposal.supplier.code)
    _check_version(proposal, expected_version)
    old = proposal_filed(proposal)
    new = _filed(values, amounts)
    live = _is_live(proposal)
    errors = _check_own_fields(cycle, values)
    moved: dict[tuple[str, int], int] = {}
    try:
        moved = _validate(cycle=cycle, code=proposal.code, before=old if live else None, check=new)
    except CycleInvalid as invalid:
        _merge(errors, invalid.errors)
    if errors:
        raise CycleInvalid(errors)
    _locked_update(proposal, expected_version, **_refs(cycle, values))
    _write_amounts(proposal, new.rows())
    if live:
        _apply_costs(cycle=cycle, moved=moved, code=proposal.code, by=by)
    history_record(
        user=by, cycle=cycle.code, table="proposals", object=proposal.code, action="update", changes=_changes(old, new)
    )
    cycle_touch(cycle=cycle)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, expected_version: int, by: Any) -> Proposal:
    """Send a draft for review: from now on it is part of the cycle (scenarios, reports, costs)."""
    _require_change(proposal, by)
    _check_version(proposal, expected_version)
    if proposal.deleted_at is not None or proposal.status != "draft":
        raise CycleInvalid({NON_FIELD: ["only a draft can be submitted"]})
    cycle = proposal.cycle
    filed = proposal_filed(proposal)
    moved = _validate(cycle=cycle, code=proposal.code, before=None, check=filed)
    _locked_update(proposal, expected_version, status="submitted")
    _apply_costs(cycle=cycle, moved=moved, code=proposal.code, by=by)
    history_record(
        user=by,
        cycle=cycle.code,
        table="proposals",
        object=proposal.code,
        action="submit",
        changes={"status": ("draft", "submitted")},
    )
    cycle_touch(cycle=cycle)
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: Proposal, expected_version: int, by: Any) -> Proposal:
    """Delete softly: the proposal leaves the cycle (with its reviews) but can be found and restored."""
    _require_change(proposal, by)
    _check_version(proposal, expected_version)
    if proposal.deleted_at is not None:
        raise CycleInvalid({NON_FIELD: ["the proposal is already deleted"]})
    cycle = proposal.cycle
    moved: dict[tuple[str, int], int] = {}
    if _is_live(proposal):
        moved = _validate(cycle=cycle, code=proposal.code, before=proposal_filed(proposal), check=None)
    now = timezone.now()
    _locked_update(proposal, expected_version, deleted_at=now)
    _apply_costs(cycle=cycle, moved=moved, code=proposal.code, by=by)
    history_record(
        user=by,
        cycle=cycle.code,
        table="proposals",
        object=proposal.code,
        action="delete",
        changes={"deleted_at": (None, now.isoformat(timespec="seconds"))},
    )
    cycle_touch(cycle=cycle)
    return proposal


@transaction.atomic
def proposal_restore(*, proposal: Proposal, expected_version: int, by: Any) -> Proposal:
    """Bring a deleted proposal back, in the state it had (draft or submitted, with its reviews)."""
    _require_change(proposal, by)
    _check_version(proposal, expected_version)
    if proposal.deleted_at is None:
        raise CycleInvalid({NON_FIELD: ["the proposal is not deleted"]})
    cycle = proposal.cycle
    moved: dict[tuple[str, int], int] = {}
    if proposal.status == "submitted":
        moved = _validate(cycle=cycle, code=proposal.code, before=None, check=proposal_filed(proposal))
    deleted_at = proposal.deleted_at
    _locked_update(proposal, expected_version, deleted_at=None)
    _apply_costs(cycle=cycle, moved=moved, code=proposal.code, by=by)
    history_record(
        user=by,
        cycle=cycle.code,
        table="proposals",
        object=proposal.code,
        action="restore",
        changes={"deleted_at": (deleted_at.isoformat(timespec="seconds"), None)},
    )
    cycle_touch(cycle=cycle)
    return proposal
