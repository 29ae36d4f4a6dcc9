"""The PDF: read back with pypdf, it holds the bridges, the lists, the frames and the bill."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from fordela.documents.pdf import write_pdf
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution
from fordela.reports.analysis import allocate_year

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def text(
    demo: CycleData, proposed: Resolution, preparation: Resolution, coordination_group: Resolution, out: Path
) -> str:
    path = out / "report.pdf"
    write_pdf(demo, path, scenario=proposed, stage=preparation, frames=coordination_group, organisation="grundskola")
    reader = PdfReader(path)
    assert reader.metadata is not None and reader.metadata.title == demo.cycle.title
    # Spaces and non-breaking spaces are the same to a reader; compare without telling them apart.
    return "\n".join(page.extract_text() for page in reader.pages).replace(NBSP, " ")


def test_bridge(text: str) -> None:
    assert "Budgetbrygga Nämnden för Intraservice 2026" in text
    for figure in ("1 091,6", "1 100,4", "1 137,4", "1 136,0", "46,2", "38,4", "1 183,6", "1 174,4", "64,9", "55,7"):
        assert figure in text, figure
    assert "−66,1" in text  # the real minus sign survives the embedded font


def test_lists_and_frames(text: str) -> None:
    for figure in ("38 350", "2 100", "5 700", "1 136 000 000", "36 950 000", "86 900 000", "33 750 000", "6 200 000"):
        assert figure in text, figure
    assert "Ekonomiska ramar 2026 – Strategisk samordningsgrupps rekommendation" in text


def test_bill(text: str, demo: CycleData, coordination_group: Resolution) -> None:
    from fordela.engine.money import Unit, display

    allocation = allocate_year(demo, 2026, coordination_group)
    total = allocation.by_organisation()["grundskola"]
    assert "Grundskoleförvaltningen: kostnader 2026" in text
    assert display(total, Unit.KR, decimals=2).replace(NBSP, " ") in text


def test_the_bill_adds_up_on_its_face_and_says_what_it_includes(
    demo: CycleData, coordination_group: Resolution
) -> None:
    from decimal import Decimal

    from fordela.documents.pdf import bill_view
    from fordela.reports.cycle import organisation_bill_table

    allocation = allocate_year(demo, 2026, coordination_group)
    company = next(o.code for o in demo.organisations if o.kind.value == "company")
    for organisation in ("grundskola", company):
        bill = bill_view(organisation_bill_table(demo, allocation, organisation), demo, organisation)
        amounts = [
            Decimal(row[-1].replace(NBSP, "").replace(" ", "").replace("−", "-").replace(",", ".")) for row in bill.rows
        ]
        *lines, total = amounts
        assert sum(lines) == total  # exactly, as printed
        assert total * 100 == allocation.by_organisation()[organisation]
        notes = " ".join(bill.notes)
        assert "Index ingår inte" in notes and "3,0" in notes and "Moms ingår inte" in notes


def test_bill_text_states_index_and_vat(text: str) -> None:
    assert "Index ingår inte" in text and "Moms ingår inte" in text and "summerar exakt" in text
