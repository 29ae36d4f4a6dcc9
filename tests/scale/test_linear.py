"""Guards against the quadratic patterns of issue 12. Nothing here is timed: the tests count work.

The demo package enlarged by `bench/scale.py` (exact copies of organisations and services,
participation growing with N²) must cost the engine the same work per row at every size: the
allocation index reads each participation row once, a service's participants are found without
scanning other services' rows, and names are looked up, not searched for.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fordela.engine.allocate import allocate
from fordela.engine.explain import explain_organisation
from fordela.engine.model import CycleData
from fordela.engine.scenario import resolve_code
from fordela.package.reader import read_package
from fordela.reports.cycle import organisation_name

ROOT = Path(__file__).resolve().parents[2]


def _scale_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> dict[int, CycleData]:
    scale = _scale_module()
    root = tmp_path_factory.mktemp("scale")
    return {n: read_package(scale.scale_package(n, root / f"x{n}")) for n in (1, 3)}


class CountingTuple(tuple):  # type: ignore[type-arg]
    """A table that counts how often it is read from start to end."""

    passes = 0

    def __iter__(self) -> Iterator[Any]:
        type(self).passes += 1
        return super().__iter__()


def test_the_index_reads_each_participation_row_once(scaled: dict[int, CycleData]) -> None:
    data = scaled[3]

    class Counted(CountingTuple):
        passes = 0

    counted = dataclasses.replace(data, participation=Counted(data.participation))
    resolution = resolve_code(counted, "proposed")
    allocate(counted, counted.cycle.base_year)
    allocate(counted, counted.cycle.target_year, resolution)
    # One pass to build the index (shared by both years), none per service or organisation.
    assert Counted.passes == 1


def test_explaining_a_bill_splits_in_a_fixed_number_of_calls(
    scaled: dict[int, CycleData], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every re-split state of an explanation goes into one vectorised split, so the number of
    kernel calls does not grow with the number of services (it was three or four per service)."""
    import fordela.engine.weighted_split as weighted_split_module

    calls = 0
    original = weighted_split_module.split_rows

    def split_rows(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(weighted_split_module, "split_rows", split_rows)
    counts = {}
    for n, data in scaled.items():
        calls = 0
        explain_organisation(data, resolve_code(data, "proposed"), "grundskola")
        counts[n] = calls
    assert counts[3] == counts[1] <= 4, counts


def test_scaled_copies_pay_what_the_originals_pay(scaled: dict[int, CycleData]) -> None:
    small, large = scaled[1], scaled[3]
    lines = {}
    for data in (small, large):
        allocation = allocate(data, data.cycle.target_year, resolve_code(data, "proposed"))
        lines[data is large] = {(ln.object, ln.organisation, ln.kind): ln.amount for ln in allocation.lines}
    for key, amount in lines[False].items():
        assert lines[True][key] == amount, key
    # Every copy too: copy 3 of each organisation pays for copy 2 of each service what the original paid.
    for (obj, org, kind), amount in lines[False].items():
        if obj in {s.code for s in small.services}:
            assert lines[True][(f"{obj}-x002", f"{org}-x003", kind)] == amount


def test_names_are_looked_up_not_searched(scaled: dict[int, CycleData]) -> None:
    data = scaled[3]

    class Counted(CountingTuple):
        passes = 0

    counted = dataclasses.replace(data, organisations=Counted(data.organisations))
    for o in data.organisations:
        assert organisation_name(counted, o.code) == o.name
    assert Counted.passes == 1


def test_driver_values_are_grouped_by_driver_and_year_in_one_pass(scaled: dict[int, CycleData]) -> None:
    """Every object under a driver key reads its weights from one dict per driver and year,
    and those dicts are made in one pass over the driver values, not one per driver and year."""
    from fordela.engine.allocate import allocate
    from fordela.engine.cycle_index import CycleIndex
    from fordela.engine.scenario import resolve_code

    data = dataclasses.replace(scaled[3])  # its own index
    index = CycleIndex.of(data)

    class CountingDict(dict):  # type: ignore[type-arg]
        passes = 0

        def items(self):  # type: ignore[no-untyped-def]
            type(self).passes += 1
            return super().items()

    index.driver_values = CountingDict(index.driver_values)
    resolution = resolve_code(data, "proposed")
    for year in data.cycle.years:
        allocate(data, year, resolution if year > data.cycle.base_year else None)
    assert len({k.driver for k in data.keys if k.driver}) > 1 and len(data.cycle.years) > 1  # else it could not fail
    assert CountingDict.passes == 1
