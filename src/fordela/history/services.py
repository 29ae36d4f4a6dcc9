from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fordela.history.models import ChangeRecord


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return getattr(value, "code", None) or str(value)


def history_record(
    *, user: Any, cycle: str, table: str, object: str, action: str, changes: dict[str, tuple[Any, Any]] | None = None
) -> ChangeRecord:
    """Record one change. `changes` maps a field to (old, new); unchanged fields are dropped."""
    kept = {name: [_text(old), _text(new)] for name, (old, new) in (changes or {}).items() if _text(old) != _text(new)}
    return ChangeRecord.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        cycle=cycle,
        table=table,
        object=object,
        action=action,
        changes=kept,
    )


def history_for(*, cycle: str, table: str, object: str) -> list[ChangeRecord]:
    return list(history_query(cycle=cycle, table=table, object=object))


def history_query(*, cycle: str, table: str, object: str) -> QuerySet[ChangeRecord]:
    """The object's history, newest first, not yet read: a page of it is sliced in the database
    (a scenario toggled all year has thousands of records)."""
    return ChangeRecord.objects.filter(cycle=cycle, table=table, object=object).select_related("user")
