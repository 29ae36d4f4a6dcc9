"""The rows of a package table: as text, the way readers and web forms hand them over
(:class:`RawTable`, :class:`RawRow`), and as parsed by validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
class RawTable:
    """One table as text: its header as found, its rows, and where it came from.

    ``source`` is how problems name the place, e.g. ``services.csv`` or ``sheet services``.
    ``unreadable`` marks a table whose file a reader could not parse and has reported
    (not UTF-8, broken CSV): it counts as empty, without complaints that it lacks rows.
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[RawRow, ...] = ()
    source: str | None = None
    unreadable: bool = False

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


@dataclass
class _Row:
    number: int
    values: dict[str, Value]  # the cells that parsed; an empty optional cell is None
    ok: bool = True


@dataclass
class _Parsed:
    table: Table
    rows: list[_Row] = field(default_factory=list)
    present: frozenset[str] = frozenset()  # schema columns found in the header
