"""Every document is fit to publish: A4, Swedish, its own metadata, charts with alt text inside
their slide or page, table headers that repeat, a tagged PDF, and a deck that says why the
stages differ. The files are read back with the libraries that open them (python-pptx,
python-docx, openpyxl, pypdf)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution
from fordela.package.document_info import publisher

NBSP = "\u00a0"
EMU_PER_MM = 36_000
TODAY = datetime.datetime.now(datetime.UTC).date()


def n(text: str) -> str:
    return text.replace(" ", NBSP)


def test_publisher_is_the_organisation_of_the_title(demo: CycleData) -> None:
    assert publisher(demo) == "Göteborgs Stad"


# --- the deck --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deck(published: dict[str, Path]) -> Any:
    from pptx import Presentation

    return Presentation(str(published["pptx"]))


def test_deck_metadata_and_a4(deck: Any, demo: CycleData) -> None:
    core = deck.core_properties
    assert core.author == "Göteborgs Stad" and core.last_modified_by == "Göteborgs Stad"
    assert core.title.startswith(demo.cycle.title) and core.language == "sv-SE"
    assert core.created.date() == TODAY and core.modified.date() == TODAY
    assert core.last_printed is None and "python-pptx" not in (core.comments or "")
    assert (round(deck.slide_width / EMU_PER_MM), round(deck.slide_height / EMU_PER_MM)) == (297, 210)


def test_every_run_of_the_deck_is_swedish(deck: Any) -> None:
    languages = {
        run.get("lang")
        for slide in deck.slides
        for run in slide._element.xpath(".//a:rPr | .//a:endParaRPr | .//a:defRPr")
    }
    assert languages == {"sv-SE"}
    assert {d.get("lang") for d in deck.part._element.xpath(".//a:defRPr")} == {"sv-SE"}


def _extent(shape: Any) -> tuple[int, int, int, int]:
    height = sum(row.height for row in shape.table.rows) if shape.has_table else shape.height
    width = sum(column.width for column in shape.table.columns) if shape.has_table else shape.width
    return shape.left, shape.top, shape.left + width, shape.top + height


def test_every_shape_stays_inside_its_slide(deck: Any) -> None:
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            left, top, right, bottom = _extent(shape)
            assert left >= 0 and top >= 0, (number, shape.name)
            assert right <= deck.slide_width and bottom <= deck.slide_height, (number, shape.name)


def test_every_chart_has_alt_text_that_says_what_it_shows(deck: Any) -> None:
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 4
    alts = [p._element.nvPicPr.cNvPr.get("descr") for p in pictures]
    assert all(alt and alt != "image.png" and len(alt) > 80 for alt in alts)
    intraservice = next(a for a in alts if "Intraservice" in a)
    assert f"Budget 2025 {n('1 091,6')}{NBSP}mkr" in intraservice
    assert f"Avräkning {n('−66,1')}{NBSP}mkr" in intraservice and f"Totalt {n('1 174,4')}{NBSP}mkr" in intraservice
    frames = next(a for a in alts if a.startswith("Stapeldiagram"))
    assert f"utveckling 37,0{NBSP}mkr" in frames


def test_the_deck_says_what_the_coordination_group_changed_and_why(deck: Any) -> None:
    titles = {slide.shapes[0].text_frame.text: slide for slide in deck.slides}
    slide = titles["Ändringar efter beredningens förslag – Nämnden för Intraservice"]
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert f"utveckling {n('38 350')} tkr 2026" in text  # what the preparation proposed: the list's sum
    assert "Chatbot för HR-frågor" in text and f"({n('1 400')} tkr 2026)" in text
    assert "tillstyrks → avslås" in text
    assert "Motivering: Strategisk samordningsgrupp följer beredningens förslag men tar bort HR-chatboten." in text
    assert f"utveckling {n('36 950 000')} kr + index ({n('−1 400')} tkr jämfört med beredningens förslag)" in text
    council = titles["Rekommendation till kommunfullmäktige"]
    text = "\n".join(s.text_frame.text for s in council.shapes if s.has_text_frame)
    assert "Nämnden för Intraservice: följer beredningens förslag utom Chatbot för HR-frågor (avslås)." in text
    # A supplier the coordination group left as it was says so.
    dms = titles["Ändringar efter beredningens förslag – Nämnden för demokrati och medborgarservice"]
    assert "utan ändringar" in "\n".join(s.text_frame.text for s in dms.shapes if s.has_text_frame)


# --- Word and Excel --------------------------------------------------------------------------------


def test_annual_analysis_is_swedish_a4_with_repeating_table_headers(published: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(published["docx"]))
    core = document.core_properties
    assert core.author == "Nämnden för Intraservice" and core.language == "sv-SE"
    assert core.title == "Årlig analys 2026 – Nämnden för Intraservice" and core.created.date() == TODAY
    assert "python-docx" not in (core.comments or "")
    default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default.find(qn("w:lang")).get(qn("w:val")) == "sv-SE"
    for section in document.sections:
        assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    assert len(document.tables) > 3
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


def test_workbook_metadata_and_a4(published: dict[str, Path]) -> None:
    import openpyxl

    book = openpyxl.load_workbook(published["xlsx"])
    properties = book.properties
    assert (properties.creator, properties.language) == ("Göteborgs Stad", "sv-SE")
    assert properties.title == "Göteborgs Stad – årlig analys och budget 2026" and properties.created.date() == TODAY
    assert {int(sheet.page_setup.paperSize) for sheet in book.worksheets} == {9}  # 9 is A4


# --- the PDF ---------------------------------------------------------------------------------------


def _structure(node: Any, found: dict[str, list[Any]]) -> dict[str, list[Any]]:
    node = node.get_object()
    if isinstance(node, dict):
        if "/S" in node:
            found.setdefault(str(node["/S"]), []).append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object"):
                _structure(kid, found)
    return found


def test_pdf_is_tagged_with_language_title_and_alt_text(published: dict[str, Path], demo: CycleData) -> None:
    from pypdf import PdfReader

    reader = PdfReader(published["pdf"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == demo.cycle.title and reader.metadata.author == "Göteborgs Stad"
    tags = _structure(root["/StructTreeRoot"], {})
    assert {"/H1", "/H2", "/Table", "/THead", "/TH", "/TD", "/Figure"} <= set(tags)
    assert len(tags["/Figure"]) == 4
    assert all(len(str(figure["/Alt"])) > 80 for figure in tags["/Figure"])
    text = " ".join(page.extract_text() for page in reader.pages).replace(NBSP, " ")
    assert "Ändringar efter beredningens förslag – Nämnden för Intraservice" in text
    assert "Chatbot för HR-frågor (1 400 tkr 2026) – tillstyrks → avslås" in " ".join(text.split())
    # A4 landscape on every page.
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(842, 595)}


def test_the_bill_names_services_once_each_and_adds_up(demo: CycleData, coordination_group: Resolution) -> None:
    from fordela.reports.analysis import allocate_year
    from fordela.reports.cycle import organisation_bill_table

    allocation = allocate_year(demo, 2026, coordination_group)
    bill = organisation_bill_table(demo, allocation, "grundskola")
    *lines, total = bill.rows
    names = [row[1] for row in lines]
    assert len(names) == len(set(names))  # Digitalisering med hjälp av automatisering: one line, two ways
    assert all(row[-1] != 0 for row in lines)  # Stöd för hållbarhetsinformation costs nothing: no line
    keys = {key.code for key in demo.keys}
    assert not any(part in keys for row in lines for part in row[3].split(" + "))
    how = dict(row[1:4:2] for row in lines)
    assert how["Digitalisering med hjälp av automatisering"] == "Abonnemang, resten solidariskt per anställd"
    assert total[-1] == sum(row[-1] for row in lines) == allocation.by_organisation()["grundskola"]
    assert names == sorted(names, key=str.casefold)
