"""`fordela invoice …` and `fordela opendata` end to end, from a package and from the database."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from tests.billing.sieparse import parse_sie
from tests.conftest import DEMO

from fordela.cli import main
from fordela.engine.invoicing import invoicing_base
from fordela.engine.model import Period
from fordela.engine.scenario import resolve_code


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_quarterly_base_for_2026_and_its_sie_export_balance_to_the_ore(capsys, demo, tmp_path):
    status, out, _ = run(
        capsys, "invoice", "base", DEMO, "--year", "2026", "--format", "csv", "-o", tmp_path / "b.xlsx"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    base = invoicing_base(demo, 2026, resolve_code(demo, "coordination_group"))
    assert len(rows) == len(base.lines) and {r["period"] for r in rows} == {f"2026-q{i}" for i in range(1, 5)}
    assert sum(Decimal(r["net"]) for r in rows) * 100 == base.net_total()
    assert openpyxl.load_workbook(tmp_path / "b.xlsx").active.max_row == len(base.lines) + 1
    for quarter in ("q1", "q2", "q3", "q4"):
        status, _, err = run(capsys, "invoice", "sie", DEMO, "--period", f"2026-{quarter}", "-o", tmp_path / "x.se")
        assert status == 0 and "nothing frozen" in err
        _, vouchers = parse_sie((tmp_path / "x.se").read_bytes())
        assert all(sum(t[2] for t in v["trans"]) == 0 for v in vouchers)
        lines = base.for_period(Period(quarter))
        receivables = sum(v["trans"][0][2] for v in vouchers)
        assert receivables == sum(ln.gross for ln in lines)


def test_table_output_shows_totals_and_what_is_not_invoiced(capsys):
    status, out, _ = run(capsys, "invoice", "base", DEMO, "--period", "2026-q3")
    assert status == 0
    assert "Fakturaunderlag 2026-q3 per faktura" in out and "Ej upparbetat" in out and "Dispenser 2026" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["invoice", "base", DEMO, "--period", "q5"], "not a period"),
        (["invoice", "base", DEMO], "name the year"),
        (["invoice", "base", DEMO, "--year", "2040"], "outside the cycle"),
        (["invoice", "base", DEMO, "--year", "2026", "--scenario", "nope"], "unknown scenario"),
        (["invoice", "freeze", DEMO, "--period", "2026-q1"], "needs a cycle in the database"),
        (["invoice", "base", DEMO, "--period", "2026-q1", "-o", "x.pdf"], ".csv or .xlsx"),
    ],
)
def test_user_mistakes_exit_2_with_a_message(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2 and message in err and "Traceback" not in err


def test_outcome_report_from_a_package(capsys):
    status, out, _ = run(capsys, "invoice", "outcome", DEMO, "--supplier", "dms", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    totals = {r["year"]: r["outcome"] for r in rows if r["service"] == ""}
    assert totals["2023"] == "73970000.00" and totals["2024"] == "78675000.00"


@pytest.mark.django_db
def test_database_flow_freeze_export_once_again_verify_outcome(capsys, tmp_path):
    assert run(capsys, "demo")[0] == 0
    code = "goteborg-2026"
    status, _, err = run(capsys, "invoice", "sie", code, "--period", "2026-q1", "-o", tmp_path / "a.se", "--by", "bob")
    assert status == 0 and "batch" in err
    status, _, err = run(capsys, "invoice", "sie", code, "--period", "2026-q1", "-o", tmp_path / "b.se")
    assert status == 2 and "redan exporterats" in err and "--again" in err
    status, _, err = run(capsys, "invoice", "sie", code, "--period", "2026-q1", "-o", tmp_path / "c.se", "--again")
    assert status == 0 and (tmp_path / "a.se").read_bytes() == (tmp_path / "c.se").read_bytes()
    status, _, err = run(capsys, "invoice", "freeze", code, "--period", "2026-m02")
    assert status == 2 and "redan låst" in err
    status, _, err = run(capsys, "invoice", "verify", code, "--period", "2026-q1")
    assert status == 0 and "to the öre" in err
    status, out, err = run(
        capsys, "invoice", "outcome", code, "--service", "kontaktcenter", "--year", "2025", "--amount", "41 000 000"
    )
    assert status == 0 and "recorded outcome" in err and "Budget och utfall" in out


def test_opendata_command_writes_the_catalogue(capsys, tmp_path):
    status, _, err = run(capsys, "opendata", DEMO, "-o", tmp_path, "--issued", "2026-01-15")
    assert status == 0 and (tmp_path / "catalog.jsonld").exists() and (tmp_path / "kostnadsfordelning.csv").exists()


@pytest.mark.django_db
def test_own_services_are_invoiced_only_once_configured(capsys):
    assert run(capsys, "demo")[0] == 0
    code = "goteborg-2026"

    def own_lines() -> set[str]:
        status, out, _ = run(capsys, "invoice", "base", code, "--period", "2026-q1", "--format", "csv")
        assert status == 0
        return {r["supplier"] for r in csv.DictReader(io.StringIO(out)) if r["supplier"] == r["organisation"]}

    assert own_lines() == set()
    status, _, err = run(capsys, "invoice", "own-services", code, "--supplier", "intraservice")
    assert status == 0 and "intraservice" in err
    assert own_lines() == {"intraservice"}
    status, _, err = run(capsys, "invoice", "own-services", code, "--supplier", "nope")
    assert status == 2 and "Okänd leverantör" in err
    assert run(capsys, "invoice", "own-services", code, "--supplier", "intraservice", "--off")[0] == 0
    assert own_lines() == set()


def test_recording_an_outcome_works_from_a_fresh_shell(tmp_path):
    """As a user runs it (a new process, Django not yet set up), not only inside the test run."""
    from tests.conftest import ROOT
    from tests.ops.processes import environment, fordela

    env = environment(FORDELA_HOME=str(tmp_path), FORDELA_LOCAL="1")
    assert fordela("migrate", env=env).returncode == 0
    assert fordela("import", "src/fordela/demo/goteborg-2026", env=env, cwd=ROOT).returncode == 0
    args = ("invoice", "outcome", "goteborg-2026", "--service", "kontaktcenter", "--year", "2025")
    result = fordela(*args, "--amount", "80 123 456,50", env=env)
    assert result.returncode == 0, result.stderr
    assert "recorded outcome 2025 of kontaktcenter" in result.stderr
