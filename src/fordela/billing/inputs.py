"""The canonical inputs of a frozen invoicing: every package table as its CSV text, and their hash.

CSV as the package writer writes it (schema column order, rows by primary key, one text form per
value) is the one representation that is both canonical — the same cycle always gives the same
bytes — and readable by any later version of fordela, which reads old packages. No Django here.
"""

from __future__ import annotations

import hashlib

from fordela.engine.model import CycleData
from fordela.package.codec import text_columns
from fordela.package.reader import parse_csv
from fordela.package.rows import RawTable
from fordela.package.schema import TABLES
from fordela.package.schema_types import Table, guarded
from fordela.package.tabular import csv_columns
from fordela.package.validate import build_cycle_data


def canonical_inputs(data: CycleData) -> dict[str, str]:
    """{table name: CSV text} for every table of the package contract."""
    return {table.name: _csv_text(data, table) for table in TABLES}


def _csv_text(data: CycleData, table: Table) -> str:
    """The text of `fordela.package.writer.csv_bytes(data, table)`, formatted column by column
    (each distinct value once; a large cycle has millions of cells) rather than cell by cell."""
    text = {i for i, column in enumerate(table.columns) if guarded(column)}
    return "".join(csv_columns(table.column_names, text_columns(data, table), text=text))


def inputs_sha256(inputs: dict[str, str]) -> str:
    """sha256 over the tables in name order, each as name, NUL, its bytes, NUL."""
    digest = hashlib.sha256()
    for name in sorted(inputs):
        digest.update(name.encode("utf-8") + b"\0" + inputs[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def data_from_inputs(inputs: dict[str, str]) -> CycleData:
    """The cycle the inputs describe, through the same validation as any package."""
    raw: dict[str, RawTable] = {}
    for name, text in inputs.items():
        table, problems = parse_csv(name, text.encode("utf-8"), f"{name}.csv")
        if problems or table is None:
            raise ValueError(f"stored inputs: table {name} cannot be read: {problems}")
        raw[name] = table
    return build_cycle_data(raw)
