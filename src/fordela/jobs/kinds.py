"""The documents a job can make, each from `fordela.documents` with its progress callback.

A kind knows how many steps it reports (for the progress bar) and how to write its file from
the cycle and the job's parameters. Parameters are validated by the caller (the web form); here
they are only resolved, so a scenario deleted in between fails the job with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.model import CycleData
from fordela.engine.scenario import (
    Resolution,
    ScenarioError,
    decided_stage,
    first_stage,
    proposed_scenario,
    resolve_code,
)

Progress = Callable[[str], None]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF = "application/pdf"


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    steps: Callable[[CycleData, Mapping[str, Any]], int]  # how many progress steps the writer reports
    filename: Callable[[CycleData, Mapping[str, Any]], str]
    write: Callable[[CycleData, Mapping[str, Any], Path, Progress], None]


def _default(code: str | None) -> str:
    if code is None:
        raise ScenarioError("the cycle has no scenarios or review stages")
    return code


def _resolve(data: CycleData, params: Mapping[str, Any], name: str, default: str) -> Resolution:
    return resolve_code(data, params.get(name) or default)


def _suppliers(data: CycleData, params: Mapping[str, Any]) -> list[str]:
    return [params["supplier"]] if params.get("supplier") else b.suppliers(data)


def _write_workbook(data: CycleData, params: Mapping[str, Any], path: Path, progress: Progress) -> None:
    from fordela.package.workbook import write_workbook

    progress(f"arbetsbok för {data.cycle.code}")
    write_workbook(data, path)


def _write_annual_analysis(data: CycleData, params: Mapping[str, Any], path: Path, progress: Progress) -> None:
    from fordela.documents.annual_analysis import write_annual_analysis

    scenario = _resolve(data, params, "scenario", _default(proposed_scenario(data)))
    write_annual_analysis(data, params["supplier"], path, scenario=scenario, progress=progress)


def _comparison(data: CycleData, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "scenario": _resolve(data, params, "scenario", _default(proposed_scenario(data))),
        "stage": _resolve(data, params, "stage", _default(first_stage(data))),
        "frames": _resolve(data, params, "frames", _default(decided_stage(data))),
    }


def _write_deck(data: CycleData, params: Mapping[str, Any], path: Path, progress: Progress) -> None:
    from fordela.documents.deck import write_deck

    write_deck(data, path, suppliers=_suppliers(data, params), progress=progress, **_comparison(data, params))


def _write_pdf(data: CycleData, params: Mapping[str, Any], path: Path, progress: Progress) -> None:
    from fordela.documents.pdf import write_pdf

    write_pdf(
        data,
        path,
        suppliers=_suppliers(data, params),
        organisation=params.get("organisation") or None,
        year=params.get("year") or None,
        progress=progress,
        **_comparison(data, params),
    )


def _pdf_name(data: CycleData, params: Mapping[str, Any]) -> str:
    organisation = params.get("organisation")
    year = params.get("year") or data.cycle.target_year
    supplier = f"-{params['supplier']}" if params.get("supplier") else ""
    return f"budget-{data.cycle.target_year}{supplier}" + (f"-{organisation}-{year}" if organisation else "") + ".pdf"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("workbook", XLSX, lambda d, p: 1, lambda d, p: f"{d.cycle.code}.xlsx", _write_workbook),
        Kind(
            "annual_analysis",
            DOCX,
            lambda d, p: 4,
            lambda d, p: f"arlig-analys-{d.cycle.target_year}-{p['supplier']}.docx",
            _write_annual_analysis,
        ),
        Kind(
            "deck",
            PPTX,
            lambda d, p: len(_suppliers(d, p)) + 1,
            lambda d, p: f"samordningsgrupp-{d.cycle.target_year}.pptx",
            _write_deck,
        ),
        Kind(
            "pdf",
            PDF,
            lambda d, p: len(_suppliers(d, p)) + 1 + (1 if p.get("organisation") else 0),
            _pdf_name,
            _write_pdf,
        ),
    )
}
