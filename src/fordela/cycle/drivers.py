"""Driver values from a plain export of an HR or asset system: one row per organisation (its code
or its name) and a value, a header row or not, Swedish number spelling (engine.parse).

`driver_file_read` turns the file into values and problems (unknown organisations, numbers that
do not parse); `driver_values_change` (fordela.cycle.catalogue) previews every change, old → new
per organisation and the bills, and applies them as one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from fordela.catalogue.models import Cycle, Organisation
from fordela.engine import parse
from fordela.package.plain import PlainRow, read_plain


@dataclass(frozen=True)
class FileProblem:
    row: int
    text: str  # the cells as found
    reason: str  # "unknown_organisation", "number:<code>", "columns", "duplicate"


@dataclass(frozen=True)
class DriverFile:
    values: dict[str, Decimal] = field(default_factory=dict)  # organisation code → value
    problems: tuple[FileProblem, ...] = ()


def _value(row: PlainRow) -> Decimal:
    text, machine = row.cells[1], row.machine[1] if len(row.machine) > 1 else False
    return parse.parse_quantity(text, machine=machine)


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def driver_file_read(*, cycle: Cycle, path: Path) -> DriverFile:
    """Read the file's rows as (organisation, value); raises PackageError if it is no readable file."""
    orgs = list(Organisation.objects.filter(cycle=cycle).values_list("code", "name"))
    by_code = {code: code for code, _ in orgs}
    by_name = {_normal(name): code for code, name in orgs}
    values: dict[str, Decimal] = {}
    problems: list[FileProblem] = []
    rows = [r for r in read_plain(path) if any(r.cells)]
    for index, row in enumerate(rows):
        shown = " | ".join(row.cells)[:200]
        if len(row.cells) < 2 or not row.cells[0]:
            problems.append(FileProblem(row.number, shown, "columns"))
            continue
        try:
            value = _value(row)
        except parse.InputError as error:
            if index == 0:
                continue  # a header row
            problems.append(FileProblem(row.number, shown, f"number:{error.code}"))
            continue
        code = by_code.get(row.cells[0]) or by_name.get(_normal(row.cells[0]))
        if code is None:
            problems.append(FileProblem(row.number, shown, "unknown_organisation"))
        elif code in values:
            problems.append(FileProblem(row.number, shown, "duplicate"))
        else:
            values[code] = value
    return DriverFile(values, tuple(problems))
