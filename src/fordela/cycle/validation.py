"""A cycle validated as a write would leave it, with the package rules, and its new problems as
form errors (`CycleInvalid`): shared by the proposal, review, catalogue, merge and revert writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fordela.engine import model as m
from fordela.package.codec import rows_of
from fordela.package.errors import Problem
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.validate import validate_cycle_data

NON_FIELD = "__all__"  # Django's key for errors that belong to no one field


class CycleInvalid(Exception):
    """The write would make the cycle invalid. `errors` maps a form field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__(self.errors)


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
