"""Report tables (fordela.reports) as rows ready for the HTML table partial.

The same `Table` feeds the CLI, documents and pages, so a figure reads the same everywhere; here
it only gets its display strings (Swedish format, from fordela.engine.money) and alignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from fordela.reports.render import display_cell, heading
from fordela.reports.tables import ColumnKind, Table

# Rows of an organisation × service table shown at once; the rest is a page away or downloaded.
PAGE_ROWS = 50


@dataclass(frozen=True)
class Pager:
    """Where one page of a long table sits: rows `first`..`last` of `total`, page `number` of
    `pages`. `query` keeps the page's other query parameters; the links change only `param`."""

    number: int
    pages: int
    first: int
    last: int
    total: int
    param: str
    query: str
    download: str

    def _link(self, **changes: str) -> str:
        query = QueryDict(self.query, mutable=True)
        for name, value in changes.items():
            query[name] = value
        return "?" + query.urlencode()

    @property
    def previous_url(self) -> str:
        return self._link(**{self.param: str(self.number - 1)}) if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self._link(**{self.param: str(self.number + 1)}) if self.number < self.pages else ""

    @property
    def download_url(self) -> str:
        return self._link(download=self.download)


@dataclass(frozen=True)
class HtmlTable:
    title: str
    headings: list[tuple[str, bool]]  # (text, numeric)
    rows: list[tuple[list[tuple[str, bool]], bool]]  # (cells, emphasised)
    notes: tuple[str, ...]
    caption: str = ""
    pager: Pager | None = None


def html_table(table: Table, *, caption: str = "") -> HtmlTable:
    shown = [i for i, c in enumerate(table.columns) if c.shown]
    numeric = {i: table.columns[i].kind is not ColumnKind.TEXT for i in shown}
    rows = []
    for r, row in enumerate(table.rows):
        cells = [(display_cell(table.columns[i], row[i]), numeric[i]) for i in shown]
        rows.append((cells, r in table.emphasis))
    return HtmlTable(
        title=table.title,
        headings=[(heading(table.columns[i]), numeric[i]) for i in shown],
        rows=rows,
        notes=table.notes,
        caption=caption or table.title,
    )


def table_values(table: Table, key: str) -> list[Any]:
    return table.column(key)
