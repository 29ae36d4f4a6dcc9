"""Shared by the views: load the cycle of the URL, pick the scenario, build common context."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from math import ceil
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fordela.catalogue.models import Cycle
from fordela.cycle.computed import computed, resolution_of
from fordela.cycle.selectors import CycleNotFound, cycle_data
from fordela.engine.bridge import suppliers
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, ReviewStage
from fordela.engine.scenario import (
    Resolution,
    ScenarioError,
    decided_scenario,
    proposed_scenario,
    scenarios_in_order,
    stages_in_order,
)
from fordela.reports import scenarios as scenario_reports
from fordela.reports.render import as_csv
from fordela.reports.tables import Table
from fordela.web.tables import PAGE_ROWS, HtmlTable, Pager, html_table


@dataclass(frozen=True)
class CycleView:
    cycle: Cycle
    data: CycleData

    @property
    def code(self) -> str:
        return self.cycle.code

    def organisation_name(self, code: str) -> str:
        return lookups(self.data).organisation_name(code)

    def suppliers(self) -> list[tuple[str, str]]:
        return [(s, self.organisation_name(s)) for s in suppliers(self.data)]

    def scenario_choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.name) for s in scenarios_in_order(self.data)]

    @property
    def stages(self) -> tuple[ReviewStage, ...]:
        """The review stages in process order, for every picker of a stage."""
        return stages_in_order(self.data)

    def decided_scenario(self) -> str:
        """The scenario whose decisions stand (`fordela.engine.scenario.decided_scenario`)."""
        return decided_scenario(self.data) or ""

    def proposed_scenario(self) -> str:
        return proposed_scenario(self.data) or ""


def cycle_view(code: str) -> CycleView:
    try:
        data = cycle_data(code)
    except CycleNotFound:
        raise Http404(code) from None
    return CycleView(Cycle.objects.get(code=code), data)


def scenario_summary_of(data: CycleData, code: str) -> scenario_reports.ScenarioSummary:
    """The scenario's bridges, lists and bills (`reports.scenario_summary`), once per revision."""
    build = lambda: scenario_reports.scenario_summary(data, resolution_of(data, code))  # noqa: E731
    return computed(data, "scenario-summary", (code,), build, scenario=code)


def shown_scenario(request: HttpRequest, data: CycleData) -> str | None:
    """The scenario code `chosen_scenario` picks without a default: what a page under
    `fordela.web.pagecache.shared_page` shows (so a toggle of another scenario keeps it cached)."""
    return request.GET.get("scenario") or decided_scenario(data)


def chosen_scenario(request: HttpRequest, view: CycleView, default: str | None = None) -> Resolution:
    """The scenario named by ?scenario=, else `default`, else the decided one."""
    code = request.GET.get("scenario") or default or view.decided_scenario()
    try:
        return resolution_of(view.data, code)
    except ScenarioError:
        raise Http404(f"scenario {code}") from None


# Longer than any code, name or text a filter could match; SQLite refuses LIKE patterns over 50 000.
QUERY_TEXT_MAX = 200


def query_year(request: HttpRequest, years: Sequence[int], default: int, name: str = "year") -> int:
    """The year of ?year= (ASCII digits, one of `years`), else `default`; anything else is a 404,
    like a year the cycle does not have. `2026.0`, `٢٠٢٦` and `abc` are not years."""
    text = request.GET.get(name, "")
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) == 4) or int(text) not in years:
        raise Http404(f"year {text[:20]!r}")
    return int(text)


def query_text(request: HttpRequest, name: str) -> str:
    """A free-text filter of the query string, stripped; one longer than any value it could match
    is ignored with a message rather than sent to the database."""
    text = request.GET.get(name, "").strip()
    if len(text) > QUERY_TEXT_MAX:
        messages.warning(request, _("The search text was too long and was ignored."))
        return ""
    return text


# More pages than any table of a cycle can have: a longer number is not a page, whatever it says.
PAGE_DIGITS_MAX = 6


def query_page(request: HttpRequest, pages: int, name: str = "page") -> int:
    """The page number of ?page= (ASCII digits, 1..`pages`), else 1 when absent; anything else
    (0, -1, 1.5, ٢, a page past the last) is a 404, like a year the cycle does not have."""
    text = request.GET.get(name, "")
    if not text:
        return 1
    if not (text.isascii() and text.isdigit() and len(text) <= PAGE_DIGITS_MAX) or not 1 <= int(text) <= max(pages, 1):
        raise Http404(f"page {text[:20]!r}")
    return int(text)


def suppliers_allowed(user: Any, suppliers: Iterable[str], rule: Callable[[Any, str], bool]) -> frozenset[str]:
    """The suppliers for which `rule(user, supplier)` holds, asked once per distinct supplier:
    a permission reads the user's profile, and a large cycle has thousands of services."""
    return frozenset(s for s in set(suppliers) if rule(user, s))


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
