"""Guards against the quadratic and per-cell patterns removed from what follows loading a cycle
(allocation, invoicing base, CSV and JSON writing). Nothing is timed: the tests count work, and
check that each fast path gives exactly the bytes of the plain one."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fordela.engine.allocate as allocate_module
from fordela.engine.invoicing import Granularity, invoicing_base
from fordela.engine.model import CycleData, KeyMethod, Period
from fordela.engine.scenario import resolve_code
from fordela.opendata.datasets import Dataset
from fordela.opendata.publish import write_dataset_json
from fordela.package import tabular
from tests.scale.test_linear import CountingTuple, scaled  # noqa: F401  (the fixture)


def test_frozen_keys_group_the_repeated_year_once(
    scaled: dict[int, CycleData],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every service under a frozen key repeats its own lines of the frozen year: the year's
    lines are grouped by object once, not scanned once per frozen service."""
    data = dataclasses.replace(scaled[3])  # its own index: nothing grouped yet

    class Counted(CountingTuple):
        passes = 0

    original = allocate_module.allocate

    def counting(data: CycleData, year: int, resolution: Any = None) -> Any:
        allocation = original(data, year, resolution)
        counted = dataclasses.replace(allocation, subscriptions=Counted(allocation.subscriptions))
        counted.__dict__["lines"] = Counted(allocation.lines)  # the lines a grouping could scan instead
        return counted

    monkeypatch.setattr(allocate_module, "allocate", counting)
    target = original(data, data.cycle.target_year, resolve_code(data, "utan-nya-insatser"))
    frozen = [o for o in target.objects if o.key.method is KeyMethod.FROZEN]
    repeated = [o for o in frozen if not any(h.service == o.code for h in data.allocation_history)]
    assert len(repeated) > 1  # else the test could not fail
    assert Counted.passes == 1


def test_one_period_makes_only_its_lines(scaled: dict[int, CycleData]) -> None:  # noqa: F811
    data = scaled[3]
    resolution = resolve_code(data, "proposed")
    year = data.cycle.target_year
    whole = invoicing_base(data, year, resolution, granularity=Granularity.QUARTER)
    one = invoicing_base(data, year, resolution, granularity=Granularity.QUARTER, only=Period.Q1)
    assert one.lines == whole.for_period(Period.Q1) == one.for_period(Period.Q1)
    assert len(one.lines) * 3 < len(whole.lines)  # the other quarters were never made
    assert (one.exempted, one.not_invoiced) == (whole.exempted, whole.not_invoiced)
    with pytest.raises(ValueError):
        one.for_period(Period.Q2)


def test_each_distinct_text_is_guarded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    original = tabular.inert

    def counting(text: str) -> str:
        nonlocal calls
        calls += 1
        return original(text)

    monkeypatch.setattr(tabular, "inert", counting)
    names = ["=alfa", "beta", "gamma, delta"]
    rows = [(names[i % 3], f"org-{i % 7}", i) for i in range(10_000)]
    text = tabular.csv_text(["name", "code", "n"], rows)
    assert calls == 3 + 3 + 7  # the header, then each distinct text of each column once
    assert text.splitlines()[1:3] == ["'=alfa,org-0,0", "beta,org-1,1"]


CELLS = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["=x", "'y", "a,b", 'q"', "c\rr", "l\nf", "-1", ""]),
    st.integers(-(10**12), 10**12),
)


def _row_by_row(header: list[str], rows: list[tuple[Any, ...]], text: set[int] | None) -> str:
    """The plain writer: each record formatted on its own, as csv_line does."""
    lines = [tabular.csv_line([tabular.inert(h) for h in header])]
    for row in rows:
        fields = []
        for i, value in enumerate(row):
            cell = "" if value is None else str(value)
            if isinstance(value, str) and (text is None or i in text):
                cell = tabular.inert(value)
            fields.append(cell)
        lines.append(tabular.csv_line(fields))
    return "".join(lines)


@given(st.integers(1, 4).flatmap(lambda w: st.lists(st.tuples(*[CELLS] * w), max_size=40)), st.booleans())
def test_column_blocks_write_the_bytes_of_the_row_writer(rows: list[tuple[Any, ...]], guard_all: bool) -> None:
    width = len(rows[0]) if rows else 2
    header = [f"c{i}" for i in range(width)]
    text = None if guard_all else {0}
    expected = _row_by_row(header, rows, text)
    assert tabular.csv_text(header, rows, text=text) == expected
    columns = [[row[i] for row in rows] for i in range(width)]
    assert "".join(tabular.csv_columns(header, columns, text=text)) == expected


@given(st.lists(st.tuples(CELLS, CELLS, st.integers(1900, 2100)), max_size=30))
def test_json_rows_are_the_json_of_each_row(rows: list[tuple[Any, ...]]) -> None:
    dataset = Dataset("d", "Titel", "Beskrivning", ("a", "b", "year"), tuple(rows), 2025, 2026)
    out = io.StringIO()
    write_dataset_json(dataset, out)
    parsed = json.loads(out.getvalue())
    assert parsed["rows"] == [dict(zip(dataset.columns, row, strict=True)) for row in rows]
    encode = json.JSONEncoder(ensure_ascii=False).encode
    body = ",\n".join(encode(dict(zip(dataset.columns, row, strict=True))) for row in rows)
    assert out.getvalue().endswith(("\n" + body if rows else "") + "\n]}\n")


BLOCKS = st.lists(
    st.integers(1, 300).flatmap(
        lambda n: st.tuples(
            *[st.one_of(CELLS.map(lambda v: ("same", v)), st.lists(CELLS, min_size=n, max_size=n)) for _ in range(3)]
        )
    ),
    max_size=6,
)


@given(BLOCKS)
def test_blocks_with_same_columns_write_the_bytes_of_each_row(blocks: list[tuple[Any, ...]]) -> None:
    """Rows given as blocks of columns, some of them one value throughout (`Same`), small blocks
    joined and long ones alone: the CSV and the JSON are those of the rows one by one."""
    from fordela.opendata.datasets import Rows
    from fordela.opendata.publish import write_dataset_csv

    made = []
    for block in blocks:
        n = max((len(c) for c in block if isinstance(c, list)), default=1)
        made.append([tabular.Same(c[1], n) if isinstance(c, tuple) else c for c in block])
    rows = [row for block in made for row in zip(*block, strict=True)]
    dataset = Dataset(
        "d",
        "T",
        "B",
        ("a", "b", "c"),
        Rows(lambda: iter([list(b) for b in made]), len(rows)),
        2025,
        2026,
        text_columns=frozenset({"a"}),
    )
    assert list(dataset.rows) == rows
    out = io.StringIO()
    write_dataset_csv(dataset, out)
    assert out.getvalue() == _row_by_row(["a", "b", "c"], rows, {0})
    out = io.StringIO()
    write_dataset_json(dataset, out)
    assert json.loads(out.getvalue())["rows"] == [dict(zip(dataset.columns, row, strict=True)) for row in rows]
