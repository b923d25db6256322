"""The documented format and the parser agree: the JSON Schema lists exactly the parser's fields and codes."""

import json
from pathlib import Path

from episodes.codes import RiskGrade
from intake.parsing import FIELDS

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "police-notification.schema.json"


def test_the_schema_lists_the_parsers_fields_in_the_csv_order():
    schema = json.loads(SCHEMA.read_text())
    assert tuple(schema["properties"]) == FIELDS
    assert schema["properties"]["risk_grade"]["enum"] == list(RiskGrade.values)


def test_the_integration_guide_gives_the_csv_header():
    guide = (SCHEMA.parents[1] / "integration.md").read_text()
    assert ",".join(FIELDS) in guide
