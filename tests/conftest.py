from __future__ import annotations

from pathlib import Path

import pytest

from fordela.engine.model import CycleData

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "fordela" / "demo" / "goteborg-2026"
MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture(scope="session")
def demo() -> CycleData:
    from fordela.package.reader import read_package

    return read_package(DEMO)


@pytest.fixture(scope="session")
def mini() -> CycleData:
    from fordela.package.reader import read_package

    return read_package(MINI)
