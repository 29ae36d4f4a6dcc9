"""A supplier's annual analysis as .docx, as a reader of seeds/004… expects it.

The sections in the seed's order — introduction and mandate, the base services delivered, new
services and services to retire, the management cost of the existing services with its history and
the bridge with every proposal behind it, proposed key changes with their reasons, the dialogue held
and their effect per organisation, change initiatives, development within management per service —
then the coordination group's assessment (seeds/000…): framing, comment and proposal per proposal,
conclusions and the recommendation to the council. The words are the supplier's and the
coordination group's (`analysis_texts`; a generated sentence where none is written); every figure
comes from a `fordela.reports` table, so it agrees with the bridge and the deck to the öre.
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
from fordela.engine.model import AnalysisSection, AnalysisText, CycleData, ProposalKind, ServiceCategory
from fordela.engine.money import Unit, display
from fordela.engine.scenario import Resolution, decided_stage, resolve_stage
from fordela.package.writer import write_atomically
from fordela.reports.analysis import existing_services, key_change_effect_table, key_change_table, proposals_table
from fordela.reports.annual import (
    assessment_table,
    bridge_detail_table,
    council_frame_table,
    history_table,
    initiatives_detail_table,
)
from fordela.reports.cycle import organisation_name
from fordela.reports.texts import SECTION_TITLES, blocks

S = AnalysisSection
NEW_SERVICE_KINDS = (ProposalKind.NEW_SERVICE, ProposalKind.RECATEGORISATION)
TEXT_WIDTH_CM = 15.9  # A4 less python-docx's default margins


class _Writer:
    def __init__(self, data: CycleData, supplier: str, scenario: Resolution) -> None:
        from docx import Document
        from docx.shared import Pt

        self.data, self.supplier, self.scenario = data, supplier, scenario
        self.year = data.cycle.target_year
        self.name = organisation_name(data, supplier)
        self.texts = [t for t in data.analysis_texts if t.supplier == supplier]
        stage = decided_stage(data)
        self.decided = resolve_stage(data, stage) if stage else None
        self.document = Document()
        self.document.styles["Normal"].font.name = "Calibri"
        self.document.styles["Normal"].font.size = Pt(11)

    # -- text ----------------------------------------------------------------------------------

    def text(self, section: S, *, service: str | None = None, proposal: str | None = None) -> AnalysisText | None:
        return next(
            (t for t in self.texts if t.section is section and t.service == service and t.proposal == proposal), None
        )

    def write(self, text: str) -> None:
        for block in blocks(text):
            for item in block.items:
                self.document.add_paragraph(item, style="List Bullet" if block.kind == "ul" else None)

    def written(self, section: S, fallback: str = "", **slot: Any) -> bool:
        """The section's text if written, else `fallback`; whether there was a written text."""
        found = self.text(section, **slot)
        if found is not None:
            self.write(found.text)
        elif fallback:
            self.document.add_paragraph(fallback)
        return found is not None

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(text, level=level)

    # -- sections --------------------------------------------------------------------------------

    def introduction(self) -> None:
        self.heading("Inledning")
        others = [organisation_name(self.data, s) for s in b.suppliers(self.data) if s != self.supplier]
        together = f", tillsammans med {' och '.join(others)}" if others else ""
        self.written(
            S.INTRODUCTION,
            f"{self.name} är en av stadens leverantörer av gemensamma digitala tjänster{together}. Detta underlag "
            f"är den årliga analys som leverantören lämnar till strategisk samordningsgrupp inför budgetprocess "
            f"{self.year}. Den årliga analysen är inget beslutsgrundande underlag utan ett underlag för "
            "budgetförutsättningarna kommande planperiod.",
        )

    def services_delivered(self) -> None:
        self.heading("Bastjänster som levereras")
        services = {s.code: s for s in self.data.services}
        delivered = [services[c] for c in existing_services(self.data, self.supplier)]
        if delivered:
            self.document.add_paragraph(f"{self.name} levererar följande bastjänster och digital infrastruktur:")
            for service in delivered:
                self.document.add_paragraph(service.name, style="List Bullet")
        add_ons = [
            s
            for s in self.data.services
            if s.supplier == self.supplier
            and s.category is ServiceCategory.ADD_ON
            and s.code not in self.proposed_new()
        ]
        if not self.written(S.SERVICES_DELIVERED) and add_ons:
            self.document.add_paragraph("Leverantören levererar även följande tilläggstjänster, valbara med avtal:")
            for service in add_ons:
                self.document.add_paragraph(service.name, style="List Bullet")

    def proposed_new(self) -> set[str]:
        return {
            p.service or ""
            for p in self.data.proposals
            if p.supplier == self.supplier and p.kind is ProposalKind.NEW_SERVICE
        }

    def new_and_retired(self) -> None:
        self.heading("Nya tjänster och tjänster som avvecklas")
        table = proposals_table(self.data, self.supplier, NEW_SERVICE_KINDS, self.scenario)
        fallback = (
            ""
            if table.rows
            else f"Leverantören föreslår inga nya tjänster inför {self.year}; ingen av tjänsterna föreslås avvecklas."
        )
        self.written(S.NEW_AND_RETIRED, fallback)
        if table.rows:
            self.table(view(table, ("service", "title", "amounts", "financing")))

    def management_cost(self) -> None:
        self.heading("Förvaltningskostnad befintliga bastjänster")
        self.written(S.MANAGEMENT_COST)
        history = history_table(self.data, self.supplier, self.scenario)
        existing = history.rows[-1][2]
        self.document.add_paragraph(
            f"Beräknad total förvaltningskostnad befintliga bastjänster {self.year} är "
            f"{display(existing, Unit.KR)} kronor."
        )
        cells = view(history)
        rows = (
            ("Total förvaltningskostnad befintliga bastjänster (kr)", *(r[2] for r in cells.rows)),
            ("varav utveckling inom tjänst (kr)", *(r[3] for r in cells.rows)),
        )
        labels = tuple(r[1] for r in cells.rows)
        numeric = (False,) + (True,) * len(labels)
        self.table(TableView(history.title, ("År", *labels), rows, numeric, frozenset(), ()), first_width_cm=5.5)
        self.heading(f"Förändringar i årlig analys {self.year}", 2)
        self.document.add_paragraph(
            f"Budgetbryggan från beslutad budget {self.data.cycle.base_year} till förvaltningskostnad och "
            f"förändringsinsatser {self.year}, med varje förslag som ingår i raderna ({self.scenario.name})."
        )
        self.table(view(bridge_detail_table(self.data, self.supplier, self.scenario)), font_size=8, first_width_cm=9)

    def key_changes(self) -> None:
        self.heading("Förslag på förändrade fördelningsnycklar i befintliga bastjänster/digital infrastruktur")
        table = key_change_table(self.data, self.supplier)
        if not table.rows:
            self.written(S.KEY_CHANGES, f"Leverantören föreslår inga förändrade fördelningsnycklar inför {self.year}.")
            return
        self.document.add_paragraph(
            "För att fördela kostnaderna så att de är i paritet med respektive kunds storlek används en "
            f"fördelningsnyckel. Inför {self.year} föreslår leverantören en förändring i fördelningsnyckeln för "
            f"{len(table.rows)} av tjänsterna enligt nedan."
        )
        self.table(view(table))
        if self.text(S.KEY_CHANGES) is not None:
            self.heading(SECTION_TITLES[S.KEY_CHANGES], 2)
            self.written(S.KEY_CHANGES)
        else:
            reasons = dict.fromkeys(p.description for p in self.data.proposals if p.code in table.column("proposal"))
            for reason in filter(None, reasons):
                self.document.add_paragraph(reason)
        if self.text(S.KEY_CHANGE_DIALOGUE) is not None:
            self.heading(SECTION_TITLES[S.KEY_CHANGE_DIALOGUE], 2)
            self.written(S.KEY_CHANGE_DIALOGUE)
        self.heading("Effekt per organisation", 2)
        self.document.add_paragraph(
            f"Varje organisations kostnad för tjänsten {self.year} med nuvarande och med föreslagen "
            f"fördelningsnyckel, beräknat på {self.scenario.name}. Tjänstens kostnad är densamma: förändringarna "
            "summerar till noll."
        )
        for code in table.column("proposal"):
            effect = key_change_effect_table(self.data, code, self.scenario)
            self.heading(effect.title, 3)
            self.table(view(effect), font_size=8, first_width_cm=6.5)

    def initiatives(self) -> None:
        self.heading("Förändringsinsatser")
        table = initiatives_detail_table(self.data, self.supplier, self.scenario)
        if table.rows:
            self.table(view(table), font_size=8, first_width_cm=5)
        else:
            self.document.add_paragraph(
                f"Det finns inga förändringsinsatser inom tjänsterna inför {self.year}, och därför inga avvikelser "
                "i förhållande till sådana insatser."
            )

    def development_per_service(self) -> None:
        self.heading("Sammanfattning av utveckling inom förvaltning per tjänst")
        written = {t.service for t in self.texts if t.section is S.SERVICE_DEVELOPMENT}
        services = [
            s for s in self.data.services if s.supplier == self.supplier and (s.code in written or s.description)
        ]
        if not services:
            self.document.add_paragraph("Ingen utveckling inom förvaltning är beskriven för tjänsterna.")
        for service in services:
            self.heading(service.name, 2)
            self.written(S.SERVICE_DEVELOPMENT, service.description, service=service.code)

    def assessment(self) -> None:
        group = [t for t in self.texts if t.section.by_coordination_group]
        if self.decided is None or not (group or any(d.outcome for d in self.decided.decisions.values())):
            return
        self.heading("Strategisk samordningsgrupps bedömning")
        if self.text(S.FRAMING) is not None:
            self.heading(SECTION_TITLES[S.FRAMING], 2)
            self.written(S.FRAMING)
        table = assessment_table(self.data, self.supplier, self.decided)
        if table.rows:
            self.heading("Kommentar och förslag per förslag", 2)
            self.table(view(table), font_size=8, first_width_cm=3.5)
        if self.text(S.CONCLUSIONS) is not None:
            self.heading(SECTION_TITLES[S.CONCLUSIONS], 2)
            self.written(S.CONCLUSIONS)
        self.heading(SECTION_TITLES[S.COUNCIL_RECOMMENDATION], 2)
        self.written(S.COUNCIL_RECOMMENDATION)
        self.table(view(council_frame_table(self.data, self.supplier, self.decided)), first_width_cm=8)

    # -- tables ----------------------------------------------------------------------------------

    def table(self, table: TableView, *, font_size: int = 9, first_width_cm: float | None = None) -> Any:
        """Add `table`; `first_width_cm` widens the label column (Word shares the width evenly)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        grid = self.document.add_table(rows=len(table.rows) + 1, cols=len(table.headings))
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
        self.document.add_paragraph()
        return grid


STEPS: Sequence[tuple[str, str]] = (
    ("inledning och tjänster", "introduction"),
    ("inledning och tjänster", "services_delivered"),
    ("nya tjänster", "new_and_retired"),
    ("förvaltningskostnad och brygga", "management_cost"),
    ("fördelningsnycklar och effekt per organisation", "key_changes"),
    ("förändringsinsatser", "initiatives"),
    ("utveckling per tjänst", "development_per_service"),
    ("samordningsgruppens bedömning", "assessment"),
)


def write_annual_analysis(
    data: CycleData,
    supplier: str,
    path: Path,
    *,
    scenario: Resolution,
    progress: Progress = no_progress,
) -> None:
    """Write `supplier`'s annual analysis to `path`. `scenario` is the supplier's proposal (usually
    everything proposed): the target year's figures, the bridge and the key-change effects."""
    writer = _Writer(data, supplier, scenario)
    document = writer.document
    # Title, the supplier as author, date, Swedish, A4: the same helper as every document.
    title = f"Årlig analys {writer.year} – {writer.name}"
    docx_properties(document, document_info(data, title, author=writer.name))
    document.add_heading(f"Årlig analys {writer.year}", level=0)
    document.add_paragraph(writer.name).runs[0].bold = True
    for label, step in STEPS:
        progress(label)
        getattr(writer, step)()
    write_atomically(path, lambda target: document.save(str(target)))
