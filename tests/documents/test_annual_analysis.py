"""The annual analysis: opened again with python-docx, structured like seeds/004…"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from fordela.documents.annual_analysis import write_annual_analysis
from fordela.documents.common import view
from fordela.engine.model import CycleData
from fordela.engine.parse import parse_amount
from fordela.engine.scenario import Resolution
from fordela.reports.analysis import key_change_effect_table

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def dms(demo: CycleData, proposed: Resolution, out: Path) -> object:
    path = out / "dms.docx"
    write_annual_analysis(demo, "dms", path, scenario=proposed)
    return Document(str(path))


def cells(table: object) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def test_sections(dms: object) -> None:
    headings = [p.text for p in dms.paragraphs if p.style.name.startswith("Heading")]  # type: ignore[attr-defined]
    assert headings[:3] == [
        "Inledning",
        "Förvaltningskostnad befintliga bastjänster",
        "Förslag på förändrade fördelningsnycklar i befintliga bastjänster/digital infrastruktur",
    ]
    for heading in (
        "Nya tjänster",
        "Förändringsinsatser",
        "Sammanfattning av utveckling inom förvaltning per tjänst",
        "Extern service och kommunikation",
        "Öppna data",
    ):
        assert heading in headings
    text = "\n".join(p.text for p in dms.paragraphs)  # type: ignore[attr-defined]
    assert "Göteborgs Stads kontaktcenter (bastjänst)" in text
    assert "Verksamhetsanpassad kundtjänst" in text
    assert "Leverantören föreslår inga nya tjänster inför 2026." in text
    assert f"är 86{NBSP}900{NBSP}000 kronor." in text
    assert "goteborg.se" in text  # the development text kept per service


def test_history_table(dms: object) -> None:
    history = cells(dms.tables[0])  # type: ignore[attr-defined]
    assert history[0] == ["År", "Utfall 2023", "Utfall 2024", "Budget 2025", "Förslag budget 2026"]
    figures = [[parse_amount(x) if x else None for x in row[1:]] for row in history[1:]]
    assert figures == [
        [7_397_000_000, 7_867_500_000, 8_690_000_000, 8_690_000_000],
        [None, None, 947_000_000, 683_880_000],
    ]


def test_key_changes_and_their_effect(dms: object, demo: CycleData, proposed: Resolution) -> None:
    keys = cells(dms.tables[1])  # type: ignore[attr-defined]
    assert keys[1:] == [
        ["Demokratistärkande metoder och verktyg", "Antal administrativa datorer", "Antal anställda"],
        ["Extern service och kommunikation", "Antal administrativa datorer", "Antal anställda"],
        ["Öppna data", "Antal administrativa datorer", "Antal anställda"],
    ]
    codes = ["dms-nyckel-demokrati", "dms-nyckel-extern-service", "dms-nyckel-oppna-data"]
    for code, shown in zip(codes, dms.tables[2:5], strict=True):  # type: ignore[attr-defined]
        effect = key_change_effect_table(demo, code, proposed)
        # Exact in öre: the service costs the same, only its split moves.
        *body, total = effect.rows
        assert sum(row[4] for row in body) == 0 == total[4]
        assert sum(row[2] for row in body) == total[2] == total[3]
        assert any(row[4] > 0 for row in body) and any(row[4] < 0 for row in body)
        assert cells(shown) == [list(view(effect).headings), *map(list, view(effect).rows)]
    first = cells(dms.tables[2])  # type: ignore[attr-defined]
    assert first[0] == [
        "Organisation",
        "Nuvarande nyckel (kr)",
        "Föreslagen nyckel (kr)",
        "Förändring (kr)",
        "Förändring %",
    ]
    assert first[-1][:4] == ["Summa", f"9{NBSP}800{NBSP}000", f"9{NBSP}800{NBSP}000", "0"]


def test_intraservice_lists_its_proposals(demo: CycleData, proposed: Resolution, out: Path) -> None:
    path = out / "intraservice.docx"
    write_annual_analysis(demo, "intraservice", path, scenario=proposed)
    document = Document(str(path))
    text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Etablera infrastruktur och arbetssätt för AI-tillämpningar" in text
    assert f"utveckling 6,3{NBSP}mkr 2026, 6,3{NBSP}mkr 2027" in text
    assert "Digitalisering med hjälp av automatisering" in text
