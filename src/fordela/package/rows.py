"""The rows of a package table: as text, the way readers and web forms hand them over
(:class:`RawTable`, :class:`RawRow`), and as parsed by validation (:class:`_Parsed`).

Both are kept by column, not by row: a large cycle has millions of participation rows, and a
list of text per column (its repeated codes shared, one object per distinct text) is what lets
validation parse each distinct text once and check whole columns with set operations (issue 12).
The row view (`RawTable.rows`, `_Parsed.row_views`) stays for the small tables and the callers
that build tables row by row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fordela.package.codec import Value
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.schema_types import Table


@dataclass(frozen=True)
class RawRow:
    """One row of text cells as read, aligned with its table's header.

    ``number`` is the row as a person sees it (header = 1). ``reported`` holds the positions
    of cells a reader has already reported (a formula or a date in a workbook) so they are
    treated as invalid without a second message.
    """

    number: int
    values: tuple[str, ...]
    reported: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RawCells:
    """A table's text by column: what validation reads.

    ``columns`` has one list per header column, each as long as ``numbers`` (a short row is
    padded with empty cells). ``overflow`` holds the indexes of rows with text beyond the
    header; ``reported`` maps a row index to the positions a reader has reported.
    """

    numbers: Sequence[int]
    columns: Sequence[Sequence[str]]
    overflow: frozenset[int] = frozenset()
    reported: Mapping[int, frozenset[int]] = field(default_factory=dict)


class RawTable:
    """One table as text: its header as found, its rows, and where it came from.

    ``source`` is how problems name the place, e.g. ``services.csv`` or ``sheet services``.
    ``unreadable`` marks a table whose file a reader could not parse and has reported
    (not UTF-8, broken CSV): it counts as empty, without complaints that it lacks rows.

    Built row by row (``RawTable(name, header, rows)``) or by column (:meth:`from_columns`, what
    the CSV reader does); either way `rows` and `cells` give both views.
    """

    __slots__ = ("name", "header", "source", "unreadable", "_rows", "_cells")

    def __init__(
        self,
        name: str,
        header: tuple[str, ...],
        rows: Sequence[RawRow] = (),
        source: str | None = None,
        unreadable: bool = False,
    ) -> None:
        self.name = name
        self.header = header
        self.source = source
        self.unreadable = unreadable
        self._rows: tuple[RawRow, ...] | None = tuple(rows)
        self._cells: RawCells | None = None

    @classmethod
    def from_columns(
        cls,
        name: str,
        header: tuple[str, ...],
        cells: RawCells,
        source: str | None = None,
    ) -> RawTable:
        table = cls(name, header, (), source)
        table._rows = None
        table._cells = cells
        return table

    @property
    def rows(self) -> tuple[RawRow, ...]:
        if self._rows is None:
            cells = self.cells()
            self._rows = tuple(
                RawRow(number, tuple(values), cells.reported.get(i, frozenset()))
                for i, (number, values) in enumerate(zip(cells.numbers, _row_tuples(cells), strict=True))
            )
        return self._rows

    def cells(self) -> RawCells:
        """The text by column (built from the rows once when the table was built by rows)."""
        if self._cells is None:
            self._cells = _cells_of(self._rows or (), len(self.header))
        return self._cells

    def __repr__(self) -> str:
        return f"RawTable({self.name!r}, {self.header!r}, {len(self.cells().numbers)} rows, source={self.source!r})"

    @classmethod
    def from_records(
        cls,
        name: str,
        records: Sequence[Mapping[str, str]],
        *,
        first_row: int = 2,
        source: str | None = None,
    ) -> RawTable:
        """A table from dicts of column → text, e.g. the rows of a web form.

        The header is the schema's columns (plus any unknown keys, which are then reported),
        so a field left out of a record counts as an empty cell rather than a missing column.
        """
        table = TABLES_BY_NAME.get(name)
        header = list(table.column_names) if table else []
        for record in records:
            header.extend(k for k in record if k not in header)
        rows = tuple(
            RawRow(first_row + i, tuple(record.get(h, "") for h in header)) for i, record in enumerate(records)
        )
        return cls(name, tuple(header), rows, source)


def _row_tuples(cells: RawCells) -> Iterator[tuple[str, ...]]:
    if cells.columns:
        return zip(*cells.columns, strict=True)
    return iter([()] * len(cells.numbers))


def _cells_of(rows: Sequence[RawRow], width: int) -> RawCells:
    """Rows of text turned into columns, short rows padded and the text beyond the header noted."""
    overflow: list[int] = []
    reported: dict[int, frozenset[int]] = {}
    aligned: list[Sequence[str]] = []
    for i, row in enumerate(rows):
        values = row.values
        if len(values) != width:
            if any(v.strip() for v in values[width:]):
                overflow.append(i)
            values = (tuple(values) + ("",) * width)[:width]
        if row.reported:
            reported[i] = row.reported
        aligned.append(values)
    columns = [list(c) for c in zip(*aligned, strict=True)] if aligned else [[] for _ in range(width)]
    return RawCells([r.number for r in rows], columns or [[] for _ in range(width)], frozenset(overflow), reported)


class _Failed:
    """A cell that did not parse (reported already): what the row has instead of a value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FAILED"


FAILED: Any = _Failed()


class _Row:
    """One parsed row as a dict, for the rules over small tables; ``ok`` writes through."""

    __slots__ = ("number", "values", "_parsed", "_index")

    def __init__(self, parsed: _Parsed, index: int, number: int, values: dict[str, Value]) -> None:
        self.number = number
        self.values = values  # the cells that parsed; an empty optional cell is None
        self._parsed = parsed
        self._index = index

    @property
    def ok(self) -> bool:
        return self._index not in self._parsed.bad

    @ok.setter
    def ok(self, value: bool) -> None:
        if value:
            self._parsed.bad.discard(self._index)
        else:
            self._parsed.bad.add(self._index)


@dataclass
class _Parsed:
    """One table as parsed: a list of values per schema column (`FAILED` where a cell did not
    parse or its column is missing, ``None`` for an empty optional cell), the row numbers, and
    the indexes of rows that are not valid."""

    table: Table
    numbers: Sequence[int] = ()
    values: dict[str, list[Any]] = field(default_factory=dict)
    present: frozenset[str] = frozenset()  # schema columns found in the header
    bad: set[int] = field(default_factory=set)
    order: Any = None  # the primary-key order when validation worked it out (large tables)

    def __post_init__(self) -> None:
        if not self.values:
            self.values = {c.name: [] for c in self.table.columns}

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[Any]:
        return self.values[name]

    def row_views(self) -> list[_Row]:
        names = list(self.values)
        return [
            _Row(self, i, number, {n: v for n, v in zip(names, cells, strict=True) if v is not FAILED})
            for i, (number, cells) in enumerate(zip(self.numbers, zip(*self.values.values(), strict=True), strict=True))
        ]
