"""Reads of whole cycles: the database rows of one cycle as the engine's CycleData."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import fields, replace
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet

from fordela.catalogue.models import Cycle
from fordela.cycle.services import MODELS, _is_fk
from fordela.engine import model as m
from fordela.engine.records import Memo, build_rows, without_gc
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


def _rows(cycle: Cycle, table: Table, codes: _Codes) -> tuple[Any, ...]:
    """The cycle's rows of `table` as engine rows, sorted by primary key.

    Read column-wise, once per revision: one query per table without joins (a reference is read
    as its id and named through `codes`, one small query per referenced table), fetched whole
    through the raw cursor (`query_columns`), each column converted by one function chosen for
    it (exactly `_typed`, once per distinct value), rows built positionally. A large cycle has
    millions of cells; nothing here is per row and per column more than once.
    """
    model = MODELS[table.name]
    references = [bool(c.ref) and _is_fk(model, c.name) for c in table.columns]
    lookups = [f"{c.name}_id" if ref else c.name for c, ref in zip(table.columns, references, strict=True)]
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
    cells_of = query_columns(query.values_list(*lookups))
    if not cells_of[0]:
        return ()
    columns = []
    for column, ref, cells in zip(table.columns, references, cells_of, strict=True):
        if ref:
            names = codes.of(model._meta.get_field(column.name).related_model)
            cells = tuple(map({**names, None: None}.__getitem__, cells))
        convert = _converter(column)
        columns.append(cells if convert is None else convert(cells))
    names = [c.name for c in table.columns]
    if [f.name for f in fields(table.row_type)][: len(names)] == names:
        rows = build_rows(table.row_type, names, columns)
    else:
        rows = [table.row_type(**dict(zip(names, cells, strict=True))) for cells in zip(*columns, strict=True)]
    # Sorted by the text of the primary key (as the package is), the keys made column by column.
    keys = [columns[names.index(k)] for k in table.primary_key]
    keys = [c if set(map(type, c)) == {str} else tuple(map(str, c)) for c in keys]
    order = sorted(range(len(rows)), key=list(zip(*keys, strict=True)).__getitem__)
    return tuple(map(rows.__getitem__, order))


class _Codes:
    """id → code of the cycle's rows of each referenced model, read once per load."""

    def __init__(self, cycle: Cycle) -> None:
        self._cycle = cycle
        self._by_model: dict[type[Any], dict[int, str]] = {}

    def of(self, model: type[Any]) -> dict[int, str]:
        if model not in self._by_model:
            ids, codes = query_columns(model.objects.filter(cycle=self._cycle).values_list("pk", "code"))
            self._by_model[model] = dict(zip(ids, codes, strict=True))
        return self._by_model[model]


def _converter(column: Column) -> Callable[[tuple[Any, ...]], tuple[Any, ...]] | None:
    """`_typed` for the cells of one column, or None where it returns every value unchanged.
    Values repeat (years, kinds, rates), so each distinct value is converted once."""
    if column.kind is Kind.TEXT and column.choices is None:
        return None
    if column.choices is None and column.kind is not Kind.DECIMAL and column.required:
        return None  # codes, years, integers, öre and booleans come from the database as they are

    def convert(cells: tuple[Any, ...]) -> tuple[Any, ...]:
        return _map_distinct(lambda value: _typed(column, value), cells)

    return convert


def _map_distinct(convert: Callable[[Any], Any], cells: tuple[Any, ...]) -> tuple[Any, ...]:
    """`convert` applied to every cell, called once per distinct value (per cell if one is not hashable)."""
    try:
        return tuple(map(Memo(convert).__getitem__, cells))
    except TypeError:  # not hashable
        return tuple(map(convert, cells))


def query_columns(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The columns of a `values_list` query, each as a tuple, in the order it names them.

    Fetched in one go through the raw cursor (no per-row work in the ORM's iterator) and
    converted by the database backend's and the fields' converters, as the ORM converts them,
    but once per distinct value of a column rather than once per row.
    """
    compiler = query.query.get_compiler(using=query.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a query that cannot match (.none(), an empty IN): nothing to ask
        return [() for _ in query.query.values_select]
    expressions = [expression for expression, _, _ in compiler.select]
    converters = compiler.get_converters(expressions)
    connection = connections[query.db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return [() for _ in expressions]
    columns = list(zip(*rows, strict=True))
    for i, (functions, expression) in converters.items():

        def convert(value: Any, functions: list[Any] = functions, expression: Any = expression) -> Any:
            for function in functions:
                value = function(value, expression, connection)
            return value

        columns[i] = _map_distinct(convert, columns[i])
    return columns


# A cycle's version: (pk, import time, data_revision, revision). A replaced (re-imported) cycle is
# a new row whose revisions start again at 1: the pk and import time tell it apart.
Version = tuple[Any, ...]
# Each cycle's latest CycleData with its version and the id → code names its rows were read with
# (the same for every revision of one data version: creating or restoring a scenario and
# submitting a proposal bump the data version, and only live proposals are members).
_CACHE: dict[str, tuple[Version, m.CycleData, _Codes]] = {}
# The data version (pk, import time, data_revision) each handed-out CycleData that is still alive
# was loaded at: the key that computed results and cached pages share across scenario toggles.
# The CycleData is held weakly: a process must not keep the cycles of earlier revisions alive (a
# large cycle is hundreds of megabytes, and every full collection walks all of it; 32 were kept).
# An entry goes with its CycleData, so its id() cannot be reused while the entry lives.
_DATA_VERSIONS: dict[int, tuple[weakref.ref[m.CycleData], Version]] = {}
_LOCK = threading.Lock()


def _forget(key: int, gone: weakref.ref[m.CycleData]) -> None:
    # Called as the CycleData is freed, possibly under _LOCK in this thread: no lock here.
    entry = _DATA_VERSIONS.get(key)
    if entry is not None and entry[0] is gone:
        _DATA_VERSIONS.pop(key, None)


def cycle_version(code: str) -> Version | None:
    """(pk, import time, data_revision, revision) of the cycle, None if there is none: one indexed query."""
    return Cycle.objects.filter(code=code).values_list("pk", "imported_at", "data_revision", "revision").first()


def cycle_data(code: str) -> m.CycleData:
    """One cycle from the database as the engine's immutable CycleData.

    Cached in this process per version: every write bumps the revision, so a page recomputing
    scenarios does not reload some thousand rows on every request. A write that only changed
    which proposals explicit scenarios include (`cycle_touch(scenarios_only=True)`: a toggle)
    reloads just those rows; the new CycleData keeps the data version of the old one.
    """
    return cycle_data_at(code)[1]


def cycle_data_at(code: str) -> tuple[Version, m.CycleData]:
    """`cycle_data` and the version (pk, import time, data_revision, revision) read before it
    was looked up or loaded (so the data is at least that new)."""
    version = cycle_version(code)
    if version is None:
        cycle_get(code)  # raises CycleNotFound with the known codes
    assert version is not None
    if not cache_enabled():
        return version, _load(code)[0]
    cached = _CACHE.get(code)
    if cached is not None and cached[0] == version:
        return version, cached[1]
    if cached is not None and cached[0][:3] == version[:3]:
        memberships = next(t for t in TABLES if t.name == "scenario_proposals")
        codes = cached[2]
        data = replace(cached[1], scenario_proposals=_rows(Cycle(pk=version[0]), memberships, codes))
    else:
        data, codes = _load(code)
    with _LOCK:
        _CACHE[code] = (version, data, codes)
        _DATA_VERSIONS[id(data)] = (weakref.ref(data, partial(_forget, id(data))), version[:3])
    return version, data


def data_version(data: m.CycleData) -> Version | None:
    """(pk, import time, data_revision) that `data` was loaded at by `cycle_data`; None for a
    CycleData it did not hand out (uncached, uncommitted, built elsewhere). Everything in `data`
    but the explicit scenarios' proposals is the same for all CycleData of one data version."""
    entry = _DATA_VERSIONS.get(id(data))
    return entry[1] if entry is not None and entry[0]() is data else None


def explicit_members(data: m.CycleData, scenario: str | None) -> tuple[str, ...]:
    """The proposals the explicit scenario `scenario` includes (sorted); () for any other
    scenario or stage, whose resolution does not depend on them."""
    if scenario is None or not any(s.code == scenario and s.kind is m.ScenarioKind.EXPLICIT for s in data.scenarios):
        return ()
    return tuple(sorted(sp.proposal for sp in data.scenario_proposals if sp.scenario == scenario))


def cycle_data_uncached(code: str) -> m.CycleData:
    """The cycle as it stands in the current transaction, never cached (it may be uncommitted)."""
    return _load(code)[0]


def cache_enabled() -> bool:
    """settings.FORDELA_CACHE (env FORDELA_CACHE, default on); see `fordela.cycle.computed`."""
    return bool(getattr(settings, "FORDELA_CACHE", True))


def _load(code: str) -> tuple[m.CycleData, _Codes]:
    cycle = cycle_get(code)
    cycle_table = TABLES[0]
    head = m.Cycle(**{c.name: _typed(c, getattr(cycle, c.name)) for c in cycle_table.columns})
    codes = _Codes(cycle)
    # Tens of thousands of rows and no reference cycles: collections would walk them all repeatedly.
    with without_gc():
        tables = {t.name: _rows(cycle, t, codes) for t in TABLES if not t.single_row}
    assert [f.name for f in fields(m.CycleData)][1:] == list(tables)
    return m.CycleData(cycle=head, **tables), codes
