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
