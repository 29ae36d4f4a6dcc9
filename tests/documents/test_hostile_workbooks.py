"""Hostile workbooks (tests/fixtures/hostile, made by make.py there) are refused with a clear message."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import ROOT

from fordela.package import reader
from fordela.package.errors import PackageError
from fordela.package.reader import read_package

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"


def _make_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("hostile_make", HOSTILE / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make = _make_module()


def refusal(path: Path) -> str:
    with pytest.raises(PackageError) as raised:
        read_package(path)
    assert len(raised.value.problems) == 1
    problem = raised.value.problems[0]
    assert (problem.table, problem.row, problem.column) == ("", None, None)
    return problem.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("zip-bomb.xlsx", "compressed 1000:1, more than the limit of 200:1 (a zip bomb?)"),
        ("billion-laughs.xlsx", "declares a DTD or XML entities, which a workbook never needs (a billion-laughs"),
        ("malformed.xlsx", "not a valid .xlsx workbook: ParseError"),
    ],
)
def test_hostile_workbook_is_refused(name: str, expected: str) -> None:
    path = HOSTILE / name
    assert path.stat().st_size < 16 * 1024
    assert expected in refusal(path)


def test_fixtures_are_what_make_py_writes() -> None:
    for name, sheet in make.HOSTILE_SHEETS.items():
        assert (HOSTILE / name).read_bytes() == make.workbook_bytes(sheet), f"run {HOSTILE / 'make.py'}"


def test_the_scaffolding_alone_is_a_readable_workbook(tmp_path: Path) -> None:
    """So that the hostile files fail for their hostile part, not for their frame."""
    path = tmp_path / "plain.xlsx"
    path.write_bytes(make.workbook_bytes(make.SHEET))
    book = openpyxl.load_workbook(path, read_only=True)
    assert list(book["cycle"].iter_rows(values_only=True)) == [("code", "title"), ("demo", "Demo")]
    book.close()


def test_entities_are_refused_by_the_parser_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the DTD scan, defusedxml (which openpyxl must use) still refuses to expand."""
    monkeypatch.setattr(reader, "_refuse_dtd", lambda archive, path: None)
    message = refusal(HOSTILE / "billion-laughs.xlsx")
    assert "declares entities or a DTD" in message and "EntitiesForbidden" in message


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_no_workbook_is_read_without_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("openpyxl.xml.DEFUSEDXML", False)
    assert "only read with defusedxml" in refusal(HOSTILE / "malformed.xlsx")


def test_a_sheet_wider_than_the_limit(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "drivers"
    book.active.append(["code", "name", "unit"])
    book.active.cell(row=2, column=5000, value="far away")
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(PackageError) as raised:
        read_package(tmp_path / "wide.xlsx")
    found = [(p.table, p.row, p.message) for p in raised.value.problems if p.table == "drivers"]
    assert found == [("drivers", 2, f"more than {reader.MAX_COLUMNS} columns")]


def test_a_bad_header_rows_name(tmp_path: Path) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.Workbook()
    book.defined_names["fordela_header_rows"] = DefinedName("fordela_header_rows", attr_text="99")
    book.save(tmp_path / "bad.xlsx")
    assert "fordela_header_rows must be a number from 1 to" in refusal(tmp_path / "bad.xlsx")
