"""A supplier's annual analysis as .docx, structured like seeds/004…

Introduction, the services delivered, the management cost of the existing base services with
its history, proposed key changes with what each does to every organisation, new services,
change initiatives, and the development within management per service (the text kept in
`services.description`). Figures come from `fordela.reports` tables; the key-change effects are
the target year distributed with and without each proposal, on top of the chosen scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fordela.documents.common import (
    Progress,
    TableView,
    document_info,
    docx_properties,
    no_progress,
    repeat_header,
    view,
)
from fordela.engine import bridge as b
from fordela.engine.model import CycleData, ProposalKind, ServiceCategory
from fordela.engine.money import Unit, display
from fordela.engine.scenario import Resolution
from fordela.package.writer import write_atomically
from fordela.reports.analysis import cost_history_table, key_change_effect_table, key_change_table, proposals_table
from fordela.reports.cycle import organisation_name

CATEGORY_TEXTS = {
    ServiceCategory.BASE: "bastjänst",
    ServiceCategory.INFRASTRUCTURE: "digital infrastruktur",
    ServiceCategory.OPT_IN: "valbar vid behov",
    ServiceCategory.ADD_ON: "tilläggstjänst",
}
NEW_SERVICE_KINDS = (ProposalKind.NEW_SERVICE, ProposalKind.RECATEGORISATION)
TEXT_WIDTH_CM = 15.9  # A4 less python-docx's default margins


def write_annual_analysis(
    data: CycleData,
    supplier: str,
    path: Path,
    *,
    scenario: Resolution,
    progress: Progress = no_progress,
) -> None:
    """Write `supplier`'s annual analysis to `path`. `scenario` is what the key-change effects
    are computed on top of (usually everything proposed)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    year = data.cycle.target_year
    name = organisation_name(data, supplier)
    # Title, the supplier as author, date, Swedish, A4: the same helper as every document.
    docx_properties(document, document_info(data, f"Årlig analys {year} – {name}", author=name))
    document.add_heading(f"Årlig analys {year}", level=0)
    document.add_paragraph(name).runs[0].bold = True
    progress("inledning och tjänster")
    _introduction(document, data, supplier)
    progress("förvaltningskostnad")
    _management_cost(document, data, supplier)
    progress("fördelningsnycklar och effekt per organisation")
    _key_changes(document, data, supplier, scenario)
    progress("nya tjänster och förändringsinsatser")
    _proposals(document, data, supplier, scenario)
    _development_per_service(document, data, supplier)
    write_atomically(path, lambda target: document.save(str(target)))


def _services(data: CycleData, supplier: str, categories: Sequence[ServiceCategory]) -> list[Any]:
    return [s for s in data.services if s.supplier == supplier and s.category in categories]


def _introduction(document: Any, data: CycleData, supplier: str) -> None:
    year = data.cycle.target_year
    name = organisation_name(data, supplier)
    others = [organisation_name(data, s) for s in b.suppliers(data) if s != supplier]
    document.add_heading("Inledning", level=1)
    text = f"{name} är en av stadens leverantörer av gemensamma digitala tjänster"
    if others:
        text += f", tillsammans med {' och '.join(others)}"
    document.add_paragraph(text + ".")
    document.add_paragraph(
        f"Detta underlag är den årliga analys som {name} (hädanefter leverantören) lämnar till strategisk "
        f"samordningsgrupp inför budgetprocess {year}. Den årliga analysen är inget beslutsgrundande underlag "
        "utan ett underlag för budgetförutsättningarna kommande planperiod."
    )
    base = _services(data, supplier, (ServiceCategory.BASE, ServiceCategory.INFRASTRUCTURE, ServiceCategory.OPT_IN))
    if base:
        document.add_paragraph("Leverantören levererar följande bastjänster och tjänster inom digital infrastruktur:")
        for service in base:
            document.add_paragraph(f"{service.name} ({CATEGORY_TEXTS[service.category]})", style="List Bullet")
    add_ons = _services(data, supplier, (ServiceCategory.ADD_ON,))
    if add_ons:
        document.add_paragraph(
            "Leverantören levererar även följande tilläggstjänster, som är valbara och där avtal ingås med "
            "respektive kund:"
        )
        for service in add_ons:
            document.add_paragraph(service.name, style="List Bullet")
    own = [p for p in data.proposals if p.supplier == supplier]
    new = sum(1 for p in own if p.kind is ProposalKind.NEW_SERVICE)
    initiatives = sum(1 for p in own if p.kind is ProposalKind.CHANGE_INITIATIVE)
    document.add_paragraph(
        (
            f"Leverantören föreslår {new} nya tjänster inför {year}."
            if new
            else f"Leverantören föreslår inga nya tjänster inför {year}."
        )
        + (
            f" Analysen omfattar {initiatives} förändringsinsatser."
            if initiatives
            else " Det finns inga förändringsinsatser inom tjänsterna."
        )
    )


def _management_cost(document: Any, data: CycleData, supplier: str) -> None:
    document.add_heading("Förvaltningskostnad befintliga bastjänster", level=1)
    history = cost_history_table(data, supplier)
    target = [row for row in history.rows if row[0] == data.cycle.target_year]
    if target:
        document.add_paragraph(
            f"Beräknad total förvaltningskostnad befintliga bastjänster {data.cycle.target_year} är "
            f"{display(target[0][2], Unit.KR)} kronor."
        )
    if not history.rows:
        document.add_paragraph("Det finns ingen kostnadshistorik för leverantörens bastjänster.")
        return
    # Years as columns, as the annual analysis shows them.
    cells = view(history)
    labels = [row[1] for row in cells.rows]
    rows = [
        ["Total förvaltningskostnad befintliga bastjänster (kr)", *[row[2] for row in cells.rows]],
        ["varav utveckling inom tjänst (kr)", *[row[3] for row in cells.rows]],
    ]
    _table(
        document,
        TableView(
            history.title, ("År", *labels), tuple(map(tuple, rows)), (False,) + (True,) * len(labels), frozenset(), ()
        ),
        first_width_cm=5.5,
    )


def _key_changes(document: Any, data: CycleData, supplier: str, scenario: Resolution) -> None:
    year = data.cycle.target_year
    document.add_heading("Förslag på förändrade fördelningsnycklar i befintliga bastjänster/digital infrastruktur", 1)
    table = key_change_table(data, supplier)
    if not table.rows:
        document.add_paragraph(f"Leverantören föreslår inga förändrade fördelningsnycklar inför {year}.")
        return
    document.add_paragraph(
        "För att fördela kostnaderna så att de är i paritet med respektive kunds storlek använder leverantören "
        f"en fördelningsnyckel. Inför {year} föreslår leverantören en förändring i fördelningsnyckeln för "
        f"{len(table.rows)} av tjänsterna enligt nedan."
    )
    _table(document, view(table))
    proposals = {p.code: p for p in data.proposals}
    comments = dict.fromkeys(proposals[row[0]].description for row in table.rows if proposals[row[0]].description)
    if comments:
        document.add_heading("Kommentarer till förändrade fördelningsnycklar", level=2)
        for comment in comments:
            document.add_paragraph(comment)
    document.add_heading("Effekt per organisation", level=2)
    document.add_paragraph(
        f"Tabellerna visar varje organisations kostnad för tjänsten {year} med nuvarande och med föreslagen "
        f"fördelningsnyckel, beräknat på {scenario.name}. Tjänstens kostnad är densamma: förändringarna "
        "summerar till noll."
    )
    for row in table.rows:
        effect = key_change_effect_table(data, row[0], scenario)
        document.add_heading(effect.title, level=3)
        _table(document, view(effect), font_size=8, first_width_cm=6.5)


def _proposals(document: Any, data: CycleData, supplier: str, scenario: Resolution) -> None:
    year = data.cycle.target_year
    columns = ("service", "title", "amounts", "financing")
    document.add_heading("Nya tjänster", level=1)
    table = proposals_table(data, supplier, NEW_SERVICE_KINDS, scenario)
    if table.rows:
        _table(document, view(table, columns))
    else:
        document.add_paragraph(f"Leverantören föreslår inga nya tjänster eller ändrade kategoriseringar inför {year}.")
    document.add_heading("Förändringsinsatser", level=1)
    table = proposals_table(data, supplier, (ProposalKind.CHANGE_INITIATIVE,), scenario)
    if table.rows:
        _table(document, view(table, columns))
    else:
        document.add_paragraph(f"Leverantören föreslår inga förändringsinsatser inför {year}.")


def _development_per_service(document: Any, data: CycleData, supplier: str) -> None:
    document.add_heading("Sammanfattning av utveckling inom förvaltning per tjänst", level=1)
    described = [s for s in data.services if s.supplier == supplier and s.description]
    if not described:
        document.add_paragraph("Ingen beskrivning av utveckling inom förvaltning är registrerad för tjänsterna.")
    for service in described:
        document.add_heading(service.name, level=2)
        for paragraph in service.description.split("\n\n"):
            document.add_paragraph(paragraph.strip())


def _table(document: Any, table: TableView, *, font_size: int = 9, first_width_cm: float | None = None) -> Any:
    """Add `table`; `first_width_cm` widens the label column (Word shares the width evenly)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    grid = document.add_table(rows=len(table.rows) + 1, cols=len(table.headings))
    grid.style = "Table Grid"

    def fill(cell: Any, text: str, numeric: bool, bold: bool) -> None:
        cell.text = text
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(font_size), bold

    for c, text in enumerate(table.headings):
        fill(grid.cell(0, c), text, table.numeric[c], True)
    repeat_header(grid)
    for r, row in enumerate(table.rows, start=1):
        for c, text in enumerate(row):
            fill(grid.cell(r, c), text, table.numeric[c], r - 1 in table.emphasis)
    if first_width_cm is not None:
        grid.autofit = False
        rest = (TEXT_WIDTH_CM - first_width_cm) / max(1, len(table.headings) - 1)
        for column_index, column in enumerate(grid.columns):
            for cell in column.cells:
                cell.width = Cm(first_width_cm if column_index == 0 else rest)
    document.add_paragraph()
    return grid
