"""Helpers for the package tests: the mini package and a copy of it to break cell by cell.

(A uniquely named module rather than imports from conftest, which other test folders have too.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fordela.engine.model import CycleData
from fordela.package.errors import PackageError, Problem
from fordela.package.reader import read_package

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


class Pkg:
    """A copy of the mini package in a temporary folder, edited cell by cell.

    Rows are numbered as a person sees them in the file: header = 1, first data row = 2.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def file(self, table: str) -> Path:
        return self.folder / f"{table}.csv"

    def rows(self, table: str) -> list[list[str]]:
        text = self.file(table).read_text(encoding="utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def save(self, table: str, rows: list[list[str]]) -> None:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self.file(table).write_text(buffer.getvalue(), encoding="utf-8")

    def set(self, table: str, row: int, column: str, value: str) -> None:
        rows = self.rows(table)
        index = rows[0].index(column)
        rows[row - 1][index] = value
        self.save(table, rows)

    def cell(self, table: str, row: int, column: str) -> str:
        rows = self.rows(table)
        return rows[row - 1][rows[0].index(column)]

    def append(self, table: str, **values: str) -> int:
        """Add a row (unnamed columns empty); returns its row number."""
        rows = self.rows(table)
        rows.append([values.pop(c, "") for c in rows[0]])
        assert not values, f"no such columns: {values}"
        self.save(table, rows)
        return len(rows)

    def truncate(self, table: str) -> None:
        """Keep the header only."""
        self.save(table, self.rows(table)[:1])

    def drop_column(self, table: str, column: str) -> None:
        rows = self.rows(table)
        index = rows[0].index(column)
        self.save(table, [r[:index] + r[index + 1 :] for r in rows])

    def problems(self, path: Path | None = None) -> list[Problem]:
        """The problems of the package, asserting that reading it fails."""
        with pytest.raises(PackageError) as raised:
            read_package(path or self.folder)
        return raised.value.problems

    def places(self, path: Path | None = None) -> list[tuple[str, int | None, str | None]]:
        """(table, row, column) of every problem."""
        return [(p.table, p.row, p.column) for p in self.problems(path)]

    def read(self) -> CycleData:
        return read_package(self.folder)
