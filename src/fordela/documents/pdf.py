"""A PDF for people who only read: the bridges, the initiative lists, the frames and a bill.

reportlab (pure Python) on A4 landscape. The font is DejaVu Sans as shipped with matplotlib, so
the document needs no system fonts and shows every character figures use (the non-breaking
space, the minus sign U+2212) that the PDF standard fonts lack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

from fordela.documents import charts
from fordela.documents.common import Progress, TableView, no_progress, short_line_labels, view
from fordela.engine import bridge as b
from fordela.engine.model import CycleData
from fordela.engine.money import Unit, display, percent
from fordela.engine.scenario import Resolution
from fordela.package.writer import write_atomically
from fordela.reports import cycle as reports
from fordela.reports.analysis import allocate_year
from fordela.reports.tables import Table

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
LIST_COLUMNS = ("list_label", "title", "already_decided", "outcome", "conditions", "amount")


def _register_fonts() -> None:
    from pathlib import Path as _Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    fonts = _Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))


def write_pdf(
    data: CycleData,
    path: Path,
    *,
    scenario: Resolution,
    stage: Resolution,
    frames: Resolution,
    suppliers: Sequence[str] | None = None,
    organisation: str | None = None,
    year: int | None = None,
    progress: Progress = no_progress,
) -> None:
    """Write the PDF: per supplier the bridge (`scenario` next to `stage`) with its waterfall and
    the initiative lists of `stage`; the frames of `frames`; and, with `organisation`, its bill
    for `year` (default the target year) as decided by `frames`."""
    _register_fonts()
    pdf = Pdf(data.cycle.title)
    pdf.heading(data.cycle.title, 0)
    pdf.paragraph(f"Jämförelse: {scenario.name} och {stage.name}. Ramar och kostnader: {frames.name}.")
    for supplier in suppliers or b.suppliers(data):
        progress(f"brygga och listor för {reports.organisation_name(data, supplier)}")
        bridge = reports.bridge_table(data, supplier, [scenario, stage])
        pdf.table(view(bridge), (9.0, 2.8, 2.4, 1.6, 2.8, 2.4, 1.6), title=bridge.title, new_page=True)
        picture = charts.bridge_waterfall(b.bridge(data, supplier, stage), short_line_labels(data), stage.name)
        pdf.picture(picture, width_cm=20)
        if b.initiative_lists(data, supplier, stage):
            lists = reports.initiatives_table(data, supplier, stage)
            pdf.table(view(lists, LIST_COLUMNS), (3.6, 8.0, 1.8, 3.2, 6.0, 2.2), title=lists.title, new_page=True)
    progress("ramar")
    table = reports.frames_table(data, frames)
    pdf.table(view(table), (2.2, 7.0, 4.0, 4.0, 4.0, 4.0), title=table.title, new_page=True)
    rows = [(name, management, development) for _, name, management, development, *_ in table.rows]
    pdf.picture(charts.frames_bars(rows, frames.name), width_cm=20)
    if organisation is not None:
        bill_year = year or data.cycle.target_year
        progress(f"kostnader {bill_year} för {reports.organisation_name(data, organisation)}")
        allocation = allocate_year(data, bill_year, frames)
        bill = reports.organisation_bill_table(data, allocation, organisation)
        pdf.table(bill_view(bill, data, organisation), (12.0, 4.0, 5.0, 4.0), title=bill.title, new_page=True)
        if bill_year > data.cycle.base_year:
            pdf.paragraph(f"Beräknat enligt {frames.name}.")
    write_atomically(path, pdf.save)


def bill_view(bill: Table, data: CycleData, organisation: str) -> TableView:
    """The bill as shown: amounts in kronor and öre from the integer öre, so the lines add up to
    the total on the page exactly, and notes saying what the amounts include (index, VAT)."""
    shown = view(bill)
    amount = next(i for i, c in enumerate(bill.columns) if c.key == "amount")
    position = [i for i, c in enumerate(bill.columns) if c.shown].index(amount)
    rows = tuple(
        tuple(
            display(bill.rows[r][amount], Unit.KR, decimals=2) if i == position else text for i, text in enumerate(row)
        )
        for r, row in enumerate(shown.rows)
    )
    headings = tuple("Belopp (kr)" if i == position else h for i, h in enumerate(shown.headings))
    return replace(shown, rows=rows, headings=headings, notes=(*shown.notes, *bill_notes(data, organisation)))


def _ore(amount: int) -> str:
    return display(amount, Unit.KR, decimals=2)


def bill_notes(data: CycleData, organisation: str) -> tuple[str, ...]:
    """What the bill's amounts include and leave out, in words."""
    cycle = data.cycle
    rate = percent(int(cycle.index_rate * 10_000), 10_000)
    kind = next(o.kind for o in data.organisations if o.code == organisation)
    vat = sorted({r.rate for r in data.vat_rules if r.organisation_kind is kind and r.rate})
    vat_text = (
        "Moms ingår inte; vid fakturering läggs moms på med "
        + " eller ".join(percent(int(r * 10_000), 10_000) for r in vat)
        + " enligt momsreglerna."
        if vat
        else "Moms ingår inte och tas inte ut för den här organisationen."
    )
    return (
        "Beloppen är i kronor och ören och summerar exakt till summan (ingen avrundning).",
        f"Index ingår inte: beloppen är i {cycle.base_year} års priser; vid fakturering räknas de upp med "
        f"{rate} per år efter {cycle.base_year}.",
        vat_text,
    )


class Pdf:
    """A thin layer over reportlab's platypus: headings, paragraphs, tables and pictures."""

    def __init__(self, title: str) -> None:
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        self.title = title
        self.story: list[Any] = []
        self.styles = {
            0: ParagraphStyle("title", fontName=BOLD, fontSize=20, leading=24, spaceAfter=10),
            1: ParagraphStyle("h1", fontName=BOLD, fontSize=14, leading=18, spaceAfter=8),
            "body": ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, spaceAfter=6),
            "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10),
            "cell_bold": ParagraphStyle("cell_bold", fontName=BOLD, fontSize=8, leading=10),
            "head_right": ParagraphStyle("head_right", fontName=BOLD, fontSize=8, leading=10, alignment=TA_RIGHT),
            "note": ParagraphStyle("note", fontName=FONT, fontSize=8, leading=10, spaceBefore=4),
        }

    def heading(self, text: str, level: int = 1) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_escape(text), self.styles[level]))

    def paragraph(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_escape(text), self.styles["body"]))

    def picture(self, png: bytes, *, width_cm: float) -> None:
        from reportlab.lib.units import cm
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        width, height = ImageReader(BytesIO(png)).getSize()
        self.story.append(Image(BytesIO(png), width=width_cm * cm, height=width_cm * cm * height / width))

    def table(self, table: TableView, widths_cm: Sequence[float], *, title: str, new_page: bool = False) -> None:
        """Add `table` under `title`; text wraps in its column, numbers are right-aligned."""
        from reportlab.lib import colors
        from reportlab.lib.units import cm
        from reportlab.platypus import PageBreak, Paragraph, Table, TableStyle

        if new_page and len(self.story) > 2:
            self.story.append(PageBreak())
        self.heading(title)

        def cell(text: str, numeric: bool, bold: bool) -> Any:
            if numeric:
                return text  # plain strings keep one line and take the column's alignment
            return Paragraph(_escape(text), self.styles["cell_bold" if bold else "cell"])

        # Headings always wrap: a long scenario name must not run into the next column.
        rows = [
            [
                Paragraph(_escape(h), self.styles["head_right" if n else "cell_bold"])
                for h, n in zip(table.headings, table.numeric, strict=True)
            ]
        ]
        for i, row in enumerate(table.rows):
            rows.append([cell(t, n, i in table.emphasis) for t, n in zip(row, table.numeric, strict=True)])
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1F4E79")),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BFBFBF")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c, numeric in enumerate(table.numeric) if numeric]
        for i in table.emphasis:
            style += [
                ("FONTNAME", (0, i + 1), (-1, i + 1), BOLD),
                ("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#F2F2F2")),
            ]
        self.story.append(Table(rows, colWidths=[w * cm for w in widths_cm], repeatRows=1, style=TableStyle(style)))
        for note in table.notes:
            self.story.append(Paragraph(_escape(note), self.styles["note"]))

    def save(self, path: Path) -> None:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.units import cm
        from reportlab.platypus import SimpleDocTemplate

        def footer(canvas: Any, document: Any) -> None:
            canvas.setFont(FONT, 7)
            canvas.drawString(1.5 * cm, 1 * cm, f"{self.title} – sida {document.page}")

        document = SimpleDocTemplate(
            str(path),
            pagesize=landscape(A4),
            leftMargin=1.5 * cm,
            rightMargin=1.5 * cm,
            topMargin=1.5 * cm,
            bottomMargin=1.5 * cm,
            title=self.title,
            author="fordela",
        )
        document.build(self.story, onFirstPage=footer, onLaterPages=footer)


def _escape(text: str) -> str:
    # Paragraph text is reportlab's mini-markup: names such as "H: och I:" or "<" must stay text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
