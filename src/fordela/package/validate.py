"""Validation of a cycle package: raw text cells → typed ``CycleData`` plus every problem.

This is the seam every input goes through. Readers (CSV folder, .zip, .xlsx) turn their
files into :class:`~fordela.package.rows.RawTable` objects — header and rows of text, with the
row numbers a person sees — and a web form can build the same objects with
:meth:`RawTable.from_records`. :func:`check_tables` then parses every cell by its column kind
from ``schema`` and runs the table-level rules (here) and the semantic rules
(``semantic_rules``), collecting *all* problems instead of stopping at the first.

Rules that need a value skip rows where that value failed to parse: the parse failure is
already reported, and a second, derived complaint would only send a person looking for a
mistake that is not there.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any

from fordela.engine import model as m
from fordela.engine.records import build_rows, without_gc
from fordela.package.codec import CellError, Value, parse_cell, text_columns
from fordela.package.errors import PackageError, Problem, sort_problems
from fordela.package.rows import FAILED, RawCells, RawTable, _Parsed, _Row
from fordela.package.schema import TABLES, TABLES_BY_NAME
from fordela.package.schema_types import Column, Kind, Table
from fordela.package.semantic_rules import _q, _Rules

# Singular nouns for messages such as "unknown organisation 'x'".
_NOUNS = {
    "organisations": "organisation",
    "drivers": "driver",
    "keys": "key",
    "services": "service",
    "review_stages": "review stage",
    "proposals": "proposal",
    "reviews": "review",
    "scenarios": "scenario",
}


def _defaults(row_type: type[Any]) -> dict[str, Any]:
    return {f.name: f.default for f in fields(row_type) if f.default is not MISSING}


class _Checker(_Rules):
    """Runs every rule over one set of raw tables, collecting problems.

    Works a column at a time: each distinct text of a column is parsed once and the column's
    values are looked up from those (the codes, years and notes of a large table repeat on
    every row), and the table rules are set operations over whole columns. Only rows with a
    problem are visited one by one, to report them.
    """

    # -- cells ---------------------------------------------------------------------------

    def parse(self) -> None:
        known = ", ".join(t.name for t in TABLES)
        for name in self.raw:
            if name not in TABLES_BY_NAME:  # reported even when unreadable
                self.add(name, None, None, f"unknown table {_q(name)}; the tables are: {known}")
        for table in TABLES:
            raw = self.raw.get(table.name)
            if raw is None:
                self.parsed[table.name] = _Parsed(table, present=frozenset(table.column_names))
                if table.single_row:
                    message = "table is missing: a package needs it, with exactly one row"
                    self.add(table.name, None, None, message)
                continue
            if raw.unreadable:
                # No columns count as present, so references into it are not checked.
                self.parsed[table.name] = _Parsed(table)
                continue
            self.parsed[table.name] = self._parse_table(table, raw)

    def _header(self, table: Table, raw: RawTable) -> dict[str, int]:
        name = table.name
        first: dict[str, int] = {}
        for i, column in enumerate(raw.header):
            if not column:
                self.add(name, 1, None, f"column {i + 1} has no name")
            elif column in first:
                message = f"column appears twice (columns {first[column] + 1} and {i + 1})"
                self.add(name, 1, column, message)
            else:
                first[column] = i
                if column not in table.column_names:
                    expected = ", ".join(table.column_names)
                    message = f"unknown column {_q(column)}; the columns of {name} are: {expected}"
                    self.add(name, 1, column, message)
        for column_def in table.columns:
            if column_def.required and column_def.name not in first:
                self.add(name, 1, column_def.name, "required column is missing")
        return {c: i for c, i in first.items() if c in table.column_names}

    def _parse_table(self, table: Table, raw: RawTable) -> _Parsed:
        positions = self._header(table, raw)
        cells = raw.cells()
        keep = _non_blank(cells)
        numbers: Sequence[int] = cells.numbers
        columns = cells.columns
        reported = cells.reported
        if keep is not None:  # blank lines are layout, not data
            numbers = [numbers[i] for i in keep]
            columns = [[c[i] for i in keep] for c in columns]
            old_to_new = {old: new for new, old in enumerate(keep)}
            reported = {old_to_new[i]: r for i, r in reported.items() if i in old_to_new}
            overflow = [old_to_new[i] for i in cells.overflow]
        else:
            overflow = list(cells.overflow)
        count = len(numbers)
        parsed = _Parsed(table, numbers=numbers, present=frozenset(positions))
        width = len(raw.header)
        for i in sorted(overflow):
            self.add(table.name, numbers[i], None, f"more cells than the {width} columns of the header")
            parsed.bad.add(i)
        for column in table.columns:
            index = positions.get(column.name)
            if index is None:
                # A missing required column is reported once, on the header.
                if column.required:
                    parsed.values[column.name] = [FAILED] * count
                    parsed.bad.update(range(count))
                else:
                    parsed.values[column.name] = [None] * count
                continue
            skip = {i for i, at in reported.items() if index in at}
            parsed.values[column.name] = self._parse_column(
                table.name, column, columns[index], numbers, parsed.bad, skip
            )
        if table.single_row and count != 1:
            if not count:
                self.add(table.name, None, None, "has no rows: it needs exactly one")
            for number in numbers[1:]:
                self.add(table.name, number, None, "a second row: this table has exactly one")
        return parsed

    def _parse_column(
        self, name: str, column: Column, texts: Sequence[str], numbers: Sequence[int], bad: set[int], skip: set[int]
    ) -> list[Value]:
        """The values of one column: each distinct text parsed once, every failing cell reported
        (but not the cells in `skip`, which a reader reported already: they only fail)."""
        parsed: dict[str, Value] = {}
        errors: dict[str, str] = {}
        for text in set(texts):
            try:
                parsed[text] = parse_cell(column, text)
            except CellError as error:
                parsed[text] = FAILED
                errors[text] = str(error)
        values = list(map(parsed.__getitem__, texts))
        if errors:
            for i, text in enumerate(texts):
                if text in errors:
                    bad.add(i)
                    if i not in skip:
                        self.add(name, numbers[i], column.name, errors[text])
        for i in skip:
            values[i] = FAILED
            bad.add(i)
        return values

    # -- tables --------------------------------------------------------------------------

    def primary_keys(self) -> None:
        for name, parsed in self.parsed.items():
            pk = parsed.table.primary_key
            order = _key_order(parsed)
            if order is not None:
                # Sorted by key, a key given twice sits next to itself: none is, or go and find it.
                parsed.order = order
                if not order.duplicates:
                    continue
            keys = list(zip(*(parsed.column(c) for c in pk), strict=True))
            if order is None and len(set(keys)) == len(keys):
                continue  # no key twice (a key with a missing part is not checked anyway)
            seen: dict[tuple[Value, ...], int] = {}
            for i, key in enumerate(keys):
                if None in key or FAILED in key:
                    continue
                number = parsed.numbers[i]
                if key in seen:
                    described = ", ".join(f"{c} {_q(v)}" for c, v in zip(pk, key, strict=True))
                    message = f"duplicate {described}: already on row {seen[key]}"
                    self.add(name, number, ", ".join(pk), message)
                    parsed.bad.add(i)
                else:
                    seen[key] = number

    def references(self) -> None:
        codes: dict[str, set[Value]] = {
            name: set(parsed.column("code"))
            for name, parsed in self.parsed.items()
            if "code" in parsed.table.column_names
        }
        for parsed in self.parsed.values():
            for column in parsed.table.columns:
                target = column.ref
                # A target without its code column has that reported already; checking
                # against nothing would flag every reference.
                if target is None or "code" not in self.parsed[target].present:
                    continue
                values = parsed.column(column.name)
                unknown = set(values) - codes[target] - {None, FAILED}
                if not unknown:
                    continue
                noun = _NOUNS.get(target, target)
                for i, value in enumerate(values):
                    if value in unknown:
                        self._flag_at(parsed, i, column.name, f"unknown {noun} {_q(value)}")
            for here, target, there in parsed.table.composite_refs:
                if not set(there) <= self.parsed[target].present:
                    continue
                keys = set(zip(*(self.parsed[target].column(c) for c in there), strict=True))
                wanted = list(zip(*(parsed.column(c) for c in here), strict=True))
                missing = {k for k in set(wanted) - keys if None not in k and FAILED not in k}
                if not missing:
                    continue
                noun = _NOUNS.get(target, target)
                for i, key in enumerate(wanted):
                    if key in missing:
                        described = ", ".join(f"{c} {_q(v)}" for c, v in zip(here, key, strict=True))
                        self._flag_at(parsed, i, ", ".join(here), f"no {noun} with {described}")

    def cycle(self) -> m.Cycle | None:
        rows = self.rows("cycle")
        if len(rows) != 1 or not rows[0].ok:
            return None
        return m.Cycle(**self._kwargs(self.parsed["cycle"].table, rows[0]))

    def years(self, cycle: m.Cycle) -> None:
        row = self.rows("cycle")[0].number
        if cycle.base_year >= cycle.target_year:
            message = f"base_year {cycle.base_year} must be before target_year {cycle.target_year}"
            self.add("cycle", row, "base_year", message)
        years = cycle.years
        if not years:
            message = f"last_year {years.stop - 1} is before first_year {years.start}"
            self.add("cycle", row, "last_year", message)
            return
        span = f"{years.start}–{years.stop - 1}"
        for parsed in self.parsed.values():
            for column in parsed.table.columns:
                if column.kind is not Kind.YEAR:
                    continue
                values = parsed.column(column.name)
                outside = {v for v in set(values) if isinstance(v, int) and v not in years}
                for i, value in enumerate(values) if outside else ():
                    if value in outside:
                        self._flag_at(parsed, i, column.name, f"year {value} is outside the cycle's years {span}")

    # -- result --------------------------------------------------------------------------

    def _kwargs(self, table: Table, row: _Row) -> dict[str, Any]:
        defaults = _defaults(table.row_type)
        return {name: defaults.get(name) if value is None else value for name, value in row.values.items()}

    def build(self) -> m.CycleData | None:
        # A row can be invalid without a problem of ours: its reader reported the cell.
        if self.problems or any(p.bad for p in self.parsed.values()):
            return None
        tables: dict[str, Any] = {}
        for table in TABLES:
            parsed = self.parsed[table.name]
            if table.single_row:
                tables[table.name] = table.row_type(**self._kwargs(table, parsed.row_views()[0]))
            else:
                tables[table.name] = _build_rows(table, parsed)
        return m.CycleData(**tables)


def _non_blank(cells: RawCells) -> list[int] | None:
    """The indexes of the rows that hold anything, or None when every row does.

    A row is blank when all its cells are empty or spaces, it has no text beyond the header and
    no cell a reader reported. Each column's distinct texts are judged once.
    """
    count = len(cells.numbers)
    blank_rows: set[int] | None = None
    for column in cells.columns:
        blank_texts = {t for t in set(column) if not t.strip()}
        if not blank_texts:
            return None  # a column with text on every row: no row is blank
        here = {i for i in (range(count) if blank_rows is None else blank_rows) if column[i] in blank_texts}
        blank_rows = here
        if not blank_rows:
            return None
    if blank_rows is None:
        blank_rows = set(range(count))  # no columns at all
    blank_rows -= cells.overflow
    blank_rows -= cells.reported.keys()
    if not blank_rows:
        return None
    return [i for i in range(count) if i not in blank_rows]


# Tables with more rows than this are ordered by NumPy over integer ranks of their key columns
# rather than by comparing tuples in Python: the participation of a large cycle has millions.
_NUMPY_SORT_FROM = 50_000


@dataclass(frozen=True)
class _KeyOrder:
    """The rows of a large table in primary-key order, and whether a key is there twice."""

    order: Any  # NumPy array of row indexes, or None when the rows are in order already
    duplicates: bool


def _key_order(parsed: _Parsed) -> _KeyOrder | None:
    """The key order of a large table whose key cells all parsed, else None (small tables and
    tables with problems are sorted and checked by comparing tuples)."""
    if len(parsed) < _NUMPY_SORT_FROM:
        return None
    import numpy as np  # only for a large table

    ranks = []
    for name in parsed.table.primary_key:
        column = parsed.column(name)
        distinct = set(column)
        if None in distinct or FAILED in distinct:
            return None
        rank_of = {value: i for i, value in enumerate(sorted(distinct))}
        ranks.append(np.fromiter(map(rank_of.__getitem__, column), dtype=np.int64, count=len(column)))
    # lexsort sorts by the last key first; it is stable, as sorted() is.
    order = np.lexsort(ranks[::-1])
    same = np.ones(len(order) - 1, dtype=bool)
    for rank in ranks:
        ordered = rank[order]
        same &= ordered[1:] == ordered[:-1]
    in_order = bool((order[1:] > order[:-1]).all())
    return _KeyOrder(None if in_order else order, bool(same.any()))


def _sorted_order(table: Table, parsed: _Parsed) -> Sequence[int] | None:
    """The row order by primary key (as `codec.sort_rows`), or None when the rows are in it."""
    if parsed.order is not None:
        return parsed.order.order  # type: ignore[no-any-return]
    keys = list(zip(*(parsed.column(c) for c in table.primary_key), strict=True))
    if all(map(operator.le, keys, itertools.islice(keys, 1, None))):
        return None
    return sorted(range(len(keys)), key=keys.__getitem__)


def _build_rows(table: Table, parsed: _Parsed) -> tuple[Any, ...]:
    """The typed rows of a valid table, sorted by primary key, built column by column."""
    row_type = table.row_type
    defaults = _defaults(row_type)
    names = [f.name for f in fields(row_type)]
    assert set(names) == set(table.column_names), f"{table.name}: the row type and the schema disagree"
    columns: list[Sequence[Any]] = []
    for name in names:
        values = parsed.column(name)
        default = defaults.get(name)
        if default is not None and None in values:
            values = [default if v is None else v for v in values]
        columns.append(values)
    rows = build_rows(row_type, names, columns)
    order = _sorted_order(table, parsed)
    if order is None:
        return tuple(rows)
    return tuple(map(rows.__getitem__, order.tolist() if hasattr(order, "tolist") else order))


def check_tables(raw: Mapping[str, RawTable]) -> tuple[m.CycleData | None, list[Problem]]:
    """Parse and validate raw tables: the data when there is no problem, and all problems.

    `raw` maps table name → :class:`RawTable`; a table that is absent is empty (only the
    single-row ``cycle`` table is required). The problems come sorted in reading order.
    """
    with without_gc():
        return _check_tables(raw)


def _check_tables(raw: Mapping[str, RawTable]) -> tuple[m.CycleData | None, list[Problem]]:
    checker = _Checker(raw)
    checker.parse()
    checker.primary_keys()
    checker.references()
    cycle = checker.cycle()
    if cycle is not None:
        checker.years(cycle)
    checker.semantics(cycle)
    return checker.build(), sort_problems(checker.problems)


def validate_tables(raw: Mapping[str, RawTable]) -> list[Problem]:
    """Every problem in `raw` (see :func:`check_tables`); an empty list means valid."""
    return check_tables(raw)[1]


def build_cycle_data(raw: Mapping[str, RawTable]) -> m.CycleData:
    """The ``CycleData`` of `raw`, or :class:`PackageError` listing every problem."""
    data, problems = check_tables(raw)
    if problems or data is None:
        raise PackageError(problems)
    return data


def validate_cycle_data(data: m.CycleData) -> list[Problem]:
    """Every problem in already-typed data, e.g. a cycle assembled from the database.

    The data is formatted as a package would be and checked by the same rules, so the
    database and the files can never accept different things.
    """
    raw = {}
    for table in TABLES:
        columns = text_columns(data, table)
        count = len(columns[0]) if columns else 0
        raw[table.name] = RawTable.from_columns(table.name, table.column_names, RawCells(range(2, 2 + count), columns))
    return validate_tables(raw)
