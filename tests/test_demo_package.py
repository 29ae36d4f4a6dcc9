"""The shipped demo package is exactly what tools/build_demo.py builds, and survives every format."""

from __future__ import annotations

import filecmp
import importlib.util

from fordela.package.reader import read_package
from fordela.package.writer import write_package
from tests.conftest import DEMO, ROOT


def _build_module():
    spec = importlib.util.spec_from_file_location("build_demo", ROOT / "tools" / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_package_is_the_built_one(tmp_path):
    build_demo = _build_module()
    build_demo.build()
    build_demo.write_package(build_demo.build(), tmp_path / "built")
    comparison = filecmp.dircmp(DEMO, tmp_path / "built")
    assert comparison.diff_files == comparison.left_only == comparison.right_only == []


def test_round_trip_through_zip_and_xlsx(demo, tmp_path):
    write_package(demo, tmp_path / "demo.zip")
    from_zip = read_package(tmp_path / "demo.zip")
    write_package(from_zip, tmp_path / "demo.xlsx")
    from_xlsx = read_package(tmp_path / "demo.xlsx")
    assert from_zip == demo == from_xlsx
    write_package(from_xlsx, tmp_path / "again")
    comparison = filecmp.dircmp(DEMO, tmp_path / "again")
    assert comparison.diff_files == comparison.left_only == comparison.right_only == []


def test_illustrative_values_are_labelled(demo):
    assert "illustrativ" in demo.cycle.note
    administrations = [o for o in demo.organisations if o.kind.value != "board"]
    assert administrations and all(o.note == "illustrativ" for o in administrations)
