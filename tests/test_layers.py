"""The import contracts of `make lint` (pyproject.toml, [tool.importlinter]) hold on the code and
catch what they are for: an upward import, an import cycle, Django in the pure layers.

Each failing case copies the source tree to a temporary folder, adds one offending module and runs
`lint-imports` on the copy, so the real tree is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def lint_tree(tmp_path_factory: pytest.TempPathFactory):
    """A throwaway copy of the sources; `add(path, text)` adds a module, `run()` checks the copy."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "fordela",
        root / "src" / "fordela",
        ignore=shutil.ignore_patterns("__pycache__", "demo", "locale", "static", "templates"),
    )
    added: list[Path] = []

    class Tree:
        def add(self, module: str, text: str) -> None:
            path = root / "src" / (module.replace(".", "/") + ".py")
            path.write_text(text, encoding="utf-8")
            added.append(path)

        def run(self) -> subprocess.CompletedProcess[str]:
            try:
                return _lint_imports(root)
            finally:
                for path in added:
                    path.unlink()
                added.clear()

    return Tree()


def test_the_contracts_hold_on_the_code(lint_tree):
    result = lint_tree.run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(lint_tree):
    lint_tree.add("fordela.engine.upward", "from fordela.web.views import common  # noqa\n")
    result = lint_tree.run()
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "fordela.engine.upward -> fordela.web.views.common" in result.stdout


def test_one_domain_app_importing_an_independent_one_breaks_the_layers(lint_tree):
    lint_tree.add("fordela.consultation.sideways", "from fordela.billing import services  # noqa\n")
    result = lint_tree.run()
    assert result.returncode == 1
    assert "fordela.consultation.sideways -> fordela.billing.services" in result.stdout


def test_an_import_cycle_inside_a_layer_is_refused(lint_tree):
    lint_tree.add("fordela.engine.loop_a", "from fordela.engine import loop_b  # noqa\n")
    lint_tree.add("fordela.engine.loop_b", "from fordela.engine import loop_a  # noqa\n")
    result = lint_tree.run()
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "could be made acyclic" in result.stdout and ".loop_b -> .loop_a" in result.stdout


def test_django_in_the_engine_is_refused(lint_tree):
    lint_tree.add("fordela.engine.with_django", "from django.db import models  # noqa\n")
    result = lint_tree.run()
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "fordela.engine.with_django -> django" in result.stdout
