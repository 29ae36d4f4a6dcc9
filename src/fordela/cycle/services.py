"""Writes of whole cycles: import a validated package into the database, replace or delete one.

Rows map to models generically through the package schema: every model has `TABLE`, field names
equal column names, and a reference column is a ForeignKey resolved by code within the cycle.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.dispatch import Signal

from fordela.catalogue import models as catalogue
from fordela.cycle import models as cycle_models
from fordela.engine.model import CycleData
from fordela.engine.records import Memo
from fordela.package.schema import TABLES
from fordela.package.schema_types import Table


class _PackageModels(Mapping[str, type[models.Model]]):
    """Every installed model that stores a package table (it says which by its `TABLE`), by table.

    Found through Django's app registry, so the apps that hold package tables (the catalogue, the
    cycle, billing) plug in without this module importing them; filled on first use, once the
    apps are loaded.
    """

    @cached_property
    def _by_table(self) -> dict[str, type[models.Model]]:
        return {model.TABLE: model for model in apps.get_models() if hasattr(model, "TABLE")}  # type: ignore[attr-defined]

    def __getitem__(self, table: str) -> type[models.Model]:
        return self._by_table[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_table)

    def __len__(self) -> int:
        return len(self._by_table)


MODELS: Mapping[str, type[models.Model]] = _PackageModels()


class CycleExistsError(ValueError):
    pass


def _is_fk(model: type[models.Model], column: str) -> bool:
    return isinstance(model._meta.get_field(column), models.ForeignKey)


def _cell(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    return value


# Sent inside every write to a cycle (import, cycle_touch) with `code`; a receiver refuses the
# write by raising. Lets fordela.billing guard frozen periods without cycle importing billing.
cycle_changed = Signal()


@transaction.atomic
def cycle_import(*, data: CycleData, replace: bool = False) -> catalogue.Cycle:
    """Store a validated cycle package. All or nothing: any failure rolls the whole import back.

    An existing cycle with the same code is an error unless `replace`, which deletes it first.
    """
    code = data.cycle.code
    existing = catalogue.Cycle.objects.filter(code=code).first()
    if existing is not None:
        if not replace:
            raise CycleExistsError(f"cycle '{code}' already exists (use --replace to replace it)")
        cycle_delete(cycle=existing)
    cycle_row = {f.name: _cell(getattr(data.cycle, f.name)) for f in fields(data.cycle)}
    cycle_row["current_stage"] = cycle_row["current_stage"] or ""
    cycle = catalogue.Cycle.objects.create(**cycle_row)
    by_code: dict[str, dict[str, models.Model]] = {}
    for table in TABLES:
        if table.single_row:
            continue
        model = MODELS[table.name]
        rows = getattr(data, table.name)
        if "code" not in table.column_names and _copyable(table, model) and len(rows) >= COPY_FROM:
            _copy(cycle, table, model, rows, by_code)
            continue
        instances = [model(cycle=cycle, **_row_kwargs(table, model, row, by_code)) for row in rows]
        created = model.objects.bulk_create(instances, batch_size=2000)
        if "code" in table.column_names:
            by_code[table.name] = {obj.code: obj for obj in created}  # type: ignore[attr-defined]
    # Inside the transaction: a receiver may refuse the import (frozen invoicing), rolling it back.
    cycle_changed.send(sender=catalogue.Cycle, code=code)
    return cycle


# Tables with this many rows or more are written straight from their columns (COPY on PostgreSQL,
# executemany of tuples elsewhere) instead of through model instances: a large cycle has millions
# of participation rows, and building a Django model per row took most of the import's time
# (issue 12). The rows are the validated package's, so nothing is skipped.
COPY_FROM = 5_000
# Rows converted and written at a time, so the memory of the write stays bounded.
_CHUNK = 50_000


def _copyable(table: Table, model: type[models.Model]) -> bool:
    """A model whose fields are exactly the package columns (no Python-side defaults)."""
    names = {f.name for f in model._meta.concrete_fields} - {"id", "cycle"}
    return names == set(table.column_names)


def _copy(
    cycle: catalogue.Cycle, table: Table, model: type[models.Model], rows: Any, by_code: dict[str, dict[str, Any]]
) -> None:
    """Write the rows of one table without model instances, a chunk of rows at a time.

    Each chunk is taken apart into columns (one C-level attrgetter per row), each column is
    turned into database values by looking up each distinct value once (a code's id, an enum's
    text, the field's own preparation), and the rows are zipped back for the write.
    """
    fields_ = [model._meta.get_field(c.name) for c in table.columns]
    postgres = connection.vendor == "postgresql"
    converters = [
        _converter(cycle, column, field, by_code, copy_text=postgres)
        for column, field in zip(table.columns, fields_, strict=True)
    ]
    columns = ["cycle_id", *(f.column for f in fields_)]
    values_of = operator.attrgetter(*(c.name for c in table.columns))
    cycle_ids = [str(cycle.pk) if postgres else cycle.pk] * _CHUNK
    with (
        connection.cursor() as cursor,
        _keys_and_indexes_rebuilt(cursor, model, postgres and len(rows) >= RECHECK_FROM),
    ):
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            cells = zip(*map(values_of, chunk), strict=True)
            prepared = [list(map(convert, column)) for convert, column in zip(converters, cells, strict=True)]
            out = zip(cycle_ids[: len(chunk)], *prepared, strict=True)
            if postgres:
                # The converters made each cell's COPY text: a chunk is one string.
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write("".join(map(_copy_line, out)))
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders})", list(out)
                )


def _copy_line(cells: tuple[str, ...]) -> str:
    return "\t".join(cells) + "\n"


# PostgreSQL's COPY text format (its documentation, "File Formats"): fields split by tabs, rows by
# newlines, NULL as \N, and a backslash, tab, newline or carriage return in a value escaped.
# Written by hand: psycopg formats COPY rows one Python call per row, which for the millions of
# rows of a large cycle cost more than the rest of the write; here each distinct value is
# formatted once (`Memo`) and a chunk is one join.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """A database value (as Django prepares it for the column) as a field of COPY text."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str | int | Decimal):
        # Another type (a JSON adapter, say) would need its own text: refuse rather than guess.
        raise TypeError(f"no COPY text for a {type(value).__name__} value")
    return str(value).translate(_COPY_ESCAPES)


# From this many rows a table's foreign keys and plain indexes are dropped before the COPY and
# made again after it (PostgreSQL only). Deferred foreign keys are otherwise checked row by row
# at commit: about 13 million single-row lookups for the 4,5 million participation rows of a 100×
# cycle, and 1,4 million more for its 300 000 subscriptions and 420 000 history rows. Adding a key
# back validates the whole table in one join. The price: the table is locked (ACCESS EXCLUSIVE)
# until the import commits, so pages of other cycles that read it wait for a large import; small
# imports keep the row checks and no lock.
RECHECK_FROM = 200_000


@contextmanager
def _keys_and_indexes_rebuilt(cursor: Any, model: type[models.Model], enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'f' ORDER BY conname",
        [model._meta.db_table],
    )
    keys = cursor.fetchall()
    # Plain indexes (the foreign keys' own, not the primary key or a unique constraint, which
    # check the rows as they come) are built again after the COPY in one sorted pass each,
    # instead of taking millions of single inserts.
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexname",
        [model._meta.db_table, model._meta.db_table],
    )
    indexes = cursor.fetchall()
    # Keys cannot be altered while rows written earlier in the transaction wait for their deferred
    # checks (the parents' own): those checks run now instead of at commit.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _converter(
    cycle: catalogue.Cycle, column: Any, field: Any, by_code: dict[str, dict[str, Any]], *, copy_text: bool
) -> Callable[[Any], Any]:
    """A package value → its database value (its COPY text if `copy_text`), each distinct value
    worked out once."""
    finish = _copy_text if copy_text else _same
    if column.ref and isinstance(field, models.ForeignKey):
        ids = {code: obj.pk for code, obj in by_code[column.ref].items()}
        return Memo(lambda code: finish(None if code is None else ids[code])).__getitem__
    blank = isinstance(field, (models.CharField, models.TextField))

    def convert(value: Any) -> Any:
        value = _cell(value)
        if value is None and blank:
            return finish("")
        return finish(field.get_db_prep_save(value, connection))

    return Memo(convert).__getitem__


def _same(value: Any) -> Any:
    return value


def _row_kwargs(
    table: Table, model: type[models.Model], row: Any, by_code: dict[str, dict[str, models.Model]]
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for column in table.columns:
        value = _cell(getattr(row, column.name))
        if column.ref and _is_fk(model, column.name):
            kwargs[column.name] = None if value is None else by_code[column.ref][value]
        elif value is None and isinstance(model._meta.get_field(column.name), (models.CharField, models.TextField)):
            kwargs[column.name] = ""
        else:
            kwargs[column.name] = value
    return kwargs


@transaction.atomic
def cycle_delete(*, cycle: catalogue.Cycle) -> None:
    """Delete a cycle and every row of it, children before the rows they reference."""
    for table in reversed(TABLES):
        if not table.single_row:
            MODELS[table.name].objects.filter(cycle=cycle).delete()
    cycle.delete()


def cycle_touch(*, cycle: catalogue.Cycle, scenarios_only: bool = False) -> None:
    """Mark the cycle changed: every write calls this so cached computations are redone.

    `scenarios_only`: the write changed nothing but which proposals explicit scenarios include
    (and their history); results and pages that depend on no explicit scenario stay cached
    (`data_revision` is kept, see fordela.cycle.selectors.cycle_data). Called inside the write's
    transaction: `cycle_changed` receivers (the frozen-invoicing guard of fordela.billing) may
    refuse the write by raising, which rolls it back.
    """
    bump = {"revision": models.F("revision") + 1}
    if not scenarios_only:
        bump["data_revision"] = models.F("data_revision") + 1
    catalogue.Cycle.objects.filter(pk=cycle.pk).update(**bump)
    cycle.refresh_from_db(fields=["revision", "data_revision"])
    cycle_changed.send(sender=catalogue.Cycle, code=cycle.code, scenarios_only=scenarios_only)


def cycle_lock(*, cycle: catalogue.Cycle) -> None:
    """Serialise the writes to one cycle: take the cycle row's lock before reading what to validate.

    Validation reads the whole cycle (`cycle_data`, many queries). Without the lock, another
    write committing between those queries would be half-seen (its proposal amounts but not yet
    its service cost rows, say) and a valid edit refused with "the cost does not add up". Every
    write bumps the cycle row's revision anyway (`cycle_touch`), so writes to one cycle already
    queue on this row; taking it first only moves the wait before the reads. Must run inside the
    write's transaction. (On SQLite, IMMEDIATE transactions serialise writers at BEGIN.)
    """
    list(catalogue.Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk", flat=True))


class AlreadyCreated(Exception):
    """The form was submitted before (same one-time token): `code` is what that submit created."""

    def __init__(self, table: str, code: str) -> None:
        self.table, self.code = table, code
        super().__init__(f"{table} {code} was already created by this form")


def form_token_check(*, cycle: catalogue.Cycle, token: str | None, table: str) -> None:
    """Raise AlreadyCreated when `token` has created something already. Call after `cycle_lock`,
    so a submit racing the first one waits for it and then finds its token."""
    if not token:
        return
    found = cycle_models.FormToken.objects.filter(token=token).first()
    if found is not None:
        raise AlreadyCreated(found.table, found.object)


def form_token_spend(*, cycle: catalogue.Cycle, token: str | None, table: str, code: str) -> None:
    """Record that `token` created `code`, in the creating transaction (unique: one creation per token)."""
    if not token:
        return
    cycle_models.FormToken.objects.create(cycle=cycle, token=token[:64], table=table, object=code)
