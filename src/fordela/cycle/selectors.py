"""Reads of whole cycles: the database rows of one cycle as the engine's CycleData."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db.models import Q

from fordela.catalogue.models import Cycle
from fordela.cycle.services import MODELS, _is_fk
from fordela.engine import model as m
from fordela.package.schema import TABLES
from fordela.package.schema_types import Column, Kind, Table


class CycleNotFound(LookupError):
    pass


def _typed(column: Column, value: Any) -> Any:
    if value is None or (value == "" and not column.required and column.kind is not Kind.TEXT):
        return None
    if column.choices is not None:
        return column.choices(value)
    if column.kind is Kind.DECIMAL:
        return Decimal(value).normalize() if isinstance(value, Decimal) else Decimal(str(value))
    return value


def cycle_get(code: str) -> Cycle:
    try:
        return Cycle.objects.get(code=code)
    except Cycle.DoesNotExist:
        known = ", ".join(Cycle.objects.order_by("code").values_list("code", flat=True)) or "none"
        raise CycleNotFound(f"no cycle '{code}' in the database (cycles: {known})") from None


def _rows(cycle: Cycle, table: Table) -> tuple[Any, ...]:
    model = MODELS[table.name]
    lookups = [f"{c.name}__code" if c.ref and _is_fk(model, c.name) else c.name for c in table.columns]
    query = model.objects.filter(cycle=cycle)
    # Drafts and deleted proposals are not (yet, or any more) part of the cycle.
    if table.name == "proposals":
        query = query.filter(status="submitted", deleted_at__isnull=True)
    # Deleted scenarios (and their proposals) are out of the cycle until restored.
    if table.name == "scenarios":
        query = query.filter(deleted_at__isnull=True)
    if table.name == "scenario_proposals":
        query = query.filter(scenario__deleted_at__isnull=True)
    for column in table.columns:
        if column.ref == "proposals" and _is_fk(model, column.name):
            live = Q(**{f"{column.name}__status": "submitted", f"{column.name}__deleted_at__isnull": True})
            # an optional reference (a text about the whole supplier) has no proposal to hide
            query = query.filter(live | Q(**{f"{column.name}__isnull": True}) if not column.required else live)
    values = query.values_list(*lookups)
    # Converted column by column with a function chosen once per column (exactly `_typed`), and
    # built positionally: a large cycle has millions of cells, and this runs once per revision.
    converters = [_converter(c) for c in table.columns]
    names = [c.name for c in table.columns]
    positional = [f.name for f in fields(table.row_type)][: len(names)] == names
    rows = []
    for raw in values:
        cells = [v if f is None else f(v) for f, v in zip(converters, raw, strict=True)]
        rows.append(table.row_type(*cells) if positional else table.row_type(**dict(zip(names, cells, strict=True))))
    key = attrgetter(*table.primary_key)
    if len(table.primary_key) == 1:
        return tuple(sorted(rows, key=lambda r: (str(key(r)),)))
    return tuple(sorted(rows, key=lambda r: tuple(map(str, key(r)))))


def _converter(column: Column) -> Callable[[Any], Any] | None:
    """`_typed` for one column, or None where it returns every value unchanged."""
    if column.kind is Kind.TEXT and column.choices is None:
        return None
    return lambda value: _typed(column, value)


_CACHE: dict[str, tuple[tuple[Any, ...], m.CycleData]] = {}


def cycle_data(code: str) -> m.CycleData:
    """One cycle from the database as the engine's immutable CycleData.

    Cached in this process per (code, revision): every write bumps the revision, so a page
    recomputing scenarios does not reload some thousand rows on every request.
    """
    # A replaced (re-imported) cycle is a new row whose revision starts again at 1: the import
    # time tells it apart from the cached one.
    version = Cycle.objects.filter(code=code).values_list("pk", "imported_at", "revision").first()
    if version is None:
        cycle_get(code)  # raises CycleNotFound with the known codes
    if not cache_enabled():
        return _load(code)
    cached = _CACHE.get(code)
    if cached is not None and cached[0] == version:
        return cached[1]
    data = _load(code)
    _CACHE[code] = (tuple(version or ()), data)
    return data


def cycle_data_uncached(code: str) -> m.CycleData:
    """The cycle as it stands in the current transaction, never cached (it may be uncommitted)."""
    return _load(code)


def cache_enabled() -> bool:
    """settings.FORDELA_CACHE (env FORDELA_CACHE, default on); see `fordela.cycle.computed`."""
    return bool(getattr(settings, "FORDELA_CACHE", True))


def _load(code: str) -> m.CycleData:
    cycle = cycle_get(code)
    cycle_table = TABLES[0]
    head = m.Cycle(**{c.name: _typed(c, getattr(cycle, c.name)) for c in cycle_table.columns})
    tables = {t.name: _rows(cycle, t) for t in TABLES if not t.single_row}
    assert [f.name for f in fields(m.CycleData)][1:] == list(tables)
    return m.CycleData(cycle=head, **tables)
