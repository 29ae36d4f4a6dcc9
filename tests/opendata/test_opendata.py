"""Open data: every distributed line recomputed from its trail columns alone; the DCAT-AP-SE
catalogue describes every file it ships."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from fordela.engine.money import round_half_up
from fordela.engine.scenario import resolve_code
from fordela.engine.split import scale_decimal_weights, split_one
from fordela.opendata.datasets import open_datasets
from fordela.opendata.publish import CC0, Publisher, write_open_data


@pytest.fixture(scope="module")
def published(demo, tmp_path_factory):
    directory = tmp_path_factory.mktemp("open")
    datasets = open_datasets(demo, resolve_code(demo, "coordination_group"))
    write_open_data(
        datasets,
        directory,
        title="Öppna data",
        description="Test",
        publisher=Publisher("Göteborgs Stad", "digital@example.org"),
        issued=date(2026, 1, 15),
    )
    return directory


def _ore(text: str) -> int:
    return int(Decimal(text) * 100)


def test_every_line_is_recomputed_from_its_trail(published, demo):
    rows = list(csv.DictReader(io.StringIO((published / "kostnadsfordelning.csv").read_text("utf-8"))))
    assert {int(r["year"]) for r in rows} == {2025, 2026}
    groups = defaultdict(list)
    for row in rows:
        if row["allocated_method_id"] == "subscription" or row["origin_cost"] == "":
            # quantity × unit price, half-up to the öre
            amount = round_half_up(Fraction(Decimal(row["usage_quantity"])) * _ore(row["unit_price"]))
            assert _ore(row["amount"]) == amount
        else:
            groups[(row["year"], row["object"])].append(row)
    assert len(groups) > 40
    for (year, obj), members in groups.items():
        members.sort(key=lambda r: r["organisation"])  # ties go to the lower organisation code
        (origin,) = {r["origin_cost"] for r in members}
        (total,) = {r["total_usage_quantity"] for r in members}
        quantities = [Decimal(r["usage_quantity"]) for r in members]
        assert sum(quantities) == Decimal(total), (year, obj)
        parts = split_one(_ore(origin), scale_decimal_weights(quantities))
        assert parts == [_ore(r["amount"]) for r in members], (year, obj)
        ratios = [Decimal(r["allocated_ratio"]) for r in members]
        assert abs(sum(ratios) - 1) < Decimal("1e-9")


def test_the_distribution_carries_every_allocated_ore(published, demo):
    from fordela.engine.allocate import allocate

    rows = json.loads((published / "kostnadsfordelning.json").read_text("utf-8"))["rows"]
    allocated = allocate(demo, 2026, resolve_code(demo, "coordination_group"))
    assert sum(_ore(r["amount"]) for r in rows if r["year"] == 2026) == sum(ln.amount for ln in allocated.lines)


def test_frames_are_the_decided_ones(published):
    rows = {r["supplier"]: r for r in csv.DictReader(io.StringIO((published / "ekonomiska-ramar.csv").read_text()))}
    assert rows["intraservice"]["management"] == "1136000000.00"
    assert rows["intraservice"]["development"] == "36950000.00"
    assert rows["dms"]["management"] == "86900000.00"


def test_the_catalogue_describes_every_file(published):
    document = json.loads((published / "catalog.jsonld").read_text("utf-8"))
    assert document["@type"] == "dcat:Catalog" and document["dct:license"]["@id"] == CC0
    assert document["dct:title"] == {"@language": "sv", "@value": "Öppna data"}
    datasets = document["dcat:dataset"]
    assert len(datasets) == 3
    shipped = {p.name for p in published.iterdir()} - {"catalog.jsonld"}
    described = set()
    for dataset in datasets:
        assert dataset["dct:publisher"]["foaf:name"]["@value"] == "Göteborgs Stad"
        assert dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"] == "mailto:digital@example.org"
        assert dataset["dct:temporal"]["dcat:startDate"]["@value"].endswith("-01-01")
        for distribution in dataset["dcat:distribution"]:
            name = distribution["dcat:accessURL"]["@id"]
            assert "/" not in name and distribution["dct:license"]["@id"] == CC0
            content = (published / name).read_bytes()
            assert distribution["spdx:checksum"]["spdx:checksumValue"] == hashlib.sha256(content).hexdigest()
            assert distribution["dcat:byteSize"]["@value"] == str(len(content))
            described.add(name)
    assert described == shipped


def test_text_cells_cannot_run_formulas(demo, tmp_path):
    from dataclasses import replace

    evil = replace(
        demo,
        organisations=tuple(replace(o, name="=1+1") if o.code == "kultur" else o for o in demo.organisations),
    )
    datasets = open_datasets(evil, resolve_code(evil, "coordination_group"))
    write_open_data(datasets, tmp_path, title="t", description="d", publisher=Publisher("p"), issued=date(2026, 1, 1))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "kostnadsfordelning.csv").read_text())))
    assert {r["organisation_name"] for r in rows if r["organisation"] == "kultur"} == {"'=1+1"}


def test_before_any_decision_only_the_base_year_is_published(demo):
    from dataclasses import replace

    undecided = replace(demo, reviews=(), review_amounts=(), review_conditions=())
    datasets = open_datasets(undecided, resolve_code(undecided, "coordination_group"))
    assert [d.name for d in datasets] == ["tjanstekatalog", "kostnadsfordelning"]
    assert all(d.first_year == d.last_year == demo.cycle.base_year for d in datasets)
    decided = open_datasets(demo, resolve_code(demo, "coordination_group"))
    assert max(d.last_year for d in decided) == demo.cycle.target_year


def test_a_failed_write_of_the_writer_thread_is_raised_not_lost():
    # The files are hashed and written on a thread of their own: a full disk must still fail
    # the command, at the next write or at the latest when the file is closed.
    import io

    import pytest

    from fordela.opendata.publish import _Digest

    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data):  # type: ignore[no-untyped-def]
            raise OSError(28, "No space left on device")

    digest = _Digest(Full())
    digest.write(b"a" * 10)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(100):  # the error arrives once the thread has tried the first block
            digest.write(b"b")
        digest.close()
    digest.close()  # raised once
    assert digest.closed
