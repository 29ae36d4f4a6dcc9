"""Writing the open datasets as CSV and JSON with DCAT-AP-SE metadata (no Django here).

`catalog.jsonld` describes the catalogue in DCAT-AP-SE terms (the Swedish profile of DCAT-AP that
dataportal.se harvests): a dcat:Catalog with Swedish title and description, publisher, language
and license, one dcat:Dataset per dataset (title, description, publisher, contact point, theme,
keywords, temporal coverage, update frequency) and one dcat:Distribution per file (title,
accessURL and downloadURL relative to the catalogue, format, media type, license, byte size and a
sha256 checksum). Licence CC0 1.0: public sector data without conditions, as dataportal.se advises.
"""

from __future__ import annotations

import hashlib
import io
import json
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any

from fordela.engine.records import Memo
from fordela.opendata.datasets import Dataset
from fordela.package.tabular import CsvRecords, column_blocks, column_fields, csv_line, inert, joined_rows

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
EU = "http://publications.europa.eu/resource/authority"
FORMATS = {
    "csv": (f"{EU}/file-type/CSV", "https://www.iana.org/assignments/media-types/text/csv"),
    "json": (f"{EU}/file-type/JSON", "https://www.iana.org/assignments/media-types/application/json"),
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Publisher:
    name: str
    email: str = ""
    homepage: str = ""


def _text_columns(dataset: Dataset) -> set[int]:
    return {i for i, c in enumerate(dataset.columns) if c in dataset.text_columns}


class _CsvText:
    """A dataset as CSV through the one writer (`fordela.package.tabular`), a block of columns at
    a time: text cells guarded against spreadsheet formulas, CR/LF quoted."""

    def __init__(self, dataset: Dataset) -> None:
        self.head = csv_line([inert(c) for c in dataset.columns])
        self.tail = ""
        self.block = CsvRecords(len(dataset.columns), _text_columns(dataset)).block


class _JsonText:
    """A dataset as JSON, one row per line: amounts and decimals as exact strings.

    The same text as encoding each row as a dict with `json` (", " and ": " separators, no
    ASCII escaping), but made column by column, a block of rows at a time: each distinct cell
    of a column is encoded once for the whole dataset, with its key (names, codes and amounts
    repeat on every line of a large cycle), a `Same` column once, and a row is one join."""

    def __init__(self, dataset: Dataset) -> None:
        head = json.dumps({"title": dataset.title, "description": dataset.description}, ensure_ascii=False)
        self.head = head[:-1] + ', "rows": ['
        self.tail = "\n]}\n"
        encode = json.JSONEncoder(ensure_ascii=False).encode
        keys = [encode(c) + ": " for c in dataset.columns]
        keys[0] = "{" + keys[0]
        ends = [""] * (len(keys) - 1) + ["}"]
        self.fields = [Memo(partial(_json_field, key, encode, end)) for key, end in zip(keys, ends, strict=True)]
        self.separator = "\n"

    def block(self, columns: Sequence[Sequence[Any]]) -> str:
        fields = [column_fields(column, memo) for column, memo in zip(columns, self.fields, strict=True)]
        text, self.separator = self.separator + ",\n".join(joined_rows(fields, ", ")), ",\n"
        return text


def _json_field(key: str, encode: Callable[[Any], str], end: str, value: Any) -> str:
    return key + encode(value) + end


def _write(dataset: Dataset, outs: Sequence[tuple[_CsvText | _JsonText, IO[str]]]) -> None:
    """The dataset in every format of `outs` at once: its rows are made once, a block at a time."""
    for form, out in outs:
        out.write(form.head)
    for columns in column_blocks(dataset.rows):
        for form, out in outs:
            out.write(form.block(columns))
    for form, out in outs:
        out.write(form.tail)


def write_dataset_csv(dataset: Dataset, out: IO[str]) -> None:
    """The dataset as CSV into `out` (`_CsvText`)."""
    _write(dataset, [(_CsvText(dataset), out)])


def write_dataset_json(dataset: Dataset, out: IO[str]) -> None:
    """The dataset as JSON into `out` (`_JsonText`)."""
    _write(dataset, [(_JsonText(dataset), out)])


def dataset_csv(dataset: Dataset) -> bytes:
    """The dataset as UTF-8 CSV through the one writer (`fordela.package.tabular`): text cells
    guarded against spreadsheet formulas, CR/LF quoted."""
    buffer = io.StringIO()
    write_dataset_csv(dataset, buffer)
    return buffer.getvalue().encode("utf-8")


def dataset_json(dataset: Dataset) -> bytes:
    """The dataset as JSON: amounts and decimals as exact strings, never floats."""
    buffer = io.StringIO()
    write_dataset_json(dataset, buffer)
    return buffer.getvalue().encode("utf-8")


class _Digest(io.RawIOBase):
    """A binary file that also counts and hashes what is written (for the catalogue).

    The hashing and the writing run on a thread of their own (both release the GIL), so the next
    block of a large dataset is made while the last one goes to disk: at 100× the files are 8 GB.
    At most `_QUEUED` blocks wait; an error of the thread is raised once, by the next write or
    the close, and nothing more is written after it."""

    _QUEUED = 4

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.size = 0
        self.sha256 = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(self._QUEUED)
        self._error: BaseException | None = None
        self._reported = False
        self._thread = threading.Thread(target=self._drain, name="opendata-writer", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.target.write(data)
                    self.sha256.update(data)
                except BaseException as error:  # noqa: BLE001 - handed to the writing thread
                    self._error = error

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._raise()
        chunk = bytes(data)  # the caller may reuse its buffer; a bytes object is not copied
        self._queue.put(chunk)
        self.size += len(chunk)
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._queue.put(None)
            self._thread.join()
            super().close()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None and not self._reported:
            self._reported = True
            raise self._error


def _text(value: str) -> dict[str, str]:
    return {"@language": "sv", "@value": value}


def _date(day: date) -> dict[str, str]:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _agent(publisher: Publisher) -> dict[str, Any]:
    agent: dict[str, Any] = {"@type": "foaf:Agent", "foaf:name": _text(publisher.name)}
    if publisher.homepage:
        agent["foaf:homepage"] = {"@id": publisher.homepage}
    return agent


def catalog(
    datasets: Sequence[Dataset],
    files: Mapping[str, bytes | tuple[int, str]],
    *,
    title: str,
    description: str,
    publisher: Publisher,
    issued: date,
) -> dict[str, Any]:
    """The DCAT-AP-SE catalogue of the written `files` (name → bytes, or → (size, sha256 hex) of
    a file written elsewhere) as a JSON-LD document."""
    contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": publisher.name}
    if publisher.email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{publisher.email}"}
    entries = []
    for dataset in datasets:
        distributions = []
        for suffix, (file_type, media_type) in FORMATS.items():
            name = f"{dataset.name}.{suffix}"
            content = files[name]
            size, checksum = (
                (len(content), hashlib.sha256(content).hexdigest()) if isinstance(content, bytes) else content
            )
            distributions.append(
                {
                    "@id": f"#{dataset.name}-{suffix}",
                    "@type": "dcat:Distribution",
                    "dct:title": _text(f"{dataset.title} ({suffix.upper()})"),
                    "dcat:accessURL": {"@id": name},
                    "dcat:downloadURL": {"@id": name},
                    "dct:format": {"@id": file_type},
                    "dcat:mediaType": {"@id": media_type},
                    "dct:license": {"@id": CC0},
                    "dcat:byteSize": {"@value": str(size), "@type": "xsd:decimal"},
                    "spdx:checksum": {
                        "@type": "spdx:Checksum",
                        "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                        "spdx:checksumValue": checksum,
                    },
                }
            )
        entries.append(
            {
                "@id": f"#{dataset.name}",
                "@type": "dcat:Dataset",
                "dct:title": _text(dataset.title),
                "dct:description": _text(dataset.description),
                "dct:publisher": _agent(publisher),
                "dcat:contactPoint": contact,
                "dcat:theme": {"@id": f"{EU}/data-theme/GOVE"},
                "dcat:keyword": [_text(k) for k in dataset.keywords],
                "dct:language": {"@id": f"{EU}/language/SWE"},
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": _date(date(dataset.first_year, 1, 1)),
                    "dcat:endDate": _date(date(dataset.last_year, 12, 31)),
                },
                "dct:accrualPeriodicity": {"@id": f"{EU}/frequency/ANNUAL"},
                "dct:issued": _date(issued),
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": CONTEXT,
        "@id": "#katalog",
        "@type": "dcat:Catalog",
        "dct:title": _text(title),
        "dct:description": _text(description),
        "dct:publisher": _agent(publisher),
        "dct:license": {"@id": CC0},
        "dct:language": {"@id": f"{EU}/language/SWE"},
        "dct:issued": _date(issued),
        "dcat:dataset": entries,
    }


def write_open_data(
    datasets: Sequence[Dataset],
    directory: Path,
    *,
    title: str,
    description: str,
    publisher: Publisher,
    issued: date,
) -> list[Path]:
    """Write every dataset as CSV and JSON and the catalogue as `catalog.jsonld`; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    # Streamed to disk (hashed on the way), so memory stays bounded however large the cycle.
    files: dict[str, bytes | tuple[int, str]] = {}
    written = []
    for dataset in datasets:
        names = [f"{dataset.name}.csv", f"{dataset.name}.json"]
        with ExitStack() as files_open:
            digests = [_Digest(files_open.enter_context((directory / name).open("wb"))) for name in names]
            texts = [
                files_open.enter_context(
                    # write_through: each block's text goes to the digest as one encoded chunk
                    io.TextIOWrapper(digest, encoding="utf-8", newline="", write_through=True)
                )
                for digest in digests
            ]
            # Both files in one pass: a large cycle's distribution rows are made once.
            _write(dataset, [(_CsvText(dataset), texts[0]), (_JsonText(dataset), texts[1])])
        for name, digest in zip(names, digests, strict=True):
            files[name] = (digest.size, digest.sha256.hexdigest())
            written.append(directory / name)
    document = catalog(datasets, files, title=title, description=description, publisher=publisher, issued=issued)
    (directory / "catalog.jsonld").write_bytes((json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())
    written.append(directory / "catalog.jsonld")
    return written
