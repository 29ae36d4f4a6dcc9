"""Writes of the annual analysis: a supplier's proposals, from draft to submitted, deleted and restored.

Every write here, in one transaction:

- re-checks permission (PermissionDenied), whatever the view already checked;
- validates the cycle as it would be after the write with the package rules
  (`validate_cycle_data`), so a form accepts exactly what an import accepts, and raises
  `CycleInvalid` with the problems mapped to form fields; nothing is written then;
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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fordela.accounts.permissions import can_change_proposal, can_edit_supplier
from fordela.catalogue.models import Cycle, DistributionKey, Organisation, Service, ServiceYear
from fordela.cycle.models import Proposal, ProposalAmount
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_lock, cycle_touch, form_token_check, form_token_spend
from fordela.engine import model as m
from fordela.engine.amounts import NOT_A_COST_CHANGE, proposal_management
from fordela.engine.money import Unit, display
from fordela.history.services import history_record
from fordela.package.codec import rows_of
from fordela.package.errors import Problem
from fordela.package.schema import TABLES, TABLES_BY_NAME
from fordela.package.validate import validate_cycle_data

AmountRow = tuple[int, m.AmountType, int]  # (year, type, öre)
NON_FIELD = "__all__"  # Django's key for errors that belong to no one field
PROPOSAL_FIELDS = tuple(f.name for f in dataclasses.fields(m.Proposal))


class ConflictError(Exception):
    """Someone else saved the proposal after the user loaded it. `current` is what they saved."""

    def __init__(self, current: Proposal) -> None:
        self.current = current
        super().__init__(f"proposal {current.code} was changed by someone else (now version {current.version})")


class CycleInvalid(Exception):
    """The write would make the cycle invalid. `errors` maps a form field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__(self.errors)


def amount_field(year: int, amount_type: m.AmountType | str) -> str:
    """The form field of one amount cell: ``amount_2026_development``."""
    return f"amount_{year}_{m.AmountType(amount_type).value}"


@dataclass(frozen=True)
class Filed:
    """A proposal as the package holds it: its row and its amounts."""

    proposal: m.Proposal
    amounts: tuple[m.ProposalAmount, ...]

    def rows(self) -> tuple[AmountRow, ...]:
        return tuple((a.year, a.type, a.amount) for a in self.amounts)


def _code(obj: Any) -> str | None:
    return None if obj is None else obj.code


def proposal_filed(proposal: Proposal) -> Filed:
    """The engine's view of a stored proposal (draft or deleted too)."""
    row = m.Proposal(
        code=proposal.code,
        supplier=proposal.supplier.code,
        kind=m.ProposalKind(proposal.kind),
        title=proposal.title,
        financing=m.Financing(proposal.financing),
        service=_code(proposal.service),
        key=_code(proposal.key),
        proposed_category=m.ServiceCategory(proposal.proposed_category) if proposal.proposed_category else None,
        proposed_key=_code(proposal.proposed_key),
        future_management_cost=proposal.future_management_cost,
        future_management_from_year=proposal.future_management_from_year,
        already_decided=proposal.already_decided,
        description=proposal.description,
    )
    amounts = tuple(
        sorted(
            (m.ProposalAmount(proposal.code, a.year, m.AmountType(a.type), a.amount) for a in proposal.amounts.all()),
            key=lambda a: (a.year, a.type.value),
        )
    )
    return Filed(row, amounts)


def _is_live(proposal: Proposal) -> bool:
    """Part of the cycle's data: submitted and not deleted (as `cycle_data` loads it)."""
    return proposal.status == "submitted" and proposal.deleted_at is None


# -- the service cost rows -------------------------------------------------------------------


def _cost_effect(data: m.CycleData, filed: Filed | None) -> dict[tuple[str, int], int]:
    """What `filed` adds to each later-year service cost row of its service (by (service, year))."""
    if filed is None or filed.proposal.service is None or filed.proposal.kind in NOT_A_COST_CHANGE:
        return {}
    p = filed.proposal
    base = data.cycle.base_year
    effect = {}
    for sy in data.service_years:
        if sy.service == p.service and sy.year > base and sy.cost is not None:
            amount = proposal_management(filed.rows(), p.future_management_cost, p.future_management_from_year, sy.year)
            if amount:
                effect[(sy.service, sy.year)] = amount
    return effect


def _moved(data: m.CycleData, minus: Filed | None, plus: Filed | None) -> dict[tuple[str, int], int]:
    delta: dict[tuple[str, int], int] = defaultdict(int)
    for key, amount in _cost_effect(data, minus).items():
        delta[key] -= amount
    for key, amount in _cost_effect(data, plus).items():
        delta[key] += amount
    return {key: amount for key, amount in delta.items() if amount}


# -- validation ------------------------------------------------------------------------------


def _candidate(data: m.CycleData, code: str, filed: Filed | None, moved: Mapping[tuple[str, int], int]) -> m.CycleData:
    """`data` with proposal `code` replaced by `filed` (None: removed) and the cost rows moved."""
    proposals = tuple(p for p in data.proposals if p.code != code)
    amounts = tuple(a for a in data.proposal_amounts if a.proposal != code)
    dependants: dict[str, tuple[Any, ...]] = {}
    if filed is not None:
        proposals += (filed.proposal,)
        amounts += filed.amounts
    else:
        # Gone from the cycle with everything about it, as `cycle_data` leaves out a deleted proposal's rows.
        for table in TABLES:
            columns = [c.name for c in table.columns if c.ref == "proposals"]
            if columns and table.name != "proposal_amounts":
                rows = getattr(data, table.name)
                dependants[table.name] = tuple(r for r in rows if all(getattr(r, c) != code for c in columns))
    service_years = tuple(
        dataclasses.replace(sy, cost=sy.cost + moved[(sy.service, sy.year)])
        if (sy.service, sy.year) in moved and sy.cost is not None
        else sy
        for sy in data.service_years
    )
    return dataclasses.replace(
        data, proposals=proposals, proposal_amounts=amounts, service_years=service_years, **dependants
    )


def _row(data: m.CycleData, problem: Problem) -> Any:
    """The row of `data` a problem names (rows are numbered from 2 in primary-key order)."""
    table = TABLES_BY_NAME.get(problem.table)
    if table is None or problem.row is None or table.single_row:
        return None
    rows = rows_of(data, table)
    index = problem.row - 2
    return rows[index] if 0 <= index < len(rows) else None


def problems_as_errors(candidate: m.CycleData, baseline: m.CycleData, field_of: Any) -> dict[str, list[str]]:
    """Problems of `candidate` as form errors. `field_of(problem, row)` names the field of a problem
    that concerns the edited object, else None. Problems that the cycle already had before the
    edit (compared by table, column and message) are not the user's doing and are ignored."""
    problems = validate_cycle_data(candidate)
    if not problems:
        return {}
    errors: dict[str, list[str]] = defaultdict(list)
    unrelated = []
    for problem in problems:
        field = field_of(problem, _row(candidate, problem))
        if field is None:
            unrelated.append(problem)
        elif problem.message not in errors[field]:
            errors[field].append(problem.message)
    if unrelated:
        before = {(p.table, p.column, p.message) for p in validate_cycle_data(baseline)}
        for problem in unrelated:
            if (problem.table, problem.column, problem.message) not in before:
                errors[NON_FIELD].append(str(problem))
    return {field: messages for field, messages in errors.items() if messages}


def _proposal_field(code: str, services: set[str]) -> Any:
    def field_of(problem: Problem, row: Any) -> str | None:
        if problem.table == "proposals" and row is not None and row.code == code:
            column = problem.column or ""
            return column if column in PROPOSAL_FIELDS else NON_FIELD
        if problem.table == "proposal_amounts" and row is not None and row.proposal == code:
            return amount_field(row.year, row.type)
        if problem.table == "service_years" and row is not None and row.service in services:
            return NON_FIELD
        return None

    return field_of


def _validate(*, cycle: Cycle, code: str, before: Filed | None, check: Filed | None) -> dict[tuple[str, int], int]:
    """Validate the cycle with `check` in place of the proposal's live state `before`.

    Returns how the later-year cost rows move; raises CycleInvalid.
    """
    data = cycle_data(cycle.code)
    moved = _moved(data, before, check)
    candidate = _candidate(data, code, check, moved)
    services = {f.proposal.service for f in (before, check) if f is not None and f.proposal.service}
    errors = problems_as_errors(candidate, data, _proposal_field(code, services))
    if errors:
        raise CycleInvalid(errors)
    return moved


def _merge(errors: dict[str, list[str]], more: Mapping[str, list[str]]) -> None:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(m for m in messages if m not in errors[field])


def _check_own_fields(cycle: Cycle, values: m.Proposal) -> dict[str, list[str]]:
    """Rules a package cannot see: the service belongs to the proposal's supplier."""
    errors: dict[str, list[str]] = {}
    if values.service is not None:
        owners = Service.objects.filter(cycle=cycle, code=values.service).values_list("supplier__code", flat=True)
        owner = owners.first()
        if owner is not None and owner != values.supplier:
            errors["service"] = [f"service '{values.service}' belongs to another supplier ('{owner}')"]
    return errors


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
