"""A PDF for people who only read: the bridges, the initiative lists, the frames and a bill.

An HTML document written by WeasyPrint as tagged PDF/UA-1 on A4 landscape: a structure tree
(headings, tables with header cells, figures with alt text), the language sv-SE and the title as
the window title, as the accessibility rules for public-sector documents ask. WeasyPrint needs
pango (Debian's libpango-1.0-0 and libpangoft2-1.0-0) and the DejaVu fonts (fonts-dejavu-core).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from pathlib import Path

from fordela.documents import charts
from fordela.documents.common import (
    DocumentInfo,
    Progress,
    TableView,
    document_info,
    no_progress,
    pdf_info,
    short_line_labels,
    view,
)
from fordela.documents.story import stage_story
from fordela.engine import bridge as b
from fordela.engine.model import CycleData
from fordela.engine.money import Unit, display, percent
from fordela.engine.scenario import Resolution
from fordela.package.writer import write_atomically
from fordela.reports import cycle as reports
from fordela.reports.analysis import allocate_year
from fordela.reports.scenarios import bridge_steps_table
from fordela.reports.tables import Table

LIST_COLUMNS = ("list_label", "title", "already_decided", "outcome", "conditions", "amount")
FRAMES_COLUMNS = ("name", "management", "development", "management_with_index", "development_with_index")


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
    pdf = Pdf(document_info(data, data.cycle.title))
    pdf.heading(data.cycle.title, 0)
    pdf.paragraph(f"Jämförelse: {scenario.name} och {stage.name}. Ramar och kostnader: {frames.name}.")
    for supplier in suppliers or b.suppliers(data):
        progress(f"brygga och listor för {reports.organisation_name(data, supplier)}")
        bridge = reports.bridge_table(data, supplier, [scenario, stage])
        pdf.table(view(bridge), (9.0, 2.8, 2.4, 1.6, 2.8, 2.4, 1.6), title=bridge.title, new_page=True)
        steps = bridge_steps_table(data, b.bridge(data, supplier, stage))
        pdf.picture(charts.bridge_waterfall(steps, short_line_labels(data), stage.name), width_cm=15)
        if b.initiative_lists(data, supplier, stage):
            lists = reports.initiatives_table(data, supplier, stage)
            pdf.table(view(lists, LIST_COLUMNS), (3.6, 8.0, 1.8, 3.2, 6.0, 2.2), title=lists.title, new_page=True)
        if frames.code != stage.code:
            # The lists are the earlier stage's, the frames the later one's: say what changed and why.
            title = f"Ändringar efter {stage.name.lower()} – {reports.organisation_name(data, supplier)}"
            pdf.together(title, stage_story(data, supplier, stage, frames))
    progress("ramar")
    table = reports.frames_table(data, frames)
    pdf.table(view(table, FRAMES_COLUMNS), (7.0, 4.0, 4.0, 4.0, 4.0), title=table.title, new_page=True)
    rows = [(name, management, development) for _, name, management, development, *_ in table.rows]
    pdf.picture(charts.frames_bars(rows, frames.name), width_cm=18)
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
    """An HTML document built from headings, paragraphs, tables and charts, written as tagged PDF.

    Tables are real `<table>`s with `<th scope="col">` headings in a `<thead>` (repeated on every
    page), charts `<img>` with alt text; WeasyPrint's PDF/UA-1 variant turns that into the
    structure tree, with the language and the title shown as the window title.
    """

    def __init__(self, info: DocumentInfo) -> None:
        self.info = info
        self.body: list[str] = []

    def heading(self, text: str, level: int = 1) -> None:
        self.body.append(f"<h{level + 1}>{escape(text)}</h{level + 1}>")

    def paragraph(self, text: str) -> None:
        self.body.append(f"<p>{escape(text)}</p>")

    def together(self, title: str, lines: Sequence[str]) -> None:
        """A heading and its paragraphs on one page (moved whole to the next if they do not fit)."""
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
        self.body.append(f'<section class="together"><h2>{escape(title)}</h2>{paragraphs}</section>')

    def picture(self, chart: charts.Chart, *, width_cm: float) -> None:
        source = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
        # The width is capped by the page (max-width in the style sheet): a chart never runs off it.
        self.body.append(f'<figure><img src="{source}" alt="{escape(chart.alt)}" style="width: {width_cm}cm"></figure>')

    def table(self, table: TableView, widths_cm: Sequence[float], *, title: str, new_page: bool = False) -> None:
        """Add `table` under `title`; text wraps in its column, numbers are right-aligned."""
        # The first table follows the title on page one; later ones start a page.
        section = ' class="new-page"' if new_page and len(self.body) > 2 else ""
        self.body.append(f"<section{section}>")
        self.heading(title)
        widths = widths_cm[: len(table.headings)]  # a width per shown column, extra ones ignored
        total = sum(widths)
        columns = "".join(f'<col style="width: {100 * w / total:.1f}%">' for w in widths)
        head = "".join(
            f'<th scope="col"{_number(n)}>{escape(h)}</th>' for h, n in zip(table.headings, table.numeric, strict=True)
        )
        rows = []
        for i, row in enumerate(table.rows):
            cells = "".join(f"<td{_number(n)}>{escape(t)}</td>" for t, n in zip(row, table.numeric, strict=True))
            rows.append(f'<tr class="sum">{cells}</tr>' if i in table.emphasis else f"<tr>{cells}</tr>")
        self.body.append(
            f"<table><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        self.body.extend(f'<p class="note">{escape(note)}</p>' for note in table.notes)
        self.body.append("</section>")

    def html(self) -> str:
        metas = "".join(
            f'<meta name="{name}" content="{escape(value)}">' for name, value in pdf_info(self.info).items()
        )
        footer = escape(self.info.title).replace('"', "")
        style = STYLE.replace("FOOTER", footer)
        return (
            f'<!DOCTYPE html><html lang="{self.info.language}"><head><meta charset="utf-8">'
            f"<title>{escape(self.info.title)}</title>{metas}<style>{style}</style></head>"
            f"<body>{''.join(self.body)}</body></html>"
        )

    def save(self, path: Path) -> None:
        from weasyprint import HTML

        HTML(string=self.html()).write_pdf(str(path), pdf_variant="pdf/ua-1", pdf_identifier=False)


def _number(numeric: bool) -> str:
    return ' class="number"' if numeric else ""


# A4 landscape; DejaVu Sans has every character the figures use (non-breaking space, U+2212).
STYLE = """
@page { size: A4 landscape; margin: 1.5cm 1.5cm 1.8cm;
  @bottom-left { content: "FOOTER – sida " counter(page) " av " counter(pages); font-size: 7pt; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #000; }
h1 { font-size: 20pt; color: #1f4e79; margin: 0 0 8pt; }
h2 { font-size: 14pt; color: #1f4e79; margin: 12pt 0 6pt; }
section.new-page { break-before: page; }
section.together { break-inside: avoid; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 8pt; }
thead { display: table-header-group; }
th { background: #ddebf7; border-bottom: 0.8pt solid #1f4e79; text-align: left; vertical-align: bottom; }
th, td { padding: 2pt 3pt; overflow-wrap: break-word; hyphens: auto; }
td { border-bottom: 0.25pt solid #bfbfbf; vertical-align: top; }
th.number { text-align: right; }
td.number { text-align: right; white-space: nowrap; }
tr.sum td { font-weight: bold; background: #f2f2f2; }
tr { break-inside: avoid; }
p.note { font-size: 8pt; margin: 4pt 0 0; }
figure { margin: 8pt 0 0; break-inside: avoid; }
img { max-width: 100%; max-height: 15cm; object-fit: contain; }
"""
