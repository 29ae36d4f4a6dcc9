"""The package reference in docs/ is generated from the schema and kept in step with it."""

from fordela.package.docs import schema_json, schema_markdown
from fordela.package.schema import TABLES, check_matches_model
from tests.conftest import ROOT


def test_docs_are_generated_from_the_schema():
    assert (ROOT / "docs" / "package.md").read_text(encoding="utf-8") == schema_markdown(), "run `make docs`"
    assert (ROOT / "docs" / "package.schema.json").read_text(encoding="utf-8") == schema_json(), "run `make docs`"


def test_schema_matches_the_engine_model():
    check_matches_model()
    markdown = schema_markdown()
    for table in TABLES:
        assert f"## `{table.name}`" in markdown
        for column in table.columns:
            assert f"| `{column.name}` |" in markdown
