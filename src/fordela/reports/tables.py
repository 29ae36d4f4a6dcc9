"""A small tabular value type: typed columns so each output can format money its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[Col, ...]
    rows: tuple[tuple[Any, ...], ...]
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
