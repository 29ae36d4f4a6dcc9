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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from fordela.opendata.datasets import Dataset, column_blocks
from fordela.package.tabular import csv_blocks

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


def write_dataset_csv(dataset: Dataset, out: IO[str]) -> None:
    """The dataset as CSV into `out`, record by record, through the one writer
    (`fordela.package.tabular`): text cells guarded against spreadsheet formulas, CR/LF quoted."""
    out.writelines(csv_blocks(dataset.columns, column_blocks(dataset.rows), text=_text_columns(dataset)))


def write_dataset_json(dataset: Dataset, out: IO[str]) -> None:
    """The dataset as JSON into `out`, one row per line: amounts and decimals as exact strings.

    The same text as encoding each row as a dict with `json` (", " and ": " separators, no
    ASCII escaping), but made column by column, a block of rows at a time: each distinct cell
    of a column is encoded once, with its key (names, codes and amounts repeat on every line of
    a large cycle), and a row is one join."""
    head = json.dumps({"title": dataset.title, "description": dataset.description}, ensure_ascii=False)
    out.write(head[:-1] + ', "rows": [')
    encode = json.JSONEncoder(ensure_ascii=False).encode
    keys = [encode(c) + ": " for c in dataset.columns]
    keys[0] = "{" + keys[0]
    last = len(keys) - 1
    separator = "\n"
    for columns in column_blocks(dataset.rows):
        fields = [
            _json_fields(key, column, encode, "}" if i == last else "")
            for i, (key, column) in enumerate(zip(keys, columns, strict=True))
        ]
        out.write(separator + ",\n".join(map(", ".join, zip(*fields, strict=True))))
        separator = ",\n"
    out.write("\n]}\n")


def _json_fields(key: str, column: tuple[Any, ...], encode: Any, end: str) -> list[str]:
    """`key` + the JSON of each cell (+ `end`); each distinct str or int cell is encoded once."""
    if set(map(type, column)) <= {str, int, type(None)}:
        # Only exact str, int and None: their equal values have equal JSON (True == 1 does not).
        encoded = {v: key + encode(v) + end for v in set(column)}
        return list(map(encoded.__getitem__, column))
    return [key + encode(v) + end for v in column]


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
    """A binary file that also counts and hashes what is written (for the catalogue)."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.size = 0
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


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
        for suffix, write in (("csv", write_dataset_csv), ("json", write_dataset_json)):
            name = f"{dataset.name}.{suffix}"
            with (directory / name).open("wb") as raw:
                digest = _Digest(raw)
                with io.TextIOWrapper(io.BufferedWriter(digest, 1 << 20), encoding="utf-8", newline="") as text:
                    write(dataset, text)
                files[name] = (digest.size, digest.sha256.hexdigest())
            written.append(directory / name)
    document = catalog(datasets, files, title=title, description=description, publisher=publisher, issued=issued)
    (directory / "catalog.jsonld").write_bytes((json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())
    written.append(directory / "catalog.jsonld")
    return written
