"""What a proposal write checks before it writes: the cycle validated with the proposal as it
would be (and the later-year service cost rows it moves), and the rules a package cannot see."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fordela.catalogue.models import Cycle, Service
from fordela.cycle.filed import Filed, amount_field
from fordela.cycle.selectors import cycle_data
from fordela.cycle.validation import NON_FIELD, CycleInvalid, problems_as_errors
from fordela.engine import model as m
from fordela.engine.amounts import NOT_A_COST_CHANGE, proposal_management
from fordela.package.errors import Problem
from fordela.package.schema import TABLES

PROPOSAL_FIELDS = tuple(f.name for f in dataclasses.fields(m.Proposal))


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
