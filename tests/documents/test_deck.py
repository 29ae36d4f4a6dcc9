"""The coordination deck: opened again with python-pptx, it carries the reference figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from fordela.documents.deck import write_deck
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution

NBSP = "\u00a0"


def n(text: str) -> str:
    """Figures as the seeds write them, with non-breaking spaces."""
    return text.replace(" ", NBSP)


@pytest.fixture(scope="module")
def slides(
    demo: CycleData, proposed: Resolution, preparation: Resolution, coordination_group: Resolution, out: Path
) -> list[dict[str, object]]:
    path = out / "deck.pptx"
    write_deck(demo, path, scenario=proposed, stage=preparation, frames=coordination_group)
    result = []
    for slide in Presentation(str(path)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        tables = [[[cell.text for cell in row.cells] for row in s.table.rows] for s in slide.shapes if s.has_table]
        pictures = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        result.append({"title": texts[0], "texts": texts, "tables": tables, "pictures": len(pictures)})
    return result


def find(slides: list[dict[str, object]], title: str) -> list[dict[str, object]]:
    found = [s for s in slides if str(s["title"]).startswith(title)]
    assert found, f"no slide titled {title!r}"
    return found


def rows_by_label(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table[1:]}


def test_structure(slides: list[dict[str, object]]) -> None:
    titles = [str(s["title"]) for s in slides]
    assert titles[0] == "Göteborgs Stad – årlig analys och budget 2026"
    for supplier in ("Nämnden för demokrati och medborgarservice", "Nämnden för Intraservice"):
        assert f"{supplier}, sammanfattning" in titles
    for heading in ("Nya tjänster", "Förslag på ändrad kategorisering av tjänst", "Förändrade fördelningsnycklar"):
        assert f"{heading} – Nämnden för Intraservice" in titles
    assert titles[-3] == "Rekommendation till kommunfullmäktige"
    charts = [s for s in slides if s["pictures"]]
    assert len(charts) == 4  # a waterfall per supplier and the frames


def test_intraservice_bridge(slides: list[dict[str, object]]) -> None:
    (slide,) = [s for s in find(slides, "Budgetbrygga Nämnden för Intraservice 2026") if s["tables"]]
    table = slide["tables"][0]  # type: ignore[index]
    assert "Scenario 3 – allt som föreslås" in table[0][1] and "Beredningens förslag" in table[0][4]
    rows = rows_by_label(table)
    assert rows["Förvaltningskostnad bastjänster och digital infrastruktur enligt beslutad budget 2025"][0] == n(
        "1 091,6"
    )
    assert rows["Förvaltningskostnad befintlig leverans"] == [
        n("1 100,4"),
        "8,8",
        n("0,8 %"),
        n("1 100,4"),
        "8,8",
        n("0,8 %"),
    ]
    assert rows["Summa förvaltningskostnad 2026"] == [
        n("1 137,4"),
        "45,8",
        n("4,2 %"),
        n("1 136,0"),
        "44,4",
        n("4,1 %"),
    ]
    assert rows["Förändringsinsatser 2026"] == ["46,2", "19,1", "", "38,4", "11,3", ""]
    assert rows["TOTAL SUMMA"] == [n("1 183,6"), "64,9", n("5,8 %"), n("1 174,4"), "55,7", n("5,0 %")]
    assert rows["Påverkan på förvaltningskostnad för leverans av nya tjänster och erbjudanden"][::3] == ["26,9", "25,5"]


def test_initiative_lists(slides: list[dict[str, object]]) -> None:
    tables = [t for s in find(slides, "Förändringsinsatser 2026, Nämnden för Intraservice") for t in s["tables"]]  # type: ignore[attr-defined]
    sums = {row[1]: row[-1] for table in tables for row in table[1:] if row[0] == "Summa"}
    assert sums == {
        "Rekommenderas": n("38 350"),
        "Rekommenderas inte": n("2 100"),
        "Finansieras som tilläggstjänster": n("5 700"),
    }
    titles = [row[1] for table in tables for row in table[1:] if row[0] == "Rekommenderas"]
    assert len(titles) == 13 and "Chatbot för HR-frågor" in titles


def test_proposals_with_comment_and_recommendation(slides: list[dict[str, object]]) -> None:
    (slide,) = find(slides, "Förändrade fördelningsnycklar – Nämnden för Intraservice")
    table = slide["tables"][0]  # type: ignore[index]
    assert table[0] == ["Tjänst", "Förslag i årlig analys", "Belopp", "Finansiering", "Kommentar", "Förslag 2026"]
    telefoni = next(row for row in table if row[0] == "Telefoni")
    assert "Avslås" in telefoni[-1] and telefoni[-2]


def test_frames_to_council(slides: list[dict[str, object]]) -> None:
    (slide,) = [s for s in find(slides, "Ekonomiska ramar 2026") if s["tables"]]
    frames = {row[0]: row[1:3] for row in slide["tables"][0][1:]}  # type: ignore[index]  # names, not codes
    assert frames == {
        "Nämnden för Intraservice": [n("1 136 000 000"), n("36 950 000")],
        "Nämnden för demokrati och medborgarservice": [n("86 900 000"), "0"],
        "Inköps- och upphandlingsnämnden": [n("33 750 000"), n("6 200 000")],
    }
    (council,) = find(slides, "Rekommendation till kommunfullmäktige")
    text = "\n".join(council["texts"])  # type: ignore[arg-type]
    assert f"förvaltning {n('1 136 000 000')} kr + index" in text
    assert f"utveckling {n('6 200 000')} kr + index" in text
