"""The coordination group's deck as .pptx, laid out like seeds/000…

Per supplier: a summary; the proposals (new services, re-categorisations, key changes, change
initiatives) with the proposal, the comment and the recommendation of the chosen stage; the
bridge (the compared scenario next to the stage) as a table and as a waterfall; the initiative
lists with sums; and, when the frames are decided by a later stage, what that stage changed and
why (`fordela.documents.story`). Then the frames to council. Every figure is a `fordela.reports`
table computed for the scenarios passed in.

Slides are A4 landscape so that the deck prints as it shows; every shape stays inside its slide
(tests read the extents), pictures are scaled into their box and carry alt text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from fordela.documents import charts
from fordela.documents.common import (
    DocumentInfo,
    Progress,
    TableView,
    chunks,
    document_info,
    no_progress,
    pptx_properties,
    short_line_labels,
    view,
)
from fordela.documents.story import changes, stage_story
from fordela.engine import bridge as b
from fordela.engine.model import CycleData, ProposalKind
from fordela.engine.money import Unit, display, percent
from fordela.engine.scenario import Resolution
from fordela.package.writer import write_atomically
from fordela.reports import cycle as reports
from fordela.reports.analysis import kind_label, proposals_table
from fordela.reports.cycle import organisation_name, outcome_label
from fordela.reports.scenarios import bridge_steps_table

PROPOSAL_SLIDES = (
    ProposalKind.NEW_SERVICE,
    ProposalKind.RECATEGORISATION,
    ProposalKind.KEY_CHANGE,
    ProposalKind.CHANGE_INITIATIVE,
)
PROPOSAL_COLUMNS = ("service", "title", "amounts", "financing", "comment", "recommendation")
PROPOSAL_WIDTHS = (1.3, 2.3, 1.9, 1.2, 2.2, 1.85)  # inches, together the width inside the margins
PROPOSALS_PER_SLIDE = 6
LIST_COLUMNS = ("list_label", "title", "already_decided", "outcome", "amount")
LIST_WIDTHS = (1.8, 4.8, 1.1, 1.7, 1.35)
ROWS_PER_SLIDE = 16
BRIDGE_WIDTHS = (4.15,) + (1.1, 1.1, 0.9) * 2
FRAMES_COLUMNS = ("name", "management", "development", "management_with_index", "development_with_index")
FRAMES_WIDTHS = (3.55, 1.8, 1.8, 1.8, 1.8)

WIDTH_IN, HEIGHT_IN = 297 / 25.4, 210 / 25.4  # A4 landscape
MARGIN_IN = 0.45
DARK = (0x1F, 0x4E, 0x79)
LIGHT = (0xDD, 0xEB, 0xF7)


def write_deck(
    data: CycleData,
    path: Path,
    *,
    scenario: Resolution,
    stage: Resolution,
    frames: Resolution,
    suppliers: Sequence[str] | None = None,
    progress: Progress = no_progress,
) -> None:
    """Write the deck to `path`: `scenario` (e.g. everything proposed) compared with `stage` (the
    recommendation), what `frames` (a later stage) changed, and the frames to council as decided
    by `frames`."""
    title = f"{data.cycle.title} – underlag till strategisk samordningsgrupp"
    deck = Deck(document_info(data, title))
    deck.title_slide(
        data.cycle.title,
        f"Strategisk samordningsgrupp – underlag för {data.cycle.target_year}",
        f"Jämförelse: {scenario.name} och {stage.name}. Ramar: {frames.name}.",
    )
    for supplier in suppliers or b.suppliers(data):
        progress(f"bilder för {organisation_name(data, supplier)}")
        _supplier_slides(deck, data, supplier, scenario, stage, frames)
    progress("ramar till kommunfullmäktige")
    _frames_slides(deck, data, stage, frames)
    write_atomically(path, deck.save)


def _supplier_slides(
    deck: Deck, data: CycleData, supplier: str, scenario: Resolution, stage: Resolution, frames: Resolution
) -> None:
    name = organisation_name(data, supplier)
    deck.bullets_slide(f"{name}, sammanfattning", summary_lines(data, supplier, scenario, stage, frames))
    for kind in PROPOSAL_SLIDES:
        table = proposals_table(data, supplier, [kind], stage)
        if not table.rows:
            continue
        for part in chunks(len(table.rows), PROPOSALS_PER_SLIDE):
            slide = deck.slide(f"{kind_label(kind)} – {name}", f"Förslag på rekommendationer utifrån {stage.name}")
            deck.table(slide, view(table, PROPOSAL_COLUMNS, rows=part), PROPOSAL_WIDTHS, font_size=9)
    bridge = reports.bridge_table(data, supplier, [scenario, stage])
    slide = deck.slide(bridge.title, f"{scenario.name} jämfört med {stage.name}, mkr")
    deck.table(slide, view(bridge), BRIDGE_WIDTHS, font_size=10)
    steps = bridge_steps_table(data, b.bridge(data, supplier, stage))
    deck.picture_slide(
        f"{bridge.title} – {stage.name}", charts.bridge_waterfall(steps, short_line_labels(data), stage.name)
    )
    if b.initiative_lists(data, supplier, stage):
        lists = reports.initiatives_table(data, supplier, stage)
        for part in chunks(len(lists.rows), ROWS_PER_SLIDE):
            slide = deck.slide(lists.title, f"Kostnad i tkr – så som {stage.name.lower()} rekommenderar")
            deck.table(slide, view(lists, LIST_COLUMNS, rows=part), LIST_WIDTHS, font_size=10)
    if frames.code != stage.code:
        # The lists above are the earlier stage's; the frames are the later one's: say what changed.
        deck.bullets_slide(f"Ändringar efter {stage.name.lower()} – {name}", stage_story(data, supplier, stage, frames))


def summary_lines(
    data: CycleData, supplier: str, scenario: Resolution, stage: Resolution, frames: Resolution
) -> list[str]:
    """The supplier's summary in sentences, every figure from the bridge, lists and frame."""
    year = data.cycle.target_year
    proposed, recommended = b.bridge(data, supplier, scenario), b.bridge(data, supplier, stage)
    change = recommended.management_change
    lines = [
        f"Förvaltningskostnad {year}: {display(recommended.management_cost, label=True)} enligt {stage.name} "
        f"(förändring {display(change.amount)} mkr, {percent(change.amount, change.base)}); "
        f"{scenario.name}: {display(proposed.management_cost, label=True)}.",
        f"Förändringsinsatser {year}: {display(recommended.change_initiatives, label=True)} enligt {stage.name}; "
        f"{scenario.name}: {display(proposed.change_initiatives, label=True)}.",
    ]
    own = [p for p in data.proposals if p.supplier == supplier]
    kinds = Counter(p.kind for p in own)
    filed = [f"{kind_label(k).lower()}: {kinds[k]}" for k in PROPOSAL_SLIDES if kinds[k]]
    if filed:
        lines.append(f"Förslag i årlig analys – {', '.join(filed)}.")
    missing = [
        kind_label(k).lower() for k in (ProposalKind.NEW_SERVICE, ProposalKind.CHANGE_INITIATIVE) if not kinds[k]
    ]
    if missing:
        lines.append(f"Inga förslag om {' eller '.join(missing)}.")
    outcomes = Counter(stage.decisions[p.code].outcome for p in own if stage.decisions[p.code].outcome is not None)
    if outcomes:
        counted = ", ".join(f"{outcome_label(o).lower()}: {n}" for o, n in outcomes.items() if o is not None)
        lines.append(f"{stage.name} – {counted}.")
    frame = b.frame(data, supplier, frames)
    text = f"Ekonomisk ram ({frames.name}): förvaltning {display(frame.management, Unit.KR)} kr + index"
    if frame.development:
        text += f", utveckling {display(frame.development, Unit.KR)} kr + index"
    lines.append(text + ".")
    return lines


def _frames_slides(deck: Deck, data: CycleData, stage: Resolution, frames: Resolution) -> None:
    table = reports.frames_table(data, frames)
    lines = [
        f"Strategisk samordningsgrupp rekommenderar ekonomiska ramar för digital utveckling och förvaltning "
        f"{data.cycle.target_year} per leverantör enligt nedan, plus index som KF beslutar."
    ]
    for _, name, management, development, *_ in table.rows:
        lines.append(f"{name}: ekonomisk ram för förvaltning {display(management, Unit.KR)} kr + index")
        if development:
            lines.append(f"{name}: ekonomisk ram för utveckling {display(development, Unit.KR)} kr + index")
    if frames.code != stage.code:
        # As the seed's council slide: "follow the preparation's proposal, but remove the HR chatbot".
        for supplier in b.suppliers(data):
            changed = changes(data, supplier, stage, frames)
            if changed:
                what = "; ".join(f"{c.title} ({c.after.lower()})" for c in changed)
                lines.append(f"{organisation_name(data, supplier)}: följer {stage.name.lower()} utom {what}.")
    deck.bullets_slide("Rekommendation till kommunfullmäktige", lines)
    slide = deck.slide(table.title, table.notes[0] if table.notes else None)
    deck.table(slide, view(table, FRAMES_COLUMNS), FRAMES_WIDTHS, font_size=11)
    rows = [(name, management, development) for _, name, management, development, *_ in table.rows]
    deck.picture_slide(table.title, charts.frames_bars(rows, frames.name))


def title_size(title: str) -> int:
    """A size in points at which `title` fits on one line of the A4 slide (DejaVu/Calibri bold,
    about 0.62 em a character as rendered), so the subtitle below never overlaps a wrapped title."""
    for size in (24, 20, 16):
        if len(title) * size * 0.62 / 72 <= WIDTH_IN - 2 * MARGIN_IN:
            return size
    return 14


class Deck:
    """A thin layer over python-pptx: slides with a title, bullets, a table or a picture."""

    def __init__(self, info: DocumentInfo) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.info = info
        self.presentation = Presentation()
        self.presentation.slide_width = Inches(WIDTH_IN)
        self.presentation.slide_height = Inches(HEIGHT_IN)
        self.blank = self.presentation.slide_layouts[6]

    def save(self, path: Path) -> None:
        # Metadata and the language of every run last, when all text is in place.
        pptx_properties(self.presentation, self.info)
        self.presentation.save(str(path))

    def _text(self, slide: Any, text: str, top: float, height: float, size: int, bold: bool = False) -> Any:
        from pptx.dml.color import RGBColor
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(MARGIN_IN), Inches(top), Inches(WIDTH_IN - 2 * MARGIN_IN), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        run = frame.paragraphs[0].add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = RGBColor(*DARK)
        return box

    def slide(self, title: str, subtitle: str | None = None) -> Any:
        slide = self.presentation.slides.add_slide(self.blank)
        # Long titles get a smaller size so that they stay on one line above the subtitle.
        self._text(slide, title, 0.3, 0.7, title_size(title), bold=True)
        if subtitle:
            self._text(slide, subtitle, 0.95, 0.4, 13)
        return slide

    def title_slide(self, title: str, subtitle: str, note: str) -> None:
        slide = self.presentation.slides.add_slide(self.blank)
        self._text(slide, title, 2.4, 1.2, 36, bold=True)
        self._text(slide, subtitle, 3.7, 0.6, 20)
        self._text(slide, note, 4.4, 0.6, 14)

    def bullets_slide(self, title: str, lines: Sequence[str]) -> None:
        from pptx.util import Inches, Pt

        slide = self.slide(title)
        box = slide.shapes.add_textbox(
            Inches(MARGIN_IN), Inches(1.5), Inches(WIDTH_IN - 2 * MARGIN_IN), Inches(HEIGHT_IN - 2)
        )
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = f"» {line}"
            paragraph.font.size = Pt(16)
            paragraph.space_after = Pt(10)

    def picture_slide(self, title: str, chart: charts.Chart) -> None:
        """The chart scaled into the slide below the title, centred, with its alt text."""
        from pptx.util import Inches

        slide = self.slide(title)
        top = 1.4
        box_width, box_height = WIDTH_IN - 2 * MARGIN_IN, HEIGHT_IN - top - MARGIN_IN
        scale = min(box_width / chart.width, box_height / chart.height)
        width, height = chart.width * scale, chart.height * scale
        left = MARGIN_IN + (box_width - width) / 2
        picture = slide.shapes.add_picture(
            BytesIO(chart.png), Inches(left), Inches(top), width=Inches(width), height=Inches(height)
        )
        picture.name = title
        picture._element.nvPicPr.cNvPr.set("descr", chart.alt)

    def table(self, slide: Any, table: TableView, widths: Sequence[float], *, font_size: int) -> Any:
        """Add `table` below the slide's title; widths in inches, numbers right-aligned."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches, Pt

        rows, cols = len(table.rows) + 1, len(table.headings)
        width = sum(widths)
        height = 0.3 * rows
        shape = slide.shapes.add_table(rows, cols, Inches(MARGIN_IN), Inches(1.45), Inches(width), Inches(height))
        grid = shape.table
        for i, w in enumerate(widths):
            grid.columns[i].width = Inches(w)

        def fill(cell: Any, text: str, numeric: bool, bold: bool) -> None:
            cell.text = text
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(font_size), bold

        for c, text in enumerate(table.headings):
            cell = grid.cell(0, c)
            fill(cell, text, table.numeric[c], True)
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor(*DARK)
        for r, row in enumerate(table.rows, start=1):
            for c, text in enumerate(row):
                cell = grid.cell(r, c)
                fill(cell, text, table.numeric[c], r - 1 in table.emphasis)
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(*LIGHT) if r - 1 in table.emphasis else RGBColor(0xFF, 0xFF, 0xFF)
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.color.rgb = RGBColor(0, 0, 0)
        return shape
