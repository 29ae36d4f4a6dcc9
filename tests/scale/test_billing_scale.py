"""Guards against the per-line patterns removed from invoicing and cycle loading: frozen lines
stored as model instances, tables read row by row through the ORM, a page of one period
computing the lines of every period, a frozen period's lines read to sum its invoices, exports
made row by row. Nothing is timed: the tests count work, and check that each fast path gives
exactly what the plain one gave."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.query import ValuesListIterable
from django.db.models.signals import pre_init
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

import fordela.web.views.billing as billing_views
from fordela.accounts.services import demo_accounts_create
from fordela.billing import exports
from fordela.billing.freezes import compute_lines, frozen_lines, frozen_totals, invoice_freeze, lines_sha256
from fordela.billing.inputs import canonical_inputs
from fordela.billing.models import FrozenLine
from fordela.cycle import selectors
from fordela.cycle.services import cycle_import
from fordela.engine.invoicing import InvoiceLine
from fordela.engine.model import CycleData, Participation, Period
from fordela.engine.money import to_sek
from fordela.package import tabular
from fordela.package.schema import TABLES
from fordela.package.writer import csv_bytes
from fordela.reports.billing import invoice_totals

CODE = "goteborg-2026"
SCENARIO = "coordination_group"


class Counter:
    """How many times something happened while it was connected."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.count += 1


@pytest.fixture
def orm_rows(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts the rows the ORM hands out one by one from `values_list` queries."""
    counter = Counter()
    original = ValuesListIterable.__iter__

    def counting(self: ValuesListIterable) -> Any:
        for row in original(self):
            counter()
            yield row

    monkeypatch.setattr(ValuesListIterable, "__iter__", counting)
    return counter


@pytest.fixture
def frozen_line_instances() -> Any:
    counter = Counter()
    pre_init.connect(counter, sender=FrozenLine)
    yield counter
    pre_init.disconnect(counter, sender=FrozenLine)


@pytest.fixture
def imported(db: Any, demo: CycleData) -> CycleData:
    cycle_import(data=demo)
    return demo


def test_a_freeze_stores_its_lines_in_one_statement_without_model_instances(
    imported: CycleData, frozen_line_instances: Counter
) -> None:
    with CaptureQueriesContext(connection) as queries:
        freeze = invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, scenario=SCENARIO, by="test")
    lines = compute_lines(imported, year=2026, period=Period.Q1, scenario=SCENARIO)
    assert len(lines) > 100  # else the test could not fail
    assert frozen_line_instances.count == 0
    # COPY on PostgreSQL is not a query Django sees; on SQLite the executemany is one.
    inserts = [q for q in queries.captured_queries if "INSERT" in q["sql"] and "frozenline" in q["sql"].lower()]
    assert len(inserts) <= 1
    assert frozen_lines(freeze) == lines
    assert [str(ln.vat_rate) for ln in frozen_lines(freeze)] == [str(ln.vat_rate.normalize()) for ln in lines]


def test_frozen_lines_and_tables_are_read_by_column_not_row_by_row(imported: CycleData, orm_rows: Counter) -> None:
    freeze = invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, scenario=SCENARIO, by="test")
    orm_rows.count = 0
    with CaptureQueriesContext(connection) as queries:
        lines = frozen_lines(freeze)
    assert len(lines) > 100 and len(queries) == 1
    loaded, _codes = selectors._load(CODE)
    assert loaded == imported
    assert orm_rows.count <= 1  # the cycle's version at most: no table's rows


def test_each_distinct_value_of_a_column_is_converted_once(
    imported: CycleData, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, Any]] = []
    original = selectors._typed

    def counting(column: Any, value: Any) -> Any:
        calls.append((id(column), value))
        return original(column, value)

    monkeypatch.setattr(selectors, "_typed", counting)
    assert selectors._load(CODE)[0] == imported
    assert len(imported.participation) > 100  # many rows, few distinct values
    assert len(calls) == len(set(calls))  # never the same value of the same column twice


def test_the_invoicing_page_computes_its_period_and_sums_a_frozen_period_in_the_database(
    imported: CycleData, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_accounts_create()
    invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, scenario=SCENARIO, by="test")
    asked: list[Period | None] = []
    original_base = billing_views.invoicing_base

    def recording(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("only"))
        return original_base(*args, **kwargs)

    monkeypatch.setattr(billing_views, "invoicing_base", recording)
    read = Counter()
    original_lines = billing_views.frozen_lines

    def reading(*args: Any, **kwargs: Any) -> list[InvoiceLine]:
        read()
        return original_lines(*args, **kwargs)

    monkeypatch.setattr(billing_views, "frozen_lines", reading)
    client = Client()
    client.force_login(get_user_model().objects.get(username="dana"))
    assert client.get(f"/c/{CODE}/fakturering/?year=2026&period=q2").status_code == 200
    assert asked == [Period.Q2]
    # Every customer's invoices of the frozen q1: summed by the database, no line read.
    assert client.get(f"/c/{CODE}/fakturering/?year=2026&period=q1").status_code == 200
    assert read.count == 0


def test_frozen_totals_are_the_sums_of_the_frozen_lines(imported: CycleData) -> None:
    freeze = invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, scenario=SCENARIO, by="test")
    lines = frozen_lines(freeze)
    totals = frozen_totals(freeze)
    assert totals.lines == len(lines)
    assert totals.invoices == dict(invoice_totals(lines, Period.Q1))
    assert frozen_lines(freeze, "grundskola") == [ln for ln in lines if ln.organisation == "grundskola"] != []


def test_canonical_inputs_and_the_lines_hash_are_the_plain_writers_text(demo: CycleData) -> None:
    inputs = canonical_inputs(demo)
    assert inputs == {t.name: csv_bytes(demo, t).decode("utf-8") for t in TABLES}
    lines = compute_lines(demo, year=2026, period=Period.Q1, scenario=SCENARIO)
    fields = ("supplier", "organisation", "object", "kind", "category", "net", "vat_rate", "vat")
    text = "\n".join(
        ",".join(str(getattr(ln, f).normalize() if f == "vat_rate" else getattr(ln, f)) for f in fields) for ln in lines
    )
    assert lines_sha256(lines) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert lines_sha256([]) == hashlib.sha256(b"").hexdigest()


def _row_by_row(lines: list[InvoiceLine], data: CycleData) -> list[list[Any]]:
    """The export's rows as they were made before: a list per line, amounts through to_sek."""
    names = {o.code: o.name for o in data.organisations}
    objects = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    return [
        [
            ln.year,
            ln.period.value,
            ln.supplier,
            names.get(ln.supplier, ""),
            ln.organisation,
            names.get(ln.organisation, ""),
            ln.object,
            objects.get(ln.object, ""),
            ln.kind,
            ln.category.value,
            to_sek(ln.net),
            ln.vat_rate,
            to_sek(ln.vat),
            to_sek(ln.gross),
        ]
        for ln in lines
    ]


def test_exports_are_made_by_column_with_the_bytes_of_the_row_writer(
    demo: CycleData, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = compute_lines(demo, year=2026, period=Period.Q1, scenario=SCENARIO)
    rows = _row_by_row(lines, demo)
    plain_csv = "".join(tabular.csv_lines(exports.HEADER, rows, text=exports.TEXT_COLUMNS))
    formats = {i: exports.MONEY_FORMAT for i, h in enumerate(exports.HEADER) if h in exports.MONEY_COLUMNS}
    plain_xlsx = io.BytesIO()
    sheet = tabular.Sheet("fakturaunderlag", exports.HEADER, rows, formats, exports.TEXT_COLUMNS)
    tabular.write_xlsx(plain_xlsx, [sheet])

    def row_by_row(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the export went through the row-by-row writer")

    monkeypatch.setattr(tabular, "csv_lines", row_by_row)
    assert exports.lines_csv(lines, demo) == plain_csv
    assert exports.lines_csv([], demo) == ",".join(exports.HEADER) + "\n"
    made = io.BytesIO()
    exports.lines_xlsx(lines, demo, made)
    with zipfile.ZipFile(plain_xlsx) as a, zipfile.ZipFile(made) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(name) == b.read(name) for name in a.namelist())


@given(st.integers(min_value=-(10**26) + 1, max_value=10**26 - 1))
def test_amounts_in_kr_are_to_sek(ore: int) -> None:
    made = exports._kr([ore])[0]
    assert made == to_sek(ore) and str(made) == str(to_sek(ore)) and f"{made:f}" == f"{to_sek(ore):f}"
    assert exports.machine(ore) == str(to_sek(ore))  # the CSV's text of an amount


def test_query_columns_convert_as_the_orm_does(imported: CycleData) -> None:
    from fordela.catalogue.models import Cycle, Organisation, ServiceYear

    assert selectors.query_columns(FrozenLine.objects.none().values_list("net", "vat_rate")) == [(), ()]
    cycle = Cycle.objects.get(code=CODE)
    for model in (ServiceYear, Organisation, Cycle):
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model.objects.filter(pk__in=model.objects.values("pk")).order_by("pk").values_list(*names)
        columns = selectors.query_columns(rows)
        assert list(zip(*columns, strict=True)) == list(rows) != [], model
        assert [tuple(map(type, r)) for r in zip(*columns, strict=True)] == [tuple(map(type, r)) for r in rows]
    assert cycle.pk


def test_rows_are_built_a_column_at_a_time_as_their_constructor_builds_them(
    demo: CycleData, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = [t for t in TABLES if not t.single_row and getattr(demo, t.name)]
    expected = {}
    for table in tables:
        names = [c.name for c in table.columns]
        columns = [[getattr(row, n) for row in getattr(demo, table.name)] for n in names]
        expected[table.name] = (names, columns, list(map(table.row_type, *columns)))

    def per_row(self: Any, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("a row was made by a call of its class")

    monkeypatch.setattr(Participation, "__init__", per_row)
    for table in tables:
        names, columns, made = expected[table.name]
        built = selectors.build_rows(table.row_type, names, columns)
        assert built == made and {type(b) for b in built} == {table.row_type}, table.name
    # Anything else is called per row: a class with its own __post_init__, or other fields.

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    assert selectors.build_rows(Checked, ["value"], [[1, 2]]) == [Checked(1), Checked(2)]
    with pytest.raises(ValueError, match="negative"):
        selectors.build_rows(Checked, ["value"], [[1, -2]])
    assert selectors.build_rows(Period, ["value"], [["q1"]]) == [Period.Q1]
