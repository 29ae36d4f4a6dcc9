"""The shipped demo package is exactly what tools/build_demo.py builds, and survives every format."""

from __future__ import annotations

import filecmp
import importlib.util

from fordela.package.reader import read_package
from fordela.package.writer import write_package
from tests.conftest import DEMO, ROOT


def _build_module():
    spec = importlib.util.spec_from_file_location("build_demo", ROOT / "tools" / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_package_is_the_built_one(tmp_path):
    build_demo = _build_module()
    build_demo.build()
    build_demo.write_package(build_demo.build(), tmp_path / "built")
    comparison = filecmp.dircmp(DEMO, tmp_path / "built")
    assert comparison.diff_files == comparison.left_only == comparison.right_only == []


def test_round_trip_through_zip_and_xlsx(demo, tmp_path):
    write_package(demo, tmp_path / "demo.zip")
    from_zip = read_package(tmp_path / "demo.zip")
    write_package(from_zip, tmp_path / "demo.xlsx")
    from_xlsx = read_package(tmp_path / "demo.xlsx")
    assert from_zip == demo == from_xlsx
    write_package(from_xlsx, tmp_path / "again")
    comparison = filecmp.dircmp(DEMO, tmp_path / "again")
    assert comparison.diff_files == comparison.left_only == comparison.right_only == []


def test_illustrative_values_are_labelled(demo):
    assert "illustrativ" in demo.cycle.note
    administrations = [o for o in demo.organisations if o.kind.value != "board"]
    assert administrations and all(o.note == "illustrativ" for o in administrations)


# Which rows of the demo come from the seeds (seeds/000…: the coordination group's 2026 deck,
# seeds/004…: DMS' annual analysis). Every other row is made up for the demo and must say
# "illustrativ" in its marker column; a row listed here must not (or the list is wrong).
FROM_SEEDS = {
    "organisations": {"intraservice", "dms", "iu"},
    "services": {
        "automatisering",
        "demokrati",
        "domino",
        "e-handel",
        "extern-service",
        "grundlaggande-di",
        "hallbarhetsinformation",
        "internkontroll",
        "it-arbetsplats",
        "it-sakerhet",
        "kemikaliehantering",
        "kontaktcenter",
        "kundtjanst",
        "lan",
        "medarbetarundersokning",
        "office365",
        "oppna-data",
        "stadsnat",
        "telefoni",
    },
    "keys": {"k-computers", "k-employees", "k-payslips", "k-frozen-2025", "k-hybrid-employees"},
    "proposals": {
        "dms-nyckel-demokrati",
        "dms-nyckel-extern-service",
        "dms-nyckel-oppna-data",
        "is-ai-infrastruktur",
        "is-application-control",
        "is-bestallarstod",
        "is-bevarandeplattform",
        "is-data-warehouse",
        "is-digitala-anstallningsavtal",
        "is-domino-avveckling",
        "is-flexibilitet-di",
        "is-forstudie-dokumenthantering",
        "is-hallbarhetsredovisning",
        "is-hr-chatbot",
        "is-it-sakerhet",
        "is-konsultation",
        "is-kravkatalog",
        "is-kundunika-o365",
        "is-nationell-di",
        "is-ny-automatisering",
        "is-nyckel-domino",
        "is-nyckel-grundlaggande-di",
        "is-nyckel-lan",
        "is-nyckel-telefoni",
        "is-styrande-dokument",
        "is-tjanstelegitimation",
    },
    "scenarios": {"proposed", "preparation", "coordination_group"},
}
# The column that carries a table's marker. Tables whose rows are all made up have no seed rows.
MARKER = {
    "organisations": "note",
    "services": "description",
    "keys": "note",
    "proposals": "description",
    "scenarios": "description",
    "driver_values": "note",
    "key_shares": "note",
    "service_years": "note",
    "participation": "note",
    "subscriptions": "note",
    "allocation_history": "note",
    "incurred_costs": "note",
    "vat_rules": "note",
    "exemptions": "reason",
}
# Rows taken from the seeds as they stand, or belonging to a row above and marked through it
# (a proposal's amounts and reviews, a scenario's proposals); budget_lines cite the seeds.
UNMARKED = {
    "cycle",
    "drivers",
    "review_stages",
    "proposal_amounts",
    "reviews",
    "review_amounts",
    "review_conditions",
    "scenario_proposals",
    "budget_lines",
    "analysis_texts",
}


def test_every_row_not_from_the_seeds_is_marked_illustrative(demo):
    from fordela.package.schema import TABLES

    assert {t.name for t in TABLES} == set(MARKER) | UNMARKED, "say how the rows of a new table are marked"
    wrong = []
    for table in TABLES:
        if table.name not in MARKER:
            continue
        for row in getattr(demo, table.name):
            marked = "illustrativ" in (getattr(row, MARKER[table.name]) or "").lower()
            from_seeds = getattr(row, "code", None) in FROM_SEEDS.get(table.name, set())
            if marked == from_seeds:
                wrong.append((table.name, row))
    assert wrong == []
    assert all("seeds/" in line.note for line in demo.budget_lines)
    assert demo.analysis_texts and all("seeds/" in text.note for text in demo.analysis_texts)
