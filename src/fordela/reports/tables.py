"""A small tabular value type: typed columns so each output can format money its own way."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from typing import Any, overload

from fordela.engine.money import Unit


class ColumnKind(Enum):
    TEXT = "text"
    MONEY = "money"  # int öre
    PERCENT = "percent"  # Fraction ratio (0.042 = 4,2 %)
    NUMBER = "number"  # int or Decimal, shown as is


@dataclass(frozen=True, slots=True)
class Col:
    key: str  # machine name (CSV/JSON header)
    label: str  # Swedish heading
    kind: ColumnKind = ColumnKind.TEXT
    unit: Unit = Unit.MKR
    shown: bool = True  # False: a machine key, in CSV/JSON only


class ColumnRows(Sequence[tuple[Any, ...]]):
    """A table's rows made on demand from columns, a block of rows at a time.

    A table of millions of rows (the invoicing base of a large cycle) would hold a tuple per row
    for its whole life; these rows are made only for the block asked for. `block(start, stop)`
    gives the columns of rows `start` to `stop` (each a list of stop − start cells); the CSV
    writer reads them as columns (`columns`), everything else sees a sequence of row tuples."""

    # Rows made at a time when iterated.
    BLOCK = 65_536

    def __init__(self, length: int, width: int, block: Callable[[int, int], list[list[Any]]]) -> None:
        self._length = length
        self._width = width
        self._block = block

    def __len__(self) -> int:
        return self._length

    def columns(self, start: int, stop: int) -> list[list[Any]]:
        """The columns of rows `start` to `stop` (clipped to the table)."""
        start, stop = max(0, start), min(stop, self._length)
        if stop <= start:
            return [[] for _ in range(self._width)]
        return self._block(start, stop)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[Any, ...], ...]: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | tuple[tuple[Any, ...], ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                return tuple(self)[index]
            return tuple(zip(*self.columns(start, stop), strict=True))
        i = operator.index(index)
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError("row index out of range")
        return tuple(column[0] for column in self.columns(i, i + 1))

    def blocks(self) -> Iterator[list[list[Any]]]:
        """The rows as blocks of `BLOCK` rows, each given as its columns (`tabular.column_blocks`)."""
        for start in range(0, self._length, self.BLOCK):
            yield self.columns(start, start + self.BLOCK)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for columns in self.blocks():
            yield from zip(*columns, strict=True)


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[Col, ...]
    # A tuple of row tuples, or `ColumnRows` for a table too large to hold a tuple per row.
    rows: Sequence[tuple[Any, ...]]
    notes: tuple[str, ...] = field(default=())
    # rows (by index) that are sums or subtotals: shown emphasised
    emphasis: frozenset[int] = field(default=frozenset())

    def column(self, key: str) -> list[Any]:
        i = next(i for i, c in enumerate(self.columns) if c.key == key)
        return [row[i] for row in self.rows]

    def value(self, row_key: str, column_key: str, key_column: str = "line") -> Any:
        """The cell in the row whose `key_column` equals `row_key`."""
        keys = self.column(key_column)
        values = self.column(column_key)
        return values[keys.index(row_key)]


def ratio(part: int, whole: int) -> Fraction | None:
    return None if whole == 0 else Fraction(part, whole)
