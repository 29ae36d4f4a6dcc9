"""Importing writes the large tables from their columns (COPY on PostgreSQL, executemany of tuples
elsewhere) without a model instance per row; what is read back equals the package."""

from __future__ import annotations

import pytest
from django.db import models

import fordela.cycle.services as services
from fordela.commands.common import demo_package
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.package.reader import read_package


@pytest.mark.django_db
def test_tables_written_from_their_columns_read_back_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    data = read_package(demo_package())
    # Every table without codes takes the column path, so every kind of cell goes through it.
    monkeypatch.setattr(services, "COPY_FROM", 1)
    built: list[str] = []
    original_init = models.Model.__init__

    def counting_init(self: models.Model, *args: object, **kwargs: object) -> None:
        built.append(type(self)._meta.db_table)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(models.Model, "__init__", counting_init)
    cycle_import(data=data)
    monkeypatch.undo()
    participation_table = services.MODELS["participation"]._meta.db_table
    assert participation_table not in built
    assert len(built) < len(data.participation)
    assert cycle_data(data.cycle.code) == data


@pytest.mark.django_db
def test_text_that_copy_would_misread_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """COPY's text format splits on tabs and newlines and reads backslashes and \\N: a note
    holding them is stored as written (PostgreSQL; elsewhere the same rows go by executemany)."""
    from dataclasses import replace

    data = read_package(demo_package())
    notes = ["a\tb", "line\nbreak", "back\\slash", "\\N", "cr\rhere", "", "åäö \\t"]
    rows = list(data.participation)
    rows[: len(notes)] = [replace(row, note=note) for row, note in zip(rows, notes, strict=False)]
    data = replace(data, participation=tuple(rows))
    monkeypatch.setattr(services, "COPY_FROM", 1)
    cycle_import(data=data)
    assert [p.note for p in cycle_data(data.cycle.code).participation[: len(notes)]] == notes


def _foreign_keys(table: str) -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' ORDER BY conname",
            [table],
        )
        return cursor.fetchall()


def _indexes(table: str) -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_large_import_checks_foreign_keys_once_and_keeps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large table's foreign keys and plain indexes are dropped for the COPY and made again
    (validating the table in one query) on PostgreSQL; they are the same keys and indexes
    afterwards, a replacing import works, and a row that breaks a key is still refused."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere large tables keep their row checks")
    data = read_package(demo_package())
    table = services.MODELS["participation"]._meta.db_table
    before = _foreign_keys(table)
    assert len(before) == 3  # cycle, service, organisation
    indexes_before = _indexes(table)
    assert len(indexes_before) >= 4  # primary key, unique per cycle, the keys' indexes
    monkeypatch.setattr(services, "COPY_FROM", 1)
    monkeypatch.setattr(services, "RECHECK_FROM", 1)
    dropped: list[str] = []
    original = services._keys_and_indexes_rebuilt

    def spying(cursor, model, enabled):  # type: ignore[no-untyped-def]
        dropped.append(model._meta.db_table) if enabled else None
        return original(cursor, model, enabled)

    monkeypatch.setattr(services, "_keys_and_indexes_rebuilt", spying)
    cycle_import(data=data)
    cycle_import(data=data, replace=True)
    assert table in dropped
    assert _foreign_keys(table) == before
    assert _indexes(table) == indexes_before
    assert cycle_data(data.cycle.code) == data
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET organisation_id = -1 WHERE id = (SELECT min(id) FROM {table})")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
