"""Report tables (fordela.reports) as rows ready for the HTML table partial.

The same `Table` feeds the CLI, documents and pages, so a figure reads the same everywhere; here
it only gets its display strings (Swedish format, from fordela.engine.money) and alignment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import ceil
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict

from fordela.reports.render import as_csv, display_cell, heading
from fordela.reports.tables import ColumnKind, Table
from fordela.web.views.common import query_page

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


def page_of(request: HttpRequest, count: int, name: str, *, per_page: int = PAGE_ROWS) -> tuple[range, Pager | None]:
    """The indexes of the rows of `count` shown on the page ?<name>-page= asks for (`query_page`),
    and its pager (None when everything fits on one page)."""
    if count <= per_page:
        return range(count), None
    param = f"{name}-page"
    pages = ceil(count / per_page)
    number = query_page(request, pages, param)
    start = (number - 1) * per_page
    shown = range(start, min(start + per_page, count))
    query = request.GET.copy()
    query.pop(param, None)
    query.pop("download", None)
    return shown, Pager(number, pages, start + 1, shown.stop, count, param, query.urlencode(), name)


def paged_table(
    request: HttpRequest, table: Table, name: str, *, caption: str = "", per_page: int = PAGE_ROWS
) -> HtmlTable:
    """One page of `table` (?<name>-page=, `page_of`): only that page's rows are formatted.

    Sums and subtotals at the end of the table (its emphasised last rows) stand under every
    page. The whole table is a CSV download (``?download=<name>``, `table_download`).
    """
    ending = len(table.rows)
    while ending and (ending - 1) in table.emphasis:
        ending -= 1
    body, pager = page_of(request, ending, name, per_page=per_page)
    if pager is None:
        return html_table(table, caption=caption)
    shown = [*body, *range(ending, len(table.rows))]
    page = replace(
        table,
        rows=tuple(table.rows[i] for i in shown),
        emphasis=frozenset(n for n, i in enumerate(shown) if i in table.emphasis),
    )
    return replace(html_table(page, caption=caption), pager=pager)


def table_download(request: HttpRequest, tables: dict[str, Any]) -> HttpResponse | None:
    """The whole table named by ?download= as CSV, or None when the page is asked for.

    `tables` maps the names given to `paged_table` to the tables (or to functions making them,
    so only the one downloaded is made). An unknown name is a 404.
    """
    name = request.GET.get("download")
    if name is None:
        return None
    if name not in tables:
        raise Http404(f"download {name[:40]!r}")
    table = tables[name]() if callable(tables[name]) else tables[name]
    response = HttpResponse(as_csv(table).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
