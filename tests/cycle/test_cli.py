"""The `fordela` command end to end: output formats, package paths, the database, user errors."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from tests.conftest import DEMO

from fordela.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_allocate_package_csv_sums_exactly(capsys, demo):
    status, out, _ = run(capsys, "allocate", str(DEMO), "--year", "2026", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:4] == ["service", "organisation", "year", "amount"]
    from decimal import Decimal

    from fordela.engine.allocate import allocate
    from fordela.engine.scenario import resolve_code

    allocation = allocate(demo, 2026, resolve_code(demo, "coordination_group"))
    assert len(rows) == len(allocation.lines)
    assert sum(Decimal(r["amount"]) for r in rows) * 100 == sum(ln.amount for ln in allocation.lines)


def test_bridge_table_shows_the_deck(capsys):
    status, out, _ = run(capsys, "bridge", str(DEMO), "--supplier", "intraservice")
    assert status == 0
    for text in (
        "1\u00a0100,4",
        "1\u00a0137,4",
        "1\u00a0136,0",
        "46,2",
        "38,4",
        "1\u00a0183,6",
        "1\u00a0174,4",
        "8,8",
        "45,8",
        "44,4",
        "64,9",
        "55,7",
        "1\u00a0209,6",
    ):
        assert text in out, text


def test_bridge_json_is_machine_format(capsys):
    status, out, _ = run(capsys, "bridge", str(DEMO), "--supplier", "intraservice", "--format", "json")
    assert status == 0
    table = json.loads(out)[0]
    total = next(r for r in table["rows"] if r["line"] == "total")
    assert total["amount_proposed"] == "1183550000.00"
    assert total["change_preparation"] == "55650000.00"


def test_initiatives_and_frames(capsys):
    _, out, _ = run(capsys, "initiatives", str(DEMO), "--supplier", "intraservice")
    for text in ("38\u00a0350", "2\u00a0100", "5\u00a0700"):
        assert text in out
    _, out, _ = run(capsys, "frames", str(DEMO), "--format", "csv")
    rows = {r["supplier"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["intraservice"]["management"] == "1136000000.00"
    assert rows["intraservice"]["development"] == "36950000.00"
    assert rows["dms"]["management"] == "86900000.00"
    assert rows["iu"]["management"] == "33750000.00"
    assert rows["iu"]["development"] == "6200000.00"


def test_outlook(capsys):
    status, out, _ = run(capsys, "outlook", str(DEMO), "--supplier", "intraservice", "--format", "csv")
    assert status == 0
    years = [r["year"] for r in csv.DictReader(io.StringIO(out))]
    assert years == [str(y) for y in range(2025, 2031)]


@pytest.mark.django_db
def test_demo_then_database_commands(capsys, tmp_path):
    assert run(capsys, "demo")[0] == 0
    status, out, _ = run(capsys, "summary", "goteborg-2026")
    assert status == 0
    assert "1\u00a0136\u00a0000\u00a0000" in out and "36\u00a0950\u00a0000" in out
    assert run(capsys, "export", "goteborg-2026", str(tmp_path / "out.zip"))[0] == 0
    assert run(capsys, "allocate", str(tmp_path / "out.zip"), "--year", "2025", "--format", "json")[0] == 0


def test_user_errors_are_clear(capsys, tmp_path):
    status, _, err = run(capsys, "allocate", str(DEMO), "--year", "1999")
    assert status == 2 and "outside the cycle" in err
    status, _, err = run(capsys, "bridge", str(DEMO), "--scenario", "nope")
    assert status == 2 and "unknown scenario 'nope'" in err
    broken = tmp_path / "broken"
    shutil.copytree(DEMO, broken)
    (broken / "organisations.csv").write_text("code,name,kind\nBad Code,X,planet\n", encoding="utf-8")
    status, _, err = run(capsys, "allocate", str(broken), "--year", "2025")
    assert status == 2
    assert "nothing was imported" in err
    assert "organisations" in err and "row 2" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_unknown_cycle_code(capsys):
    status, _, err = run(capsys, "frames", "no-such-cycle")
    assert status == 2 and "no cycle 'no-such-cycle'" in err


def test_allocating_a_package_never_touches_the_database(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib\n"
        "from fordela.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['allocate', {str(DEMO)!r}, '--year', '2026', '--format', 'csv']) == 0\n"
        "assert 'django.db.models' not in sys.modules, 'the database layer was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var").exists()
