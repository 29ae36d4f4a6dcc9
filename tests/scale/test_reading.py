"""Reading and importing a package costs work per distinct value and per row, never per row per
service (issue 12). Nothing here is timed: the tests count work, and check that the fast paths
give exactly what the slow ones give."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import fordela.package.validate as validate_module
from fordela.package import reader
from fordela.package.reader import parse_csv, read_package
from fordela.package.validate import check_tables
from tests.scale.test_linear import _scale_module


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    scale = _scale_module()
    root = tmp_path_factory.mktemp("reading")
    return {n: scale.scale_package(n, root / f"x{n}") for n in (1, 3)}


def _parse_calls(path: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often a cell's text is parsed, by table, while reading the package at `path`."""
    calls: Counter[str] = Counter()
    original = validate_module.parse_cell
    by_column = {id(c): t.name for t in validate_module.TABLES for c in t.columns}

    def counting(column: Any, text: str) -> Any:
        calls[by_column[id(column)]] += 1
        return original(column, text)

    monkeypatch.setattr(validate_module, "parse_cell", counting)
    read_package(path)
    monkeypatch.undo()
    return calls


def test_each_distinct_text_of_a_column_is_parsed_once(packages: dict[int, Path], monkeypatch) -> None:
    small, large = (_parse_calls(packages[n], monkeypatch) for n in (1, 3))
    # Participation has nine times the rows at 3× (every copy of a service with every copy of its
    # participants), but only three times the codes: parsing follows the codes, not the rows.
    rows = {n: sum(1 for _ in (packages[n] / "participation.csv").open()) - 1 for n in (1, 3)}
    assert rows[3] == 9 * rows[1]
    assert large["participation"] <= 3 * small["participation"]
    assert small["participation"] < rows[1]


def test_a_valid_package_visits_no_row_one_by_one(packages: dict[int, Path], monkeypatch) -> None:
    """The table rules work on whole columns: no row is looked at alone unless it has a problem."""
    visits = Counter[str]()
    original = validate_module._Checker._flag_at

    def counting(self: Any, parsed: Any, index: int, column: str, message: str) -> None:
        visits[parsed.table.name] += 1
        original(self, parsed, index, column, message)

    monkeypatch.setattr(validate_module._Checker, "_flag_at", counting)
    read_package(packages[3])
    assert visits == Counter()


def test_every_problem_of_a_large_table_is_reported_with_its_row(packages: dict[int, Path], tmp_path) -> None:
    text = (packages[3] / "participation.csv").read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace(",2026,", ",twenty,", 1)
    service = text[9].split(",")[0]
    text[9] = text[9].replace(service, "no-such-service", 1)
    text[12] = text[11]  # a duplicate of the row above
    _, problems = _check_folder(packages[3], {"participation": "\n".join(text) + "\n"}, tmp_path)
    found = [(p.row, p.column, p.message.split(":")[0]) for p in problems]
    assert found == [
        (6, "from_year", "not a number"),
        (10, "service", "unknown service 'no-such-service'"),
        (
            13,
            "service, organisation, from_year",
            f"duplicate service '{text[11].split(',')[0]}', organisation '{text[11].split(',')[1]}', from_year '2026'",
        ),
    ]


def _check_folder(folder: Path, replaced: dict[str, str], tmp_path: Path) -> Any:
    raw, problems = reader.read_raw(folder)
    for name, text in replaced.items():
        table, more = parse_csv(name, text.encode("utf-8"), f"{name}.csv")
        assert table is not None and not more
        raw[name] = table
    return check_tables(raw)


CSV_CASES = [
    "code,name,kind\na,A,board\n",
    "code,name,kind\r\na,A,board\r\nb,B,company\r\n",
    "code,name,kind\n\na,A,board\n\n,,\n  , ,\n",  # blank lines and blank rows
    "code,name,kind\na,A\nb,B,board,extra\nc,C,board,,\n",  # short and long rows
    "code,name,kind\na,'=1+1,board\nb,'@x,company\n",  # formula guards
    "code\na\n\nb\n",  # one column
    "code,name,kind",  # header only, no newline
    ",,\na,b,c\n",  # a header without names
    "\n\n",
]


@pytest.mark.parametrize("text", CSV_CASES)
def test_splitting_plain_csv_gives_what_the_csv_module_gives(text: str, monkeypatch) -> None:
    fast, fast_problems = parse_csv("organisations", text.encode("utf-8"), "organisations.csv")
    assert reader._plain_lines(text.replace("\r\n", "\n")) is not None
    monkeypatch.setattr(reader, "_plain_lines", lambda _text: None)
    slow, slow_problems = parse_csv("organisations", text.encode("utf-8"), "organisations.csv")
    assert fast_problems == slow_problems
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert fast.header == slow.header
        assert fast.rows == slow.rows
        assert check_tables({"organisations": fast}) == check_tables({"organisations": slow})


def test_quoted_csv_is_left_to_the_csv_module() -> None:
    text = 'code,name,kind\na,"A, with a comma",board\n'
    assert reader._plain_lines(text) is None
    table, problems = parse_csv("organisations", text.encode("utf-8"), "organisations.csv")
    assert not problems and table is not None
    assert table.rows[0].values == ("a", "A, with a comma", "board")


def test_rows_are_built_as_the_dataclass_builds_them(packages: dict[int, Path]) -> None:
    data = read_package(packages[1])
    for row in data.participation[:20] + data.driver_values[:20] + data.subscriptions[:20]:
        rebuilt = type(row)(*(getattr(row, f) for f in type(row).__dataclass_fields__))
        assert rebuilt == row and hash(rebuilt) == hash(row)


def test_ordering_large_tables_by_ranks_gives_the_same_data_and_problems(
    packages: dict[int, Path], tmp_path, monkeypatch
) -> None:
    text = (packages[3] / "participation.csv").read_text(encoding="utf-8").splitlines()
    text[40] = text[7]  # a key twice, far apart
    broken = {"participation": "\n".join(text) + "\n"}
    by_tuples = read_package(packages[3]), _check_folder(packages[3], broken, tmp_path)[1]
    monkeypatch.setattr(validate_module, "_NUMPY_SORT_FROM", 1)
    by_ranks = read_package(packages[3]), _check_folder(packages[3], broken, tmp_path)[1]
    assert by_ranks == by_tuples
    assert [p.row for p in by_ranks[1]] == [41]
