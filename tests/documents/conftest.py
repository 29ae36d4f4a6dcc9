"""Fixtures for the document tests: the demo cycle's resolutions and generated documents, made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution, resolve_code


@pytest.fixture(scope="session")
def proposed(demo: CycleData) -> Resolution:
    return resolve_code(demo, "proposed")


@pytest.fixture(scope="session")
def preparation(demo: CycleData) -> Resolution:
    return resolve_code(demo, "preparation")


@pytest.fixture(scope="session")
def coordination_group(demo: CycleData) -> Resolution:
    return resolve_code(demo, "coordination_group")


@pytest.fixture(scope="session")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="session")
def published(
    demo: CycleData, proposed: Resolution, preparation: Resolution, coordination_group: Resolution, out: Path
) -> dict[str, Path]:
    """Every kind of document of the demo cycle, written once: the deck, Intraservice's annual
    analysis, the PDF with Grundskoleförvaltningen's bill and the workbook."""
    from fordela.documents.annual_analysis import write_annual_analysis
    from fordela.documents.deck import write_deck
    from fordela.documents.pdf import write_pdf
    from fordela.package.workbook import write_workbook

    paths = {kind: out / f"published.{kind}" for kind in ("pptx", "docx", "pdf", "xlsx")}
    write_deck(demo, paths["pptx"], scenario=proposed, stage=preparation, frames=coordination_group)
    write_annual_analysis(demo, "intraservice", paths["docx"], scenario=proposed)
    write_pdf(
        demo, paths["pdf"], scenario=proposed, stage=preparation, frames=coordination_group, organisation="grundskola"
    )
    write_workbook(demo, paths["xlsx"])
    return paths
