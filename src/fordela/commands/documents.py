"""`fordela report workbook|annual-analysis|deck|pdf`: the documents from the command line.

CYCLE is a package path or a cycle code in the database (`fordela.commands.common.load`). The defaults
follow `fordela summary`: everything proposed compared with the first review stage, frames as
decided by the cycle's current stage. Progress goes to stderr, one line per step.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fordela.commands import common as cli
from fordela.engine import parse
from fordela.engine.allocation_types import AllocationError
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution
from fordela.reports.tables import Table


def _progress(step: str) -> None:
    print(f"fordela: {step}", file=sys.stderr)


def _output(args: argparse.Namespace, default: str, suffix: str, what: str) -> Path:
    path = Path(args.output or default)
    if path.suffix.lower() != suffix:
        raise cli.UserError(f"{what} is a {suffix} file: name the output file with {suffix} (got {path})")
    if path.is_dir():
        raise cli.UserError(f"{path} is a folder: name the file to write")
    return path


def _comparison(data: CycleData, args: argparse.Namespace) -> tuple[Resolution, Resolution, Resolution]:
    """(compared scenario, recommending stage, deciding stage) from the options or the defaults."""
    defaults = cli.default_comparison(data)
    scenario = cli.resolve(data, args.scenario or defaults[0])
    stage = cli.resolve(data, args.stage or defaults[-1])
    frames = cli.resolve(data, args.frames_stage or cli.decided_stage(data))
    return scenario, stage, frames


def _done(path: Path) -> list[Table]:
    print(f"fordela: wrote {path}", file=sys.stderr)
    return []


def cmd_workbook(args: argparse.Namespace) -> list[Table]:
    from fordela.package.writer import write_package

    data = cli.load(args.cycle)
    path = _output(args, f"{data.cycle.code}.xlsx", ".xlsx", "the workbook")
    _progress(f"arbetsbok för {data.cycle.code}")
    write_package(data, path)  # the same workbook as `fordela export CYCLE x.xlsx`
    return _done(path)


def cmd_annual_analysis(args: argparse.Namespace) -> list[Table]:
    from fordela.documents.annual_analysis import write_annual_analysis

    data = cli.load(args.cycle)
    (supplier,) = cli.suppliers(data, args.supplier)
    scenario = cli.resolve(data, args.scenario or cli.default_comparison(data)[0])
    path = _output(args, f"arlig-analys-{data.cycle.target_year}-{supplier}.docx", ".docx", "the annual analysis")
    try:
        write_annual_analysis(data, supplier, path, scenario=scenario, progress=_progress)
    except AllocationError as error:
        raise cli.UserError(str(error)) from None
    return _done(path)


def cmd_deck(args: argparse.Namespace) -> list[Table]:
    from fordela.documents.deck import write_deck

    data = cli.load(args.cycle)
    suppliers = cli.suppliers(data, args.supplier)
    scenario, stage, frames = _comparison(data, args)
    path = _output(args, f"samordningsgrupp-{data.cycle.target_year}.pptx", ".pptx", "the deck")
    write_deck(data, path, scenario=scenario, stage=stage, frames=frames, suppliers=suppliers, progress=_progress)
    return _done(path)


def cmd_pdf(args: argparse.Namespace) -> list[Table]:
    from fordela.documents.pdf import write_pdf

    data = cli.load(args.cycle)
    suppliers = cli.suppliers(data, args.supplier)
    scenario, stage, frames = _comparison(data, args)
    organisations = {o.code for o in data.organisations}
    if args.organisation is not None and args.organisation not in organisations:
        raise cli.UserError(f"unknown organisation '{args.organisation}'")
    year = args.year or data.cycle.target_year
    if year not in data.cycle.years:
        raise cli.UserError(f"year {year} is outside the cycle ({data.cycle.years.start}–{data.cycle.years.stop - 1})")
    if args.year is not None and args.organisation is None:
        raise cli.UserError("--year is the year of an organisation's bill: name the --organisation too")
    name = f"budget-{data.cycle.target_year}" + (f"-{args.organisation}-{year}" if args.organisation else "")
    path = _output(args, f"{name}.pdf", ".pdf", "the PDF")
    try:
        write_pdf(
            data,
            path,
            scenario=scenario,
            stage=stage,
            frames=frames,
            suppliers=suppliers if args.supplier else None,
            organisation=args.organisation,
            year=year,
            progress=_progress,
        )
    except AllocationError as error:
        raise cli.UserError(str(error)) from None
    return _done(path)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `fordela report …` to the command's subcommands."""
    report = sub.add_parser("report", help="documents: workbook, annual analysis, deck, PDF", description=__doc__)
    documents = report.add_subparsers(dest="document", required=True, metavar="DOCUMENT")

    def document(name: str, func: object, help: str, *, comparison: bool = False) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = documents.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        p.add_argument("cycle", metavar="CYCLE", help="package path or cycle code")
        p.add_argument("-o", "--output", help="file to write (default: a name from the cycle)")
        if comparison:
            p.add_argument("--supplier", help="only this supplier (default: all)")
            p.add_argument("--scenario", help="scenario compared with the stage (default: everything proposed)")
            p.add_argument("--stage", help="stage whose recommendation is shown (default: the first stage)")
            p.add_argument("--frames-stage", help="stage that decides the frames (default: the current stage)")
        return p

    document("workbook", cmd_workbook, "the cycle package as an Excel workbook to work in (.xlsx)")
    p = document("annual-analysis", cmd_annual_analysis, "a supplier's annual analysis (.docx)")
    p.add_argument("--supplier", required=True)
    p.add_argument("--scenario", help="what key-change effects are computed on (default: everything proposed)")
    document("deck", cmd_deck, "the coordination group's deck (.pptx)", comparison=True)
    p = document("pdf", cmd_pdf, "bridges, lists, frames and an organisation's bill (.pdf)", comparison=True)
    p.add_argument("--organisation", help="add this organisation's bill")
    p.add_argument("--year", type=parse.year, help="year of the bill (default: the target year)")
