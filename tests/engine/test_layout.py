"""The computation core and the package format stay free of Django (STYLE.md)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "fordela"
DJANGO_IMPORT = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)


def test_engine_package_and_reports_never_import_django():
    for folder in ("engine", "package", "reports"):
        for path in (SRC / folder).rglob("*.py"):
            assert not DJANGO_IMPORT.search(path.read_text(encoding="utf-8")), path


def test_engine_never_uses_floats_for_money_parsing():
    money = (SRC / "engine" / "money.py").read_text(encoding="utf-8")
    assert "float(" not in money
