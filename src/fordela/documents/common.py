"""What every document needs: its metadata, language and paper (A4), report tables as display
text, short labels.

`docx_properties`, `pptx_properties` and `pdf_info` apply one `DocumentInfo` (title, author =
the publishing organisation, date, sv-SE) to each kind of file; the values come from
`fordela.package.document_info`, which the workbook (a layer below) uses too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fordela.engine.model import CycleData
from fordela.package.document_info import A4_MM, DocumentInfo
from fordela.package.document_info import document_info as document_info  # the writers' one import
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


def docx_properties(document: Any, info: DocumentInfo) -> None:
    """Title, author, date and language in the core properties; Swedish as the default language of
    every style (spell checking, hyphenation, screen readers); every section on A4 portrait."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    _core_properties(document.core_properties, info)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault"))
    properties = run_defaults.find(qn("w:rPr"))
    language = properties.find(qn("w:lang"))
    if language is None:
        language = properties.makeelement(qn("w:lang"), {})
        properties.append(language)
    language.set(qn("w:val"), info.language)
    for section in document.sections:
        section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])


def repeat_header(table: Any) -> None:
    """Mark a python-docx table's first row as its header: Word and LibreOffice repeat it on every
    page the table runs onto, and screen readers announce it as the column headings."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table.rows[0]._tr.get_or_add_trPr()
    if properties.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        properties.append(header)


def pptx_properties(presentation: Any, info: DocumentInfo) -> None:
    """Title, author, date and language in the core properties, and `info.language` on every
    run, paragraph end and text default of the slides, layouts and masters — PowerPoint and
    LibreOffice take a text's language from its run, not from the file's properties."""
    _core_properties(presentation.core_properties, info)
    parts = [presentation.part, *presentation.slide_masters, *presentation.slide_layouts, *presentation.slides]
    for part in parts:
        element = part._element if hasattr(part, "_element") else part
        for run in element.xpath(".//a:rPr | .//a:endParaRPr | .//a:defRPr"):
            run.set("lang", info.language)


def _core_properties(core: Any, info: DocumentInfo) -> None:
    core.title, core.author, core.subject = info.title, info.author, info.subject
    core.last_modified_by = info.author
    core.language = info.language
    core.created = core.modified = info.timestamp.replace(tzinfo=None)
    # The templates' own print date (2013 in python-pptx's) is not this document's.
    for printed in core._element.xpath("cp:lastPrinted"):
        core._element.remove(printed)
    # The templates of python-docx/-pptx carry their own comments and keywords: not ours.
    core.comments = core.keywords = core.category = ""
    core.revision = 1


def pdf_info(info: DocumentInfo) -> dict[str, str]:
    """The `<meta>` names of an HTML document that WeasyPrint writes into the PDF's info."""
    return {"author": info.author, "description": info.subject, "dcterms.created": info.date.isoformat()}


def alt_text(text: str) -> str:
    """Alt text on one line, for attributes that screen readers read out whole (non-breaking
    spaces inside figures stay)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()
