"""A short, deterministic schemathesis run against a live server: the API fuzzed from its own OpenAPI document,
statefully (schemathesis links each answer's ids to the operations that take them), with a coordinator's token.

Every answer must be one the document declares, with the declared body and headers, and never a 500. The few
references hypothesis cannot guess (the child, the councils, the police force) are set to real records before each
call, so the generated bodies are otherwise the fuzzer's own. Which operations a fixed-seed stateful run reaches
shifts whenever the document gains an operation, so the run is held only to reaching some write's 201, and the
children write path's 201 is checked by its own case too, built from the document and validated by the same checks."""

from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import checks

from access.tokens import issue_token

REFERENCES = {
    "/api/v1/children": {
        "responsible_council": "north",
        "placement_council": "north",
        "school": None,
        "social_worker": None,
    },
    "/api/v1/episodes": {"child": "placed_child", "police_force": "police_north"},
}
SETTINGS = hypothesis.settings(
    max_examples=12,
    stateful_step_count=6,
    derandomize=True,  # a fixed seed: the same run every time
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db(transaction=True)
def test_the_api_survives_a_stateful_schemathesis_run(live_server, world):
    token = issue_token(world.users.coordinator)
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    statuses: dict[str, set[int]] = {}

    def record_id(name: str | None) -> Any:
        return None if name is None else getattr(world, name).pk

    class Stateful(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers, "base_url": f"{live_server.url}"}

        def before_call(self, case):
            fixed = REFERENCES.get(case.path) if case.method == "POST" else None
            if fixed and isinstance(case.body, dict):
                case.body.update({name: record_id(value) for name, value in fixed.items()})
                # Rules the schema states only in words: a date of birth in the past, a UPN's check letter.
                if case.path == "/api/v1/children":
                    case.body.update(date_of_birth="2012-05-01", upn="")

        def after_call(self, response, case):
            statuses.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Every check but "schema-valid data is accepted": the API refuses, with a 400 naming the field, input
            # the schema cannot express (an id that names no record you can see, a cursor it did not give, a date
            # of birth in the future, page numbers with a cursor); those 400s are declared and checked as such.
            case.validate_response(
                response, excluded_checks=[checks.positive_data_acceptance], transport_kwargs=kwargs or None
            )

    Stateful.run(settings=SETTINGS)
    assert not any(status >= 500 for found in statuses.values() for status in found), statuses
    # Issue 17: the run gets past validation to real writes (today POST /children's 201, whose id the state
    # machine then follows); which write it reaches may shift with the document, that it reaches one may not.
    assert any(201 in found for key, found in statuses.items() if key.startswith("POST ")), statuses


@pytest.mark.django_db(transaction=True)
def test_a_child_made_from_the_documented_body_is_created_as_documented(live_server, world):
    token = issue_token(world.users.coordinator)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    body = {
        "la_child_id": "N777001",
        "first_name": "Ash",
        "last_name": "Synthetic",
        "date_of_birth": "2012-05-01",
        "sex": "F",
        "ethnicity": "WBRI",
        "legal_status": "looked_after",
        "living_arrangement": "foster_care",
        **{
            name: None if value is None else getattr(world, value).pk
            for name, value in REFERENCES["/api/v1/children"].items()
        },
    }
    case = schema["/api/v1/children"]["POST"].Case(body=body, headers={"Authorization": f"Bearer {token}"})

    response = case.call(base_url=live_server.url)

    assert response.status_code == 201, response.text
    case.validate_response(response, excluded_checks=[checks.positive_data_acceptance])
