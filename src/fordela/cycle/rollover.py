"""The next year's cycle in the database: `cycle_next` makes it from the decided cycle
(`fordela.engine.rollover` has the rules) and records it in the history."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fordela.catalogue.models import Cycle
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import CycleExistsError, cycle_import
from fordela.engine.rollover import RolloverError, next_cycle
from fordela.history.services import history_record
from fordela.package.validate import validate_cycle_data


@transaction.atomic
def cycle_next(*, source: str, code: str, user: Any = None, title: str | None = None) -> Cycle:
    """Create cycle `code` for the year after `source`'s target year, from `source` as decided.

    Raises RolloverError when nothing is decided or the result is not a valid package, and
    CycleExistsError (fordela.cycle.services) when `code` is taken: nothing is written then.
    """
    data = next_cycle(cycle_data(source), code=code, title=title)
    problems = validate_cycle_data(data)
    if problems:
        raise RolloverError("; ".join(str(p) for p in problems[:5]))
    try:
        cycle = cycle_import(data=data)
    except CycleExistsError:
        raise CycleExistsError(f"cycle '{code}' already exists") from None
    history_record(
        user=user,
        cycle=code,
        table="cycle",
        object=code,
        action="create",
        changes={"source": (None, source), "target_year": (None, data.cycle.target_year)},
    )
    return cycle
