"""Problems found in a cycle package, and the one exception that carries all of them.

A package is rejected whole: readers and validators collect every problem they can find and
raise a single :class:`PackageError`, so a person can fix the file in one go instead of
discovering mistakes one upload at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from fordela.package.schema import TABLES, TABLES_BY_NAME

_TABLE_ORDER = {t.name: i for i, t in enumerate(TABLES)}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package, located as a person sees it.

    ``table`` is the table name (``""`` for the package as a whole), ``row`` the row number in
    the file or sheet (header = 1, first data row = 2; ``None`` for the whole table), ``column``
    the column name (``None`` for the whole row). ``file`` is how the location is shown, e.g.
    ``services.csv`` or ``sheet services``; it does not take part in comparisons so tests and
    web forms can compare problems by table, row and column alone.
    """

    table: str
    row: int | None
    column: str | None
    message: str
    file: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = self.file or self.table or "package"
        if self.row is not None:
            where += f" row {self.row}"
            if self.column is not None:
                where += f", column {self.column}"
        elif self.column is not None:
            where += f" column {self.column}"
        return f"{where}: {self.message}"


def _sort_key(problem: Problem) -> tuple[int, str, int, int, str]:
    # Package-level problems first, then tables in schema order, unknown tables last; inside
    # a table by row, then column in schema order, so the list reads like the file.
    table_pos = _TABLE_ORDER.get(problem.table, len(_TABLE_ORDER)) if problem.table else -1
    schema = TABLES_BY_NAME.get(problem.table)
    first = (problem.column or "").split(",")[0].strip()
    names = schema.column_names if schema else ()
    column_pos = names.index(first) if first in names else (-1 if not first else len(names))
    return (table_pos, problem.table, problem.row or 0, column_pos, problem.message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: package, then tables in schema order, rows, columns."""
    return sorted(problems, key=_sort_key)


class PackageError(Exception):
    """A package that cannot be read. ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sort_problems(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
