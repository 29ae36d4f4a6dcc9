"""What every `fordela` sub-command shares: loading a cycle, naming scenarios, user errors.

This module sits below the root command (`fordela.cli`) and every sub-command module, so a
sub-command never imports the root back. A user mistake is a `UserError`: the root prints it
and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from fordela.engine import bridge as b
from fordela.engine import scenario
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution, ScenarioError, resolve_code
from fordela.reports.render import FORMATS
from fordela.reports.tables import Table

DEMO_CODE = "goteborg-2026"

# A sub-command's function: parsed arguments in, the tables to print out (none if it wrote a file).
Handler = Callable[[argparse.Namespace], list[Table]]


class UserError(Exception):
    """A mistake in what the user asked for: printed, exit status 2."""


def demo_package() -> Path:
    return Path(str(resources.files("fordela") / "demo" / DEMO_CODE))


def django_setup() -> None:
    """Set Django up for the commands that touch the database (a package path never does)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fordela.settings")
    import django

    django.setup()


def load(source: str) -> CycleData:
    """A cycle from a package path, or from the database by code."""
    from fordela.package.reader import read_package

    path = Path(source)
    if path.exists():
        return read_package(path)
    if os.sep in source or source.endswith((".zip", ".xlsx", ".csv")):
        raise UserError(f"no such package: {source}")
    django_setup()
    from fordela.cycle.selectors import CycleNotFound, cycle_data

    try:
        return cycle_data(source)
    except CycleNotFound as error:
        raise UserError(str(error)) from None


def decided_stage(data: CycleData) -> str:
    """The stage whose decisions stand (`fordela.engine.scenario.decided_stage`)."""
    stage = scenario.decided_stage(data)
    if stage is None:
        raise UserError("the cycle has no review stages: name a --scenario")
    return stage


def default_comparison(data: CycleData) -> list[str]:
    """Everything proposed next to the first stage's recommendation, as the deck shows it."""
    codes = scenario.default_comparison(data)
    if not codes:
        raise UserError("the cycle has no scenarios or review stages: name a --scenario")
    return codes


def resolve(data: CycleData, code: str) -> Resolution:
    try:
        return resolve_code(data, code)
    except ScenarioError as error:
        raise UserError(str(error)) from None


def suppliers(data: CycleData, supplier: str | None) -> list[str]:
    """Every supplier, or only the one named (refused if the cycle has no such supplier)."""
    known = b.suppliers(data)
    if supplier is None:
        return known
    if supplier not in known:
        raise UserError(f"unknown supplier '{supplier}' (suppliers: {', '.join(known)})")
    return [supplier]


def add_command(sub: Any, name: str, func: Handler, help: str, *, formats: bool = True) -> argparse.ArgumentParser:
    """A sub-command under `sub` (an argparse sub-parsers action) that runs `func`; with
    `formats`, a --format option for the tables it prints."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help)
    p.set_defaults(func=func)
    if formats:
        p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    return p
