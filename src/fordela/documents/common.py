"""What every document needs: report tables as display text, short labels, safe file writing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fordela.engine.model import CycleData
from fordela.reports.cycle import line_labels
from fordela.reports.render import display_cell, heading
from fordela.reports.tables import ColumnKind, Table

Progress = Callable[[str], None]


def no_progress(_: str) -> None:
    """The default progress callback: silent."""


@dataclass(frozen=True, slots=True)
class TableView:
    """A report table as the text a document shows: headings, cells, which columns are numbers."""

    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    emphasis: frozenset[int]
    notes: tuple[str, ...]


def view(table: Table, keys: Sequence[str] | None = None, *, rows: Sequence[int] | None = None) -> TableView:
    """`table` as display text: the shown columns (or those named by `keys`), all rows or `rows`."""
    if keys is None:
        indexes = [i for i, c in enumerate(table.columns) if c.shown]
    else:
        by_key = {c.key: i for i, c in enumerate(table.columns)}
        indexes = [by_key[k] for k in keys]
    picked = list(range(len(table.rows))) if rows is None else list(rows)
    cells = tuple(tuple(display_cell(table.columns[i], table.rows[r][i]) for i in indexes) for r in picked)
    emphasis = frozenset(n for n, r in enumerate(picked) if r in table.emphasis)
    return TableView(
        title=table.title,
        headings=tuple(heading(table.columns[i]) for i in indexes),
        rows=cells,
        numeric=tuple(table.columns[i].kind is not ColumnKind.TEXT for i in indexes),
        emphasis=emphasis,
        notes=table.notes,
    )


def chunks(count: int, size: int) -> list[range]:
    """Row ranges of at most `size` rows, so long tables continue on the next slide or page."""
    return [range(start, min(start + size, count)) for start in range(0, count, size)] or [range(0)]


SHORT_LINE_LABELS = {
    "management_budget_base": "Budget {base}",
    "development_within_service": "Utveckling inom tjänst",
    "supplier_contracts": "Leverantörsavtal",
    "settlement": "Avräkning",
    "efficiency": "Effektivisering",
    "existing_delivery": "Befintlig leverans",
    "new_services": "Nya tjänster",
    "volume": "Volymer",
    "initiative_management": "Förvaltning insatser",
    "management_cost": "Förvaltning {target}",
    "change_initiatives": "Förändringsinsatser",
    "total": "Totalt",
}


def short_line_labels(data: CycleData) -> dict[str, str]:
    """Bridge line labels short enough for a chart axis."""
    years = {"base": data.cycle.base_year, "target": data.cycle.target_year}
    labels = {name: text.format(**years) for name, text in SHORT_LINE_LABELS.items()}
    # Lines added to the bridge later fall back to their full label.
    return {**line_labels(data), **labels}
