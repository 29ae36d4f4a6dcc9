"""Fixtures for the package tests: a private copy of the mini package and its data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from package_testkit import MINI, Pkg

from fordela.engine.model import CycleData
from fordela.package.reader import read_package


@pytest.fixture
def pkg(tmp_path: Path) -> Pkg:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return Pkg(folder)


@pytest.fixture(scope="session")
def mini_data() -> CycleData:
    return read_package(MINI)
