"""Import into the database and export back: the same cycle, the same files, all or nothing."""

from __future__ import annotations

import filecmp
from dataclasses import replace

import pytest

from fordela.catalogue.models import Cycle, Organisation
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import MODELS, CycleExistsError, cycle_delete, cycle_import
from fordela.package.schema import TABLES
from fordela.package.writer import write_package

pytestmark = pytest.mark.django_db


def test_every_table_has_a_model_with_its_columns():
    for table in TABLES:
        model = Cycle if table.single_row else MODELS[table.name]
        names = {f.name for f in model._meta.get_fields()}
        assert set(table.column_names) <= names, table.name


def test_database_round_trip_gives_identical_package(demo, tmp_path):
    cycle_import(data=demo)
    assert cycle_data("goteborg-2026") == demo
    write_package(demo, tmp_path / "from-file")
    write_package(cycle_data("goteborg-2026"), tmp_path / "from-db")
    comparison = filecmp.dircmp(tmp_path / "from-file", tmp_path / "from-db")
    assert comparison.left_only == comparison.right_only == comparison.diff_files == []
    assert len(comparison.same_files) == len(TABLES)


def test_import_refuses_existing_code_unless_replace(mini):
    cycle_import(data=mini)
    with pytest.raises(CycleExistsError):
        cycle_import(data=mini)
    renamed = replace(mini, cycle=replace(mini.cycle, title="Ny titel"))
    cycle_import(data=renamed, replace=True)
    assert Cycle.objects.get(code=mini.cycle.code).title == "Ny titel"
    assert cycle_data(mini.cycle.code) == renamed


def test_failed_import_leaves_nothing(mini):
    broken = replace(mini, proposals=(*mini.proposals, replace(mini.proposals[0], supplier="no-such-org")))
    with pytest.raises(KeyError):
        cycle_import(data=broken)
    assert not Cycle.objects.exists()
    assert not Organisation.objects.exists()


def test_delete_removes_every_row(mini):
    cycle = cycle_import(data=mini)
    cycle_delete(cycle=cycle)
    for model in MODELS.values():
        assert not model.objects.exists()
