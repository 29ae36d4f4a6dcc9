"""The package reference, written from the schema: docs/package.md and docs/package.schema.json."""

from __future__ import annotations

import json
from decimal import Decimal

from fordela.package.schema import TABLES, as_json_schema
from fordela.package.schema_types import Kind

KIND_TEXT = {
    Kind.CODE: "code `[a-z0-9_-]+`",
    Kind.TEXT: "text",
    Kind.YEAR: "year (inside the cycle)",
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "decimal (dot)",
    Kind.MONEY: "SEK, ≤ 2 decimals (dot)",
    Kind.BOOL: "true/false",
    Kind.ENUM: "one of",
}

INTRO = """# The cycle package

A cycle travels as a folder of CSV files (UTF-8, comma, header row; one file `<table>.csv` per
table), the same tables as sheets of one `.xlsx` workbook (sheet name = table name), or a `.zip`
of the folder. An exported workbook is made for people to work in: row 1 of each sheet holds the
column names below (the contract), row 2 Swedish headings, data starts on row 3, with drop-down
lists and an `Instruktioner` sheet; the defined name `fordela_header_rows` = 2 marks that layout.
A workbook without it has one header row and data from row 2; both import. `fordela import`,
`fordela export` and `fordela allocate` read and write all three; export → import → export gives
identical files.

Rules that hold for every table:

- Codes are lowercase `[a-z0-9_-]+` and unique within their table; a reference names the `code`
  of a row in the table it points to.
- Money is SEK with a dot and at most two decimals (`1136000000.00`); inside fordela it is integer
  öre. Decimals use a dot. Booleans are `true`/`false`. An empty cell is "no value".
- Every length, decimal count and range below is what the database keeps: a package that
  validates imports and exports again byte for byte, on SQLite and PostgreSQL alike. Amounts are
  at most 999 999 999 999.99 SEK in magnitude; shares, quantities and driver values have at most
  8 decimals and stay below 10 000 000 (15 significant digits); rates are fractions 0 … 1.
- Every year lies inside the cycle: `first_year` … `last_year` (default base_year − 5 …
  target_year + 4).
- A package with any problem is refused whole, every problem listed by table, row and column
  (row 1 is the header); nothing is imported.
- In CSV, a text or code cell starting with `= + - @`, a tab, a carriage return or `'` is written
  with a leading `'` so that no spreadsheet runs it as a formula; reading removes that one `'`
  again. A cell holding a comma, quote, CR or LF is quoted.
- Management amounts of proposals are level changes against the base year, held until a later
  row of the same proposal changes them; development amounts count in their own year only;
  a future management cost counts every year from its start year.

This page is generated from `fordela.package.schema` (`fordela schema --format markdown`); the
same contract as JSON is `docs/package.schema.json` (`fordela schema --format json`).
"""


def schema_markdown() -> str:
    parts = [INTRO]
    for table in TABLES:
        parts.append(f"\n## `{table.name}`\n\n{table.description}\n")
        parts.append(f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.\n")
        parts.append("\n| column | type | required | meaning |\n|---|---|---|---|\n")
        for c in table.columns:
            kind = KIND_TEXT[c.kind]
            if c.choices:
                kind += " " + ", ".join(f"`{e.value}`" for e in c.choices)
            if c.ref:
                kind += f" → `{c.ref}`"
            if c.non_negative and c.number is None:
                kind += ", ≥ 0"
            if c.max_length is not None:
                kind += f", ≤ {c.max_length} characters"
            if c.number is not None:
                low = max(c.number.minimum, Decimal(0)) if c.non_negative else c.number.minimum
                low, high = format(low, "f"), format(c.number.maximum, "f")
                kind += f", {low} … {high}"
                if c.number.places and c.kind is not Kind.MONEY:
                    kind += f", ≤ {c.number.places} decimals"
            parts.append(f"| `{c.name}` | {kind} | {'yes' if c.required else 'no'} | {c.description} |\n")
    return "".join(parts)


def schema_json() -> str:
    return json.dumps(as_json_schema(), ensure_ascii=False, indent=2) + "\n"
