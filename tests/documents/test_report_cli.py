"""`fordela report …`: one command per document, progress on stderr, clear errors with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import DEMO

from fordela.cli import main


def test_workbook_and_annual_analysis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "workbook", str(DEMO), "-o", str(tmp_path / "wb.xlsx")]) == 0
    assert (tmp_path / "wb.xlsx").stat().st_size > 10_000
    out = tmp_path / "analys.docx"
    assert main(["report", "annual-analysis", str(DEMO), "--supplier", "dms", "-o", str(out)]) == 0
    assert out.exists()
    err = capsys.readouterr().err
    assert "fordela: fördelningsnycklar och effekt per organisation" in err
    assert f"fordela: wrote {out}" in err


def test_pdf_for_one_supplier_and_a_bill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.pdf"
    args = [
        "report",
        "pdf",
        str(DEMO),
        "--supplier",
        "iu",
        "--organisation",
        "kultur",
        "--year",
        "2025",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "kostnader 2025 för Kulturförvaltningen" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deck", str(DEMO), "--stage", "nope", "-o", "d.pptx"], "unknown scenario 'nope'"),
        (["deck", str(DEMO), "-o", "d.pdf"], "the deck is a .pptx file"),
        (["annual-analysis", str(DEMO), "--supplier", "x", "-o", "a.docx"], "unknown supplier 'x'"),
        (["pdf", str(DEMO), "--organisation", "nobody", "-o", "r.pdf"], "unknown organisation 'nobody'"),
        (["pdf", str(DEMO), "--year", "2026", "-o", "r.pdf"], "name the --organisation too"),
        (["workbook", "no/such/package", "-o", "w.xlsx"], "no such package"),
    ],
)
def test_errors(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing half-written
