"""Writing a cycle package: a folder of CSV files, a .zip of them, or an .xlsx workbook.

Output is deterministic — columns in schema order, rows by primary key, one text form per
value, ``\\n`` line endings, fixed zip timestamps — so an exported package can be diffed,
checked into version control and compared byte for byte after a round trip.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from fordela.engine import model as m
from fordela.package import tabular
from fordela.package.codec import text_rows
from fordela.package.schema import TABLES
from fordela.package.schema_types import Table, guarded
from fordela.package.workbook import write_workbook

# 1980-01-01 is the earliest time a zip can hold; any fixed value makes the bytes stable.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def write_package(data: m.CycleData, path: Path) -> None:
    """Write `data` as a package at `path`: ``.xlsx`` → the people-friendly workbook
    (`fordela.package.workbook`), ``.zip`` → zip of CSV files, anything else → a folder of CSV
    files (created if needed; other files in it are left).

    Every table is written, an empty one as its header alone.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_atomically(path, lambda target: _write_xlsx(data, target))
    elif suffix == ".zip":
        write_atomically(path, lambda target: target.write_bytes(zip_bytes(data)))
    else:
        path.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            (path / f"{table.name}.csv").write_bytes(csv_bytes(data, table))


def csv_bytes(data: m.CycleData, table: Table) -> bytes:
    """One table of `data` as the bytes of its CSV file (UTF-8, comma, ``\\n``), through the one
    CSV writer (`fordela.package.tabular`): CR/LF quoted, formula starts guarded in text."""
    text = {i for i, column in enumerate(table.columns) if guarded(column)}
    return tabular.csv_bytes(table.column_names, text_rows(data, table), text=text)


def zip_bytes(data: m.CycleData) -> bytes:
    """`data` as the bytes of a zip with one CSV file per table at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for table in TABLES:
            info = zipfile.ZipInfo(f"{table.name}.csv", date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Fixed so that the bytes do not depend on the platform or the umask.
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, csv_bytes(data, table), compresslevel=9)
    return buffer.getvalue()


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write next to `path` and rename, so a failed export or document never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_xlsx(data: m.CycleData, path: Path) -> None:
    # The workbook is for people as much as for machines (Swedish headings, drop-down lists,
    # instructions); its layout is in its own module.
    write_workbook(data, path)
