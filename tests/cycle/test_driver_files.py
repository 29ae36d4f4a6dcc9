"""Driver values from a plain export (fordela.cycle.drivers, fordela.package.plain): CSV in the
spellings Excel writes, the first sheet of an .xlsx, a header row or none, codes or names."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest

from fordela.catalogue.models import Cycle, Organisation
from fordela.cycle.drivers import driver_file_read
from fordela.cycle.services import cycle_import
from fordela.package.errors import PackageError


@pytest.fixture
def cycle(db, demo) -> Cycle:
    return cycle_import(data=demo)


def test_xlsx_export_with_numbers_and_text(cycle, tmp_path):
    path = tmp_path / "hr.xlsx"
    name = Organisation.objects.get(cycle=cycle, code="forskola").name
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Organisation", "Anställda"])
    sheet.append(["grundskola", 12345])
    sheet.append([f"  {name.upper()} ", 4321.5])  # by name, as HR writes it
    sheet.append(["forskola", "1 000"])  # the same organisation again, by code
    sheet.append(["okand", 7])
    sheet.append(["arbetsmarknad", "1.500"])  # ambiguous: refused, not guessed
    book.save(path)
    found = driver_file_read(cycle=cycle, path=path)
    assert found.values["grundskola"] == Decimal(12345)
    assert found.values["forskola"] == Decimal("4321.5")
    reasons = {p.row: p.reason for p in found.problems}
    assert reasons == {4: "duplicate", 5: "unknown_organisation", 6: "number:dot"}


def test_csv_without_header_comma_separated(cycle, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text('grundskola,"12 345,5"\nforskola,100\n', encoding="utf-8")
    found = driver_file_read(cycle=cycle, path=path)
    assert found.values == {"grundskola": Decimal("12345.5"), "forskola": Decimal(100)}
    assert found.problems == ()


@pytest.mark.parametrize("content", [b"\x00\x00", b"a;1e9\nb;\x00"])
def test_hostile_text_files(cycle, tmp_path, content):
    path = tmp_path / "hr.csv"
    path.write_bytes(content)
    try:
        found = driver_file_read(cycle=cycle, path=path)
    except PackageError:
        return
    assert not found.values


def test_a_workbook_with_a_dtd_is_refused(cycle, tmp_path):
    path = tmp_path / "hr.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(PackageError, match="DTD"):
        driver_file_read(cycle=cycle, path=path)
