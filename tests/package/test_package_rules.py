"""One test per validation rule: each breaks the valid mini package in one place and
expects exactly that problem — table, row, column — and no data back."""

from __future__ import annotations

from pathlib import Path

import pytest
from package_testkit import MINI, Pkg

from fordela.package import reader
from fordela.package.errors import PackageError
from fordela.package.reader import read_package


def only(pkg: Pkg, table: str, row: int | None, column: str | None, fragment: str) -> None:
    """The package has exactly one problem, at (table, row, column), saying `fragment`."""
    problems = pkg.problems()
    assert [(p.table, p.row, p.column) for p in problems] == [(table, row, column)], problems
    assert fragment in problems[0].message, problems[0].message


def test_the_mini_package_is_valid(pkg: Pkg) -> None:
    data = pkg.read()
    assert data.cycle.code == "mini-2026"
    assert all(getattr(data, name) for name in ("key_shares", "reviews", "budget_lines"))


# -- file level ---------------------------------------------------------------------------


def test_not_utf8(pkg: Pkg) -> None:
    text = pkg.file("services").read_text(encoding="utf-8").replace("E-mail", "E-pöst")
    pkg.file("services").write_bytes(text.encode("latin-1"))
    only(pkg, "services", 4, None, "not UTF-8")


def test_cycle_table_missing(pkg: Pkg) -> None:
    pkg.file("cycle").unlink()
    only(pkg, "cycle", None, None, "missing")


def test_cycle_table_without_rows(pkg: Pkg) -> None:
    pkg.truncate("cycle")
    only(pkg, "cycle", None, None, "exactly one")


def test_cycle_table_with_two_rows(pkg: Pkg) -> None:
    rows = pkg.rows("cycle")
    pkg.save("cycle", [*rows, ["other", *rows[1][1:]]])
    only(pkg, "cycle", 3, None, "exactly one")


def test_other_tables_may_be_absent(pkg: Pkg) -> None:
    pkg.file("budget_lines").unlink()
    assert pkg.read().budget_lines == ()


def test_unknown_table_file(pkg: Pkg) -> None:
    (pkg.folder / "colours.csv").write_text("code\nred\n", encoding="utf-8")
    only(pkg, "colours", None, None, "unknown table 'colours'")


def test_file_that_is_not_csv(pkg: Pkg) -> None:
    (pkg.folder / "notes.txt").write_text("hello", encoding="utf-8")
    problems = pkg.problems()
    assert [(p.table, p.row, p.column, p.file) for p in problems] == [("", None, None, "notes.txt")]
    assert "not a CSV file" in problems[0].message


def test_missing_required_column(pkg: Pkg) -> None:
    pkg.drop_column("organisations", "kind")
    only(pkg, "organisations", 1, "kind", "required column is missing")


def test_missing_optional_column_is_fine(pkg: Pkg) -> None:
    pkg.drop_column("organisations", "note")
    assert {o.note for o in pkg.read().organisations} == {""}


def test_unknown_column(pkg: Pkg) -> None:
    rows = pkg.rows("drivers")
    pkg.save("drivers", [[*rows[0], "colour"], *([*r, ""] for r in rows[1:])])
    only(pkg, "drivers", 1, "colour", "unknown column 'colour'")


def test_duplicated_header(pkg: Pkg) -> None:
    rows = pkg.rows("drivers")
    pkg.save("drivers", [[*rows[0], "name"], *([*r, "x"] for r in rows[1:])])
    only(pkg, "drivers", 1, "name", "appears twice (columns 2 and 4)")


def test_more_cells_than_columns(pkg: Pkg) -> None:
    rows = pkg.rows("drivers")
    rows[2].append("surplus")
    pkg.save("drivers", rows)
    only(pkg, "drivers", 3, None, "more cells")


def test_semicolon_separated_file(pkg: Pkg) -> None:
    pkg.file("drivers").write_text("code;name;unit\nx;X;st\n", encoding="utf-8")
    only(pkg, "drivers", 1, None, "separated by ';'")


def test_package_path_missing(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as raised:
        read_package(tmp_path / "nowhere")
    assert [(p.table, p.row, p.column) for p in raised.value.problems] == [("", None, None)]
    assert "no package" in str(raised.value)


def test_package_path_of_another_kind(tmp_path: Path) -> None:
    path = tmp_path / "cycle.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(PackageError) as raised:
        read_package(path)
    assert "a folder of CSV files, a .zip or an .xlsx" in str(raised.value)


# -- cells --------------------------------------------------------------------------------


def test_required_cell_empty(pkg: Pkg) -> None:
    pkg.set("services", 4, "name", "  ")
    only(pkg, "services", 4, "name", "required")


def test_code_not_lowercase(pkg: Pkg) -> None:
    row = pkg.append("organisations", code="Adm-West", name="West", kind="administration")
    only(pkg, "organisations", row, "code", "codes are lowercase")


def test_code_with_forbidden_characters(pkg: Pkg) -> None:
    row = pkg.append("organisations", code="adm west", name="West", kind="administration")
    only(pkg, "organisations", row, "code", "not a valid code 'adm west'")


def test_year_not_an_integer(pkg: Pkg) -> None:
    pkg.set("driver_values", 2, "year", "2026a")
    only(pkg, "driver_values", 2, "year", "not a whole number")


def test_integer_not_an_integer(pkg: Pkg) -> None:
    pkg.set("review_stages", 3, "position", "1.5")
    only(pkg, "review_stages", 3, "position", "not a whole number: '1.5'")


def test_decimal_with_comma(pkg: Pkg) -> None:
    pkg.set("key_shares", 2, "share", "0,6")
    only(pkg, "key_shares", 2, "share", "not a number: '0,6' (use a dot")


def test_money_not_a_number(pkg: Pkg) -> None:
    pkg.set("budget_lines", 2, "amount", "27 100 000")
    only(pkg, "budget_lines", 2, "amount", "not a number: '27 100 000'")


def test_money_with_more_than_two_decimals(pkg: Pkg) -> None:
    pkg.set("budget_lines", 2, "amount", "27100000.001")
    only(pkg, "budget_lines", 2, "amount", "more than two decimals")


def test_negative_where_non_negative(pkg: Pkg) -> None:
    pkg.set("key_shares", 2, "share", "-0.6")
    only(pkg, "key_shares", 2, "share", "must not be negative")


def test_negative_money_where_non_negative(pkg: Pkg) -> None:
    pkg.set("subscriptions", 3, "unit_price", "-2500.00")
    only(pkg, "subscriptions", 3, "unit_price", "must not be negative")


def test_bool_not_a_bool(pkg: Pkg) -> None:
    pkg.set("proposals", 2, "already_decided", "maybe")
    only(pkg, "proposals", 2, "already_decided", "not true or false")


@pytest.mark.parametrize(("text", "value"), [("JA", True), ("Nej", False), ("1", True), ("no", False)])
def test_bool_spellings(pkg: Pkg, text: str, value: bool) -> None:
    pkg.set("proposals", 2, "already_decided", text)
    assert pkg.read().proposals[0].already_decided is value


def test_enum_not_a_choice(pkg: Pkg) -> None:
    pkg.set("organisations", 2, "kind", "agency")
    only(pkg, "organisations", 2, "kind", "choose one of: administration, company, board")


def test_control_character(pkg: Pkg) -> None:
    pkg.set("services", 4, "description", "bell\x07")
    only(pkg, "services", 4, "description", "control character")


# -- tables -------------------------------------------------------------------------------


def test_duplicate_primary_key(pkg: Pkg) -> None:
    row = pkg.append("organisations", code="adm-north", name="Again", kind="administration")
    only(pkg, "organisations", row, "code", "duplicate code 'adm-north': already on row 2")


def test_duplicate_composite_primary_key(pkg: Pkg) -> None:
    row = pkg.append("key_shares", key="k-fixed", organisation="adm-north", share="0.5")
    only(pkg, "key_shares", row, "key, organisation", "already on row 2")


def test_unknown_reference(pkg: Pkg) -> None:
    pkg.set("services", 4, "supplier", "intrservice")
    only(pkg, "services", 4, "supplier", "unknown organisation 'intrservice'")
    with pytest.raises(PackageError) as raised:
        read_package(pkg.folder)
    assert str(raised.value) == ("services.csv row 4, column supplier: unknown organisation 'intrservice'")


def test_composite_reference(pkg: Pkg) -> None:
    pkg.set("review_amounts", 2, "stage", "coordination")
    pkg.set("review_amounts", 2, "proposal", "p-email-volume")
    only(pkg, "review_amounts", 2, "proposal, stage", "no review with proposal 'p-email-volume'")


def test_composite_reference_of_conditions(pkg: Pkg) -> None:
    pkg.set("review_conditions", 3, "stage", "coordination")
    pkg.set("review_conditions", 3, "proposal", "p-email-dev")
    only(pkg, "review_conditions", 3, "proposal, stage", "no review")


def test_year_outside_default_years(pkg: Pkg) -> None:
    pkg.set("driver_values", 2, "year", "2019")
    only(pkg, "driver_values", 2, "year", "outside the cycle's years 2020–2030")


def test_year_outside_explicit_years(pkg: Pkg) -> None:
    pkg.set("cycle", 2, "last_year", "2026")
    assert pkg.places() == [
        ("service_years", 13, "year"),
        ("participation", 3, "to_year"),
        ("proposals", 9, "future_management_from_year"),
        ("proposal_amounts", 9, "year"),
    ]


def test_base_year_not_before_target_year(pkg: Pkg) -> None:
    pkg.set("cycle", 2, "first_year", "2020")  # else the years would start at 2021
    pkg.set("cycle", 2, "base_year", "2026")
    only(pkg, "cycle", 2, "base_year", "base_year 2026 must be before target_year 2026")


# -- semantics ----------------------------------------------------------------------------


def test_driver_key_without_driver(pkg: Pkg) -> None:
    pkg.set("keys", 2, "driver", "")
    only(pkg, "keys", 2, "driver", "a driver key needs a driver")


def test_hybrid_key_without_solidarity_driver(pkg: Pkg) -> None:
    pkg.set("keys", 6, "solidarity_driver", "")
    only(pkg, "keys", 6, "solidarity_driver", "a hybrid key needs a solidarity_driver")


def test_frozen_key_without_frozen_year(pkg: Pkg) -> None:
    pkg.set("keys", 5, "frozen_year", "")
    only(pkg, "keys", 5, "frozen_year", "a frozen key needs a frozen_year")


def test_fixed_key_without_shares(pkg: Pkg) -> None:
    pkg.truncate("key_shares")
    only(pkg, "keys", 4, "method", "fixed key 'k-fixed' has no key_shares")


def test_shares_of_a_key_that_is_not_fixed(pkg: Pkg) -> None:
    pkg.set("key_shares", 2, "key", "k-equal")
    only(pkg, "key_shares", 2, "key", "key 'k-equal' is a equal key")


def test_stage_scenario_without_stage(pkg: Pkg) -> None:
    pkg.set("scenarios", 4, "stage", "")
    only(pkg, "scenarios", 4, "stage", "a stage scenario needs a stage")


def test_proposals_of_a_scenario_that_is_not_explicit(pkg: Pkg) -> None:
    pkg.set("scenario_proposals", 2, "scenario", "all")
    only(pkg, "scenario_proposals", 2, "scenario", "only explicit scenarios list proposals")


@pytest.mark.parametrize(
    ("row", "column"),
    [(5, "service"), (5, "proposed_key"), (7, "service"), (7, "proposed_category")],
    ids=["key_change-service", "key_change-key", "recat-service", "recat-category"],
)
def test_proposal_without_what_its_kind_needs(pkg: Pkg, row: int, column: str) -> None:
    pkg.set("proposals", row, column, "")
    only(pkg, "proposals", row, column, f"needs a {column}")


def test_review_amounts_of_a_rejected_review(pkg: Pkg) -> None:
    pkg.set("review_amounts", 2, "proposal", "p-old-ci")
    only(pkg, "review_amounts", 2, "proposal, stage", "is reject: it approves no amounts")


def test_review_amounts_of_a_deferred_review(pkg: Pkg) -> None:
    pkg.set("review_amounts", 2, "proposal", "p-archive-eff")
    pkg.set("review_amounts", 2, "stage", "coordination")
    only(pkg, "review_amounts", 2, "proposal, stage", "is defer")


def test_subscription_to_a_base_service(pkg: Pkg) -> None:
    pkg.set("subscriptions", 2, "service", "email")
    only(pkg, "subscriptions", 2, "service", "service 'email' is base")


def test_participation_ending_before_it_starts(pkg: Pkg) -> None:
    pkg.set("participation", 3, "to_year", "2025")
    only(pkg, "participation", 3, "to_year", "to_year 2025 is before from_year 2026")


def test_service_year_cost_that_does_not_add_up(pkg: Pkg) -> None:
    pkg.set("service_years", 8, "cost", "10600000.00")
    only(
        pkg,
        "service_years",
        8,
        "cost",
        "cost 10600000.00 SEK does not add up: expected 10650000.00 SEK "
        "(base-year cost 10000000.00 + management of the service's proposals 650000.00)",
    )


def test_proposal_amount_that_breaks_the_cost(pkg: Pkg) -> None:
    pkg.set("proposal_amounts", 6, "amount", "500000.00")  # p-email-volume
    only(pkg, "service_years", 8, "cost", "expected 10750000.00 SEK")


def test_future_management_counts_from_its_year(pkg: Pkg) -> None:
    pkg.set("proposals", 9, "future_management_cost", "60000.00")
    only(pkg, "service_years", 13, "cost", "expected 1060000.00 SEK")


def test_new_service_without_base_year_counts_from_zero(pkg: Pkg) -> None:
    pkg.set("service_years", 2, "cost", "400000.00")
    only(pkg, "service_years", 2, "cost", "base-year cost 0.00")


def test_a_broken_amount_is_not_echoed_as_a_wrong_cost(pkg: Pkg) -> None:
    pkg.set("proposal_amounts", 6, "amount", "lots")
    only(pkg, "proposal_amounts", 6, "amount", "not a number")


# -- caps ---------------------------------------------------------------------------------


def test_too_many_rows(pkg: Pkg, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_ROWS", 8)
    problems = pkg.problems()
    assert [(p.table, p.row, p.column) for p in problems] == [
        ("driver_values", 10, None),
        ("service_years", 10, None),
        ("participation", 10, None),
    ]
    assert all(p.message == "more than 8 rows" for p in problems)


# -- everything at once -------------------------------------------------------------------


def test_every_problem_is_listed(pkg: Pkg) -> None:
    pkg.set("organisations", 3, "kind", "agency")
    pkg.set("services", 4, "supplier", "intrservice")
    pkg.set("keys", 2, "driver", "")
    pkg.set("key_shares", 2, "share", "0,6")
    pkg.set("service_years", 8, "cost", "1")
    pkg.set("participation", 3, "to_year", "2025")
    pkg.set("budget_lines", 2, "year", "2040")
    (pkg.folder / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(PackageError) as raised:
        read_package(pkg.folder)
    places = [(p.table, p.row, p.column) for p in raised.value.problems]
    assert places == [
        ("organisations", 3, "kind"),
        ("keys", 2, "driver"),
        ("key_shares", 2, "share"),
        ("services", 4, "supplier"),
        ("service_years", 8, "cost"),
        ("participation", 3, "to_year"),
        ("budget_lines", 2, "year"),
        ("extra", None, None),
    ]
    lines = str(raised.value).splitlines()
    assert len(lines) == len(places)
    assert lines[0].startswith("organisations.csv row 3, column kind: 'agency' is not a valid kind")


def test_fixture_is_untouched_by_the_tests() -> None:
    # The tests edit copies; the fixture itself must stay valid.
    assert read_package(MINI).cycle.code == "mini-2026"
