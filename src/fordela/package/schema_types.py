"""What the package schema is declared with: the kinds of cells, `Column` and `Table`, the length
limits the database shares, and the helpers that declare a column in one line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fordela.engine.parse import AMOUNT, COUNT, DECIMAL, YEAR, NumberFormat

# The limits the database keeps, enforced by validation first (codec.parse_cell) and used by
# the models (catalogue.models.schema_field) so that both can never disagree.
CODE_LENGTH = 64
NAME_LENGTH = 200
TITLE_LENGTH = 300
UNIT_LENGTH = 40
# Excel refuses longer cells; refusing them keeps every valid package writable as .xlsx.
MAX_TEXT_LENGTH = 32_767


class Kind(StrEnum):
    CODE = "code"  # lowercase [a-z0-9_-]+
    TEXT = "text"
    YEAR = "year"  # a year inside the cycle's years
    INTEGER = "integer"
    DECIMAL = "decimal"  # exact decimal, dot as separator
    MONEY = "money"  # SEK with at most two decimals; öre inside
    BOOL = "bool"  # true/false (also 1/0, yes/no, ja/nej on import)
    ENUM = "enum"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    description: str = ""
    ref: str | None = None  # table whose `code` this column names
    choices: type[StrEnum] | None = None
    non_negative: bool = False
    # Characters a code or text may have; the number format of a number column.
    max_length: int | None = None
    number: NumberFormat | None = None

    def __post_init__(self) -> None:
        if self.max_length is None and self.kind in (Kind.CODE, Kind.TEXT):
            object.__setattr__(self, "max_length", CODE_LENGTH if self.kind is Kind.CODE else MAX_TEXT_LENGTH)
        if self.number is None and self.kind in _NUMBER_FORMATS:
            object.__setattr__(self, "number", _NUMBER_FORMATS[self.kind])


@dataclass(frozen=True)
class Table:
    name: str
    row_type: type[Any]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    description: str
    single_row: bool = False
    # (columns here, table there, columns there): a composite reference such as a review's amounts
    composite_refs: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_NUMBER_FORMATS: dict[Kind, NumberFormat] = {
    Kind.YEAR: YEAR,
    Kind.INTEGER: COUNT,
    Kind.MONEY: AMOUNT,
    Kind.DECIMAL: DECIMAL,
}


def _c(name: str, kind: Kind, description: str, **options: Any) -> Column:
    return Column(name=name, kind=kind, description=description, **options)


def _code(description: str = "Unique code of the row") -> Column:
    return _c("code", Kind.CODE, description)


def _ref(name: str, table: str, description: str, *, required: bool = True) -> Column:
    return _c(name, Kind.CODE, description, ref=table, required=required)


def _enum(name: str, choices: type[StrEnum], description: str, *, required: bool = True) -> Column:
    return _c(name, Kind.ENUM, description, choices=choices, required=required)


def _year(name: str, description: str, *, required: bool = True) -> Column:
    return _c(name, Kind.YEAR, description, required=required)


def _money(name: str, description: str, *, required: bool = True, non_negative: bool = False) -> Column:
    return _c(name, Kind.MONEY, description, required=required, non_negative=non_negative)


def _text(name: str, description: str, *, required: bool = False, max_length: int = MAX_TEXT_LENGTH) -> Column:
    return _c(name, Kind.TEXT, description, required=required, max_length=max_length)


def _name(description: str = "Name", *, name: str = "name", max_length: int = NAME_LENGTH) -> Column:
    return _text(name, description, required=True, max_length=max_length)


def guarded(column: Column) -> bool:
    """Whether the column holds text that the writer guards against formulas (and the reader
    unguards): text and codes; numbers, booleans and enums never start with a formula."""
    return column.kind in (Kind.TEXT, Kind.CODE)
