"""Zip and workbook containers: layout, hostile archives, workbook cells."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from package_testkit import MINI

from fordela.engine.model import CycleData
from fordela.package import reader
from fordela.package.errors import PackageError, Problem
from fordela.package.reader import read_package
from fordela.package.writer import write_package


def problems(path: Path) -> list[Problem]:
    with pytest.raises(PackageError) as raised:
        read_package(path)
    return raised.value.problems


def zip_folder(path: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(MINI.iterdir()):
            archive.write(file, prefix + file.name)
    return path


# -- zip ----------------------------------------------------------------------------------


def test_zip_with_one_top_folder(mini_data: CycleData, tmp_path: Path) -> None:
    assert read_package(zip_folder(tmp_path / "p.zip", "mini-2026/")) == mini_data


def test_zip_with_macos_litter(mini_data: CycleData, tmp_path: Path) -> None:
    path = zip_folder(tmp_path / "p.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("__MACOSX/._cycle.csv", b"junk")
        archive.writestr(".DS_Store", b"junk")
    assert read_package(path) == mini_data


def test_zip_with_nested_folders(tmp_path: Path) -> None:
    path = zip_folder(tmp_path / "p.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("deep/er/drivers.csv", b"code,name,unit\n")
    found = problems(path)
    assert [(p.table, p.row, p.column) for p in found] == [("", None, None)]
    assert "unexpected path" in found[0].message
    assert found[0].file == "p.zip: deep/er/drivers.csv"


def test_zip_with_a_bad_csv(tmp_path: Path) -> None:
    path = zip_folder(tmp_path / "p.zip", "top/")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("top/colours.csv", b"code\nred\n")
    found = problems(path)
    assert [(p.table, p.row, p.column, p.file) for p in found] == [("colours", None, None, "colours.csv")]


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    path.write_bytes(b"this is not a zip file")
    found = problems(path)
    assert [(p.table, p.row, p.column) for p in found] == [("", None, None)]
    assert "not a valid zip file" in found[0].message


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cycle.csv", b"\0" * (4 * 1024 * 1024))  # ~4 KB on disk
    assert path.stat().st_size < 64 * 1024
    found = problems(path)
    assert [(p.table, p.row, p.column) for p in found] == [("", None, None)]
    assert "zip bomb" in found[0].message and "cycle.csv" in found[0].message


def test_zip_bomb_by_declared_size(tmp_path: Path) -> None:
    """A zip whose directory claims ~4 GB: refused before a byte is unpacked."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("cycle.csv", b"code\n")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    # Central directory header: the uncompressed size is the 4 bytes at offset 24.
    struct.pack_into("<I", data, central + 24, 0xFFFF_FFF0)
    path.write_bytes(bytes(data))
    messages = [p.message for p in problems(path)]
    assert any("would unpack to 4294967280 bytes" in m and "zip bomb" in m for m in messages)


def test_zip_with_too_many_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_ENTRIES", 5)
    found = problems(zip_folder(tmp_path / "p.zip"))
    assert len(found) == 1
    assert "more than the limit of 5" in found[0].message


# -- xlsx ---------------------------------------------------------------------------------
# An exported workbook has the people-friendly layout (fordela.package.workbook): row 1 the
# column names, row 2 Swedish headings, data from row 3.


@pytest.fixture(scope="module")
def mini_book(mini_data: CycleData, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("book") / "mini.xlsx"
    write_package(mini_data, path)
    return path.read_bytes()


@pytest.fixture
def book_path(mini_book: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "mini.xlsx"
    path.write_bytes(mini_book)
    return path


def edit(path: Path, sheet: str, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def test_formula_cell(book_path: Path) -> None:
    edit(book_path, "budget_lines", "D3", "=27100000*1")
    found = problems(book_path)
    assert [(p.table, p.row, p.column) for p in found] == [("budget_lines", 3, "amount")]
    assert "formula" in found[0].message
    assert str(found[0]).startswith("sheet budget_lines row 3, column amount:")


def test_float_money_with_too_many_decimals(book_path: Path) -> None:
    edit(book_path, "budget_lines", "D3", 27_100_000.125)
    found = problems(book_path)
    assert [(p.table, p.row, p.column) for p in found] == [("budget_lines", 3, "amount")]
    assert "more than two decimals: '27100000.125'" in found[0].message


def test_float_money_with_two_decimals(book_path: Path) -> None:
    edit(book_path, "budget_lines", "D3", 27_100_000.25)
    assert read_package(book_path).budget_lines[0].amount == 2_710_000_025


def test_float_year(book_path: Path) -> None:
    edit(book_path, "budget_lines", "B3", 2025.0)
    assert read_package(book_path).budget_lines[0].year == 2025


def test_date_cell(book_path: Path) -> None:
    edit(book_path, "budget_lines", "B3", dt.date(2025, 1, 1))
    found = problems(book_path)
    assert [(p.table, p.row, p.column) for p in found] == [("budget_lines", 3, "year")]
    assert "a date" in found[0].message


def test_bool_cell(book_path: Path) -> None:
    edit(book_path, "proposals", "L3", True)
    assert read_package(book_path).proposals[0].already_decided is True


def test_unknown_sheet(book_path: Path) -> None:
    book = openpyxl.load_workbook(book_path)
    book.create_sheet("Sheet1")
    book.save(book_path)
    found = problems(book_path)
    assert [(p.table, p.row, p.column) for p in found] == [("Sheet1", None, None)]


def test_rows_after_a_gap_keep_their_numbers(book_path: Path) -> None:
    edit(book_path, "organisations", "A10", "Bad Code")
    edit(book_path, "organisations", "B10", "X")
    edit(book_path, "organisations", "C10", "board")
    found = problems(book_path)
    assert [(p.table, p.row, p.column) for p in found] == [("organisations", 10, "code")]


def test_not_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"PK\x03\x04 garbage")
    found = problems(path)
    assert "not a valid .xlsx workbook" in found[0].message


def test_a_zip_of_csv_files_named_xlsx(tmp_path: Path) -> None:
    found = problems(zip_folder(tmp_path / "p.xlsx"))
    assert [(p.table, p.row, p.column) for p in found] == [("", None, None)]
    assert "not a valid .xlsx workbook" in found[0].message
