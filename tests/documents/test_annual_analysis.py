"""The annual analysis .docx: opened again with python-docx, it reads like seeds/004… and every amount
it shows is the engine's figure for it, to the öre."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from fordela.documents.annual_analysis import write_annual_analysis
from fordela.documents.common import view
from fordela.engine import bridge as b
from fordela.engine.model import AmountType, CycleData, ProposalKind
from fordela.engine.money import Unit, display
from fordela.engine.parse import parse_amount
from fordela.engine.scenario import Resolution, resolve_code
from fordela.reports.analysis import key_change_effect_table

NBSP = "\u00a0"
AMOUNT = re.compile(r"−?\d{1,3}(?:\u00a0\d{3})+|−?\d+")
GROUPED = re.compile(r"−?\d{1,3}(?:\u00a0\d{3})+")


def _write(demo: CycleData, proposed: Resolution, out: Path, supplier: str) -> object:
    path = out / f"{supplier}.docx"
    write_annual_analysis(demo, supplier, path, scenario=proposed)
    return Document(str(path))


@pytest.fixture(scope="module")
def dms(demo: CycleData, proposed: Resolution, out: Path) -> object:
    return _write(demo, proposed, out, "dms")


@pytest.fixture(scope="module")
def intraservice(demo: CycleData, proposed: Resolution, out: Path) -> object:
    return _write(demo, proposed, out, "intraservice")


def cells(table: object) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def headings(document: object, level: int) -> list[str]:
    style = f"Heading {level}"
    return [p.text for p in document.paragraphs if p.style.name == style]  # type: ignore[attr-defined]


def text(document: object) -> str:
    return "\n".join(p.text for p in document.paragraphs)  # type: ignore[attr-defined]


def amount(cell: str) -> int | None:
    return parse_amount(cell) if cell else None


def table_titled(document: object, first_heading: str) -> list[list[str]]:
    return next(cells(t) for t in document.tables if t.rows[0].cells[0].text == first_heading)  # type: ignore[attr-defined]


def test_the_sections_of_the_seed_in_order(dms: object) -> None:
    assert headings(dms, 1) == [
        "Inledning",
        "Bastjänster som levereras",
        "Nya tjänster och tjänster som avvecklas",
        "Förvaltningskostnad befintliga bastjänster",
        "Förslag på förändrade fördelningsnycklar i befintliga bastjänster/digital infrastruktur",
        "Förändringsinsatser",
        "Sammanfattning av utveckling inom förvaltning per tjänst",
        "Strategisk samordningsgrupps bedömning",
    ]
    level2 = headings(dms, 2)
    for heading in (
        "Förändringar i årlig analys 2026",
        "Kommentarer till förändrade fördelningsnycklar",
        "Dialog om förändrade fördelningsnycklar",
        "Extern service och kommunikation",
        "Öppna data",
        "Slutsatser",
        "Rekommendation till kommunfullmäktige",
    ):
        assert heading in level2
    body = text(dms)
    # the seed's own words (the demo carries them from seeds/004… and seeds/000…)
    assert "sedan 2023 en av Göteborgs stads tre leverantörer av gemensamma digitala tjänster" in body
    assert "Leverantören har inte identifierat behov av att införa några nya tjänster" in body
    assert "under första kvartalet 2025" in body and "goteborg.se" in body
    assert "Reflektioner från vissa förvaltningar har kommit via StratSam" in body
    assert f"Beräknad total förvaltningskostnad befintliga bastjänster 2026 är 86{NBSP}900{NBSP}000 kronor." in body


def test_history_table(dms: object, intraservice: object, demo: CycleData, proposed: Resolution) -> None:
    history = table_titled(dms, "År")
    assert history[0] == ["År", "Utfall 2023", "Utfall 2024", "Budget 2025", "Förslag budget 2026"]
    assert [[amount(x) for x in row[1:]] for row in history[1:]] == [
        [7_397_000_000, 7_867_500_000, 8_690_000_000, 8_690_000_000],
        [None, None, 947_000_000, 683_880_000],
    ]
    # Intraservice: the target year is the bridge's existing delivery, with its development within service
    x = b.bridge(demo, "intraservice", proposed)
    history = table_titled(intraservice, "År")
    assert history[0][-1] == "Förslag budget 2026"
    assert amount(history[1][-1]) == x.existing_delivery == 110_040_000_000  # the deck's 1 100,4
    assert amount(history[2][-1]) == x.line("development_within_service") == 6_020_000_000  # 60,2
    assert amount(history[1][-2]) == x.management_budget_base


def test_delivered_services_are_the_existing_ones(intraservice: object) -> None:
    body = text(intraservice)
    start = body.index("levererar följande bastjänster")
    delivered = body[start : body.index("Nya tjänster och tjänster som avvecklas")]
    assert "Office 365" in delivered and "Servicedesk" in delivered
    for proposed_only in ("Stöd för hållbarhetsinformation", "Grundläggande digital infrastruktur"):
        assert proposed_only not in delivered  # rejected or only proposed: not delivered


def _contributions(demo: CycleData, resolution: Resolution, supplier: str) -> dict[str, tuple[str, int]]:
    """Every proposal's part of the bridge, computed here from the decisions (line, öre)."""
    year = demo.cycle.target_year
    lines = {k: name for name, kinds in b.EXISTING_DELIVERY_LINES + b.GROWTH_LINES for k in kinds}
    out = {}
    for d in b.supplier_decisions(resolution, supplier):
        kind = d.proposal.kind
        if kind is ProposalKind.CHANGE_INITIATIVE:
            part, line = d.amount(year, AmountType.DEVELOPMENT), "change_initiatives"
        elif kind in lines:
            part, line = d.management(year), lines[kind]
        else:
            continue
        if part:
            out[d.proposal.title] = (line, part)
    return out


def test_the_bridge_with_every_proposal_agrees_with_the_engine(
    intraservice: object, demo: CycleData, proposed: Resolution
) -> None:
    x = b.bridge(demo, "intraservice", proposed)
    bridge = table_titled(intraservice, "Förändringar i årlig analys 2026")
    shown = {row[0]: amount(row[2]) for row in bridge[1:]}
    assert shown["Förvaltningskostnad bastjänster och digital infrastruktur enligt beslutad budget 2025"] == (
        x.management_budget_base
    )
    assert shown["Förvaltningskostnad befintlig leverans"] == x.existing_delivery
    assert shown["Summa förvaltningskostnad 2026"] == x.management_cost == 113_740_000_000
    assert shown["Förändringsinsatser 2026"] == x.change_initiatives
    assert shown["TOTAL SUMMA"] == x.total and shown["Total med index 3\u00a0%"] == x.total_with_index
    expected = _contributions(demo, proposed, "intraservice")
    listed = {row[0].removeprefix("– "): amount(row[2]) for row in bridge[1:] if row[0].startswith("– ")}
    assert listed == {title: part for title, (_, part) in expected.items()}
    # each line is the sum of the proposals listed under it
    current, sums = None, {}
    for row in bridge[1:]:
        if row[0].startswith("– "):
            sums[current] = sums.get(current, 0) + amount(row[2])
        else:
            current = row[0]
    for name, part in x.lines:
        label = next(r[0] for r in bridge[1:] if r[0] in shown and amount(r[2]) == part and not r[0].startswith("– "))
        assert sums.get(label, 0) == part, name
    # all 50 of Intraservice's proposals are in the document: 46 in the bridge, the 4 key changes in theirs
    keys = table_titled(intraservice, "Bastjänst/digital infrastruktur")
    every = {p.title for p in demo.proposals if p.supplier == "intraservice"}
    key_services = {row[0] for row in keys[1:]}
    in_keys = {p.title for p in demo.proposals if p.kind is ProposalKind.KEY_CHANGE and p.supplier == "intraservice"}
    assert len(every) == 50 and set(listed) | in_keys == every and len(key_services) == 4


def test_key_changes_and_their_effect(dms: object, demo: CycleData, proposed: Resolution) -> None:
    keys = table_titled(dms, "Bastjänst/digital infrastruktur")
    assert keys[1:] == [
        ["Demokratistärkande metoder och verktyg", "Antal administrativa datorer", "Antal anställda"],
        ["Extern service och kommunikation", "Antal administrativa datorer", "Antal anställda"],
        ["Öppna data", "Antal administrativa datorer", "Antal anställda"],
    ]
    effects = [cells(t) for t in dms.tables if t.rows[0].cells[0].text == "Organisation"]  # type: ignore[attr-defined]
    codes = ["dms-nyckel-demokrati", "dms-nyckel-extern-service", "dms-nyckel-oppna-data"]
    for code, shown in zip(codes, effects, strict=True):
        effect = key_change_effect_table(demo, code, proposed)
        *body, total = effect.rows
        assert sum(row[4] for row in body) == 0 == total[4]
        assert any(row[4] > 0 for row in body) and any(row[4] < 0 for row in body)
        assert shown == [list(view(effect).headings), *map(list, view(effect).rows)]
    assert effects[0][-1][:4] == ["Summa", f"9{NBSP}800{NBSP}000", f"9{NBSP}800{NBSP}000", "0"]


def _engine_figures(demo: CycleData, proposed: Resolution, supplier: str) -> set[int]:
    """Every amount the engine has for the supplier's analysis, in öre."""
    x = b.bridge(demo, supplier, proposed)
    figures = {x.management_budget_base, x.existing_delivery, x.management_cost, x.change_initiatives, x.total}
    figures |= {x.total_with_index, *(a for _, a in x.lines)}
    figures |= {part for _, part in _contributions(demo, proposed, supplier).values()}
    decided = resolve_code(demo, "coordination_group")
    frame = b.frame(demo, supplier, decided)
    figures |= {frame.management, frame.development}
    for d in b.supplier_decisions(proposed, supplier):
        figures |= {a for _, _, a in d.amounts} | {d.proposal.future_management_cost or 0}
        later = sum(a for y, t, a in d.amounts if t is AmountType.DEVELOPMENT and y > demo.cycle.target_year)
        figures.add(later)
        if d.proposal.kind is ProposalKind.KEY_CHANGE:
            effect = key_change_effect_table(demo, d.proposal.code, proposed)
            figures |= {v for row in effect.rows for v in row[2:5]}
    services = {s.code for s in demo.services if s.supplier == supplier}
    for year in (2023, 2024, 2025):
        rows = [y for y in demo.service_years if y.service in services and y.year == year and y.cost]
        figures.add(sum((y.outcome if year < 2025 else y.cost) or 0 for y in rows))
        figures.add(sum(y.development_within_service or 0 for y in rows))
    figures.add(
        x.line("development_within_service")
        + sum(y.development_within_service or 0 for y in demo.service_years if y.service in services and y.year == 2026)
    )
    return figures


@pytest.mark.parametrize("supplier", ["dms", "intraservice", "iu"])
def test_every_amount_shown_is_the_engines(demo: CycleData, proposed: Resolution, out: Path, supplier: str) -> None:
    document = _write(demo, proposed, out, supplier)
    figures = _engine_figures(demo, proposed, supplier)
    written = [t.text for t in demo.analysis_texts if t.supplier == supplier]
    shown: list[str] = []
    for table in document.tables:  # type: ignore[attr-defined]
        money = [i for i, c in enumerate(table.rows[0].cells) if "(kr)" in c.text]
        shown += [row.cells[i].text for row in list(table.rows)[1:] for i in money if row.cells[i].text]
    for p in document.paragraphs:  # type: ignore[attr-defined]
        if not any(p.text in w for w in written):  # the seed's own prose is not a figure of ours
            shown += GROUPED.findall(p.text)
    assert shown
    # shown in kronor, rounded half-up from the exact öre: the same text as the engine's figure
    texts = {display(f, Unit.KR) for f in figures}
    stray = [s for s in shown if s not in texts]
    assert stray == []
