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
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fordela.opendata.datasets import Dataset
from fordela.package.tabular import csv_bytes

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


def dataset_csv(dataset: Dataset) -> bytes:
    """The dataset as UTF-8 CSV through the one writer (`fordela.package.tabular`): text cells
    guarded against spreadsheet formulas, CR/LF quoted."""
    text = {i for i, c in enumerate(dataset.columns) if c in dataset.text_columns}
    return csv_bytes(dataset.columns, dataset.rows, text=text)


def dataset_json(dataset: Dataset) -> bytes:
    """The dataset as JSON: amounts and decimals as exact strings, never floats."""
    document = {"title": dataset.title, "description": dataset.description, "rows": dataset.records()}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


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
    files: dict[str, bytes],
    *,
    title: str,
    description: str,
    publisher: Publisher,
    issued: date,
) -> dict[str, Any]:
    """The DCAT-AP-SE catalogue of the written `files` (name → bytes) as a JSON-LD document."""
    contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": publisher.name}
    if publisher.email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{publisher.email}"}
    entries = []
    for dataset in datasets:
        distributions = []
        for suffix, (file_type, media_type) in FORMATS.items():
            name = f"{dataset.name}.{suffix}"
            content = files[name]
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
                    "dcat:byteSize": {"@value": str(len(content)), "@type": "xsd:decimal"},
                    "spdx:checksum": {
                        "@type": "spdx:Checksum",
                        "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                        "spdx:checksumValue": hashlib.sha256(content).hexdigest(),
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
    files: dict[str, bytes] = {}
    for dataset in datasets:
        files[f"{dataset.name}.csv"] = dataset_csv(dataset)
        files[f"{dataset.name}.json"] = dataset_json(dataset)
    document = catalog(datasets, files, title=title, description=description, publisher=publisher, issued=issued)
    files["catalog.jsonld"] = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    written = []
    for name, content in files.items():
        (directory / name).write_bytes(content)
        written.append(directory / name)
    return written
