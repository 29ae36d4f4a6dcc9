"""The `fordela` command: import, export, the demo cycle, and the cycle's reports.

A CYCLE argument is either a path to a cycle package (computed directly, the database is not
touched) or the code of a cycle in the database. User mistakes exit non-zero with one clear
message per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from fordela.billing.cli import register as billing_commands
from fordela.engine import bridge as b
from fordela.engine.allocate import AllocationError, allocate
from fordela.engine.model import CycleData, ScenarioKind
from fordela.engine.scenario import Resolution, ScenarioError, resolve_code
from fordela.package.errors import PackageError
from fordela.reports import cycle as reports
from fordela.reports.render import FORMATS, render
from fordela.reports.tables import Table

DEMO_CODE = "goteborg-2026"


class UserError(Exception):
    """A mistake in what the user asked for: printed, exit status 2."""


def demo_package() -> Path:
    return Path(str(resources.files("fordela") / "demo" / DEMO_CODE))


def _django() -> None:
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
    _django()
    from fordela.cycle.selectors import CycleNotFound, cycle_data

    try:
        return cycle_data(source)
    except CycleNotFound as error:
        raise UserError(str(error)) from None


def default_comparison(data: CycleData) -> list[str]:
    """Everything proposed next to the first stage's recommendation, as the deck shows it."""
    codes = [s.code for s in data.scenarios if s.kind is ScenarioKind.ALL_PROPOSED][:1]
    first_stage = min(data.review_stages, key=lambda s: s.position, default=None)
    if first_stage is not None:
        codes.append(first_stage.code)
    return codes or [s.code for s in data.scenarios][:1]


def decided_stage(data: CycleData) -> str:
    """The cycle's current stage, else the latest stage with any review."""
    if data.cycle.current_stage:
        return data.cycle.current_stage
    positions = {s.code: s.position for s in data.review_stages}
    reviewed = {r.stage for r in data.reviews}
    if not reviewed:
        raise UserError("the cycle has no reviews yet: name a --scenario")
    return max(reviewed, key=positions.__getitem__)


def _resolve(data: CycleData, code: str) -> Resolution:
    try:
        return resolve_code(data, code)
    except ScenarioError as error:
        raise UserError(str(error)) from None


def _suppliers(data: CycleData, supplier: str | None) -> list[str]:
    known = b.suppliers(data)
    if supplier is None:
        return known
    if supplier not in known:
        raise UserError(f"unknown supplier '{supplier}' (suppliers: {', '.join(known)})")
    return [supplier]


def cmd_import(args: argparse.Namespace) -> list[Table]:
    from fordela.package.reader import read_package

    data = read_package(Path(args.path))
    _django()
    from fordela.cycle.services import CycleExistsError, cycle_import

    try:
        cycle_import(data=data, replace=args.replace)
    except CycleExistsError as error:
        raise UserError(str(error)) from None
    print(
        f"imported cycle {data.cycle.code}: {len(data.services)} services, {len(data.proposals)} proposals",
        file=sys.stderr,
    )
    return []


def cmd_demo(args: argparse.Namespace) -> list[Table]:
    # Accounts with a published password: only on a local machine, or when asked for by name.
    if os.environ.get("FORDELA_LOCAL", "") not in ("1", "true", "yes", "on") and not args.allow_demo_accounts:
        raise UserError(
            "refusing to create demo accounts outside local mode (FORDELA_LOCAL=1); "
            "pass --allow-demo-accounts to do it anyway"
        )
    args.path, args.replace = str(demo_package()), True
    cmd_import(args)
    from fordela.accounts.services import DEMO_PASSWORD, demo_accounts_create

    accounts = demo_accounts_create()
    print(f"demo accounts (password {DEMO_PASSWORD}):", file=sys.stderr)
    for a in accounts:
        where = f" – {a.organisation}" if a.organisation else ""
        print(f"  {a.username:<8} {a.role.label}{where}", file=sys.stderr)
    return []


def cmd_export(args: argparse.Namespace) -> list[Table]:
    from fordela.package.writer import write_package

    data = load(args.cycle)
    write_package(data, Path(args.path))
    print(f"exported cycle {data.cycle.code} to {args.path}", file=sys.stderr)
    return []


def cmd_allocate(args: argparse.Namespace) -> list[Table]:
    data = load(args.cycle)
    if args.year not in data.cycle.years:
        raise UserError(f"year {args.year} is outside the cycle ({data.cycle.years.start}–{data.cycle.years.stop - 1})")
    resolution = None
    if args.year > data.cycle.base_year:
        resolution = _resolve(data, args.scenario or decided_stage(data))
    elif args.scenario:
        raise UserError(f"{args.year} is not after the base year {data.cycle.base_year}: no scenario applies")
    try:
        allocation = allocate(data, args.year, resolution)
    except AllocationError as error:
        raise UserError(str(error)) from None
    tables = [reports.allocation_table(data, allocation)]
    if args.format != "csv":
        tables += [reports.organisation_totals_table(data, allocation), reports.recovery_table(allocation)]
    return tables


def cmd_bridge(args: argparse.Namespace) -> list[Table]:
    data = load(args.cycle)
    resolutions = [_resolve(data, c) for c in (args.scenario or default_comparison(data))]
    return [reports.bridge_table(data, s, resolutions) for s in _suppliers(data, args.supplier)]


def cmd_initiatives(args: argparse.Namespace) -> list[Table]:
    data = load(args.cycle)
    resolution = _resolve(data, args.scenario or default_comparison(data)[-1])
    return [
        reports.initiatives_table(data, s, resolution)
        for s in _suppliers(data, args.supplier)
        if b.initiative_lists(data, s, resolution)
    ]


def cmd_frames(args: argparse.Namespace) -> list[Table]:
    data = load(args.cycle)
    return [reports.frames_table(data, _resolve(data, args.stage or decided_stage(data)))]


def cmd_outlook(args: argparse.Namespace) -> list[Table]:
    data = load(args.cycle)
    proposed = [s.code for s in data.scenarios if s.kind is ScenarioKind.ALL_PROPOSED][:1]
    resolution = _resolve(data, args.scenario or (proposed[0] if proposed else decided_stage(data)))
    return [reports.outlook_table(data, s, resolution) for s in _suppliers(data, args.supplier)]


def cmd_summary(args: argparse.Namespace) -> list[Table]:
    """The main job: every supplier's bridge, the initiative lists and the frames to council."""
    data = load(args.cycle)
    comparison = [_resolve(data, c) for c in default_comparison(data)]
    tables = [reports.bridge_table(data, s, comparison) for s in b.suppliers(data)]
    tables += [
        reports.initiatives_table(data, s, comparison[-1])
        for s in b.suppliers(data)
        if b.initiative_lists(data, s, comparison[-1])
    ]
    tables.append(reports.frames_table(data, _resolve(data, decided_stage(data))))
    return tables


def cmd_schema(args: argparse.Namespace) -> list[Table]:
    from fordela.package.docs import schema_json, schema_markdown

    print(schema_markdown() if args.format == "markdown" else schema_json(), end="")
    return []


def cmd_migrate(args: argparse.Namespace) -> list[Table]:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return []


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fordela", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, func: Callable[[argparse.Namespace], list[Table]], help: str, *, formats: bool = True
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        if formats:
            p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
        return p

    p = command("import", cmd_import, "import a cycle package (folder, .zip or .xlsx) into the database", formats=False)
    p.add_argument("path")
    p.add_argument("--replace", action="store_true", help="replace a cycle with the same code")
    p = command("demo", cmd_demo, f"load the demo cycle {DEMO_CODE} into the database", formats=False)
    p.add_argument("--allow-demo-accounts", action="store_true", help="also outside local mode (published password)")
    p = command("export", cmd_export, "export a cycle as a package (folder, .zip or .xlsx by suffix)", formats=False)
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("path")
    p = command("allocate", cmd_allocate, "split every service's cost for a year among its customers")
    p.add_argument("cycle", metavar="PACKAGE_OR_CYCLE")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--scenario", help="scenario or review stage (years after the base year; default: current stage)")
    p = command("bridge", cmd_bridge, "the budget bridge per supplier, scenarios side by side")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--supplier")
    p.add_argument("--scenario", action="append", help="repeat to compare (default: proposed vs first stage)")
    p = command("initiatives", cmd_initiatives, "the change-initiative lists with sums")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--supplier")
    p.add_argument("--scenario", "--stage", dest="scenario", help="scenario or stage (default: first stage)")
    p = command("frames", cmd_frames, "the budget frames per supplier to council")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--stage", help="review stage or scenario (default: the cycle's current stage)")
    p = command("outlook", cmd_outlook, "the multi-year outlook per supplier")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--supplier")
    p.add_argument("--scenario", help="default: everything proposed")
    p = command("summary", cmd_summary, "bridges, initiative lists and frames: the deck's figures")
    p.add_argument("cycle", metavar="CYCLE", nargs="?", default=DEMO_CODE)
    p = sub.add_parser("schema", help="the package tables and columns")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.set_defaults(func=cmd_schema)
    command("migrate", cmd_migrate, "create or update the database tables", formats=False)
    billing_commands(sub)  # invoice …, opendata
    from fordela.documents.cli import register as report_commands  # report workbook|annual-analysis|deck|pdf

    report_commands(sub)
    from fordela.ops.cli import register as ops_commands  # serve, worker, backup, restore, user

    ops_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        tables = args.func(args)
    except PackageError as error:
        print(f"fordela: the package has {len(error.problems)} problem(s), nothing was imported:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except UserError as error:
        for line in str(error).splitlines():
            print(f"fordela: {line}", file=sys.stderr)
        return 2
    if tables:
        sys.stdout.write(render(tables, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
