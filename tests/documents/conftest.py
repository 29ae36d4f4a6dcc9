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
