"""The OpenAPI document: valid OpenAPI 3.1, complete (every route of the API, every answer
it gives), and true: schemathesis fuzzes the API against it, in-process, with a token."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from ip4dialogue.api.models import TokenScope
from tests.api.conftest import bearer


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_document_lists_every_route_of_the_api(app, client):
    document = client.get("/api/v1/openapi.json").json
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert set(document["paths"]) == routes


def test_every_operation_documents_its_refusals_with_the_error_schema(client):
    document = client.get("/api/v1/openapi.json").json
    error = {"$ref": "#/components/schemas/Error"}
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "304", "401", "405"} <= set(responses), path
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == error, (path, status)
    registrations = document["paths"]["/dialogues/{slug}/registrations"]["get"]
    assert registrations["security"] == [{"bearer": ["registrations:read"]}]
    assert {"400", "403", "404"} <= set(registrations["responses"])
    sessions = document["paths"]["/dialogues/{slug}/sessions"]["get"]
    names = {parameter["name"] for parameter in sessions["parameters"]}
    assert {"slug", "page", "per_page", "day", "theme", "kind", "If-None-Match"} <= names


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_the_api_answers_as_its_document_says(app, api, mode):
    """Every operation, with data that fits the document (it must be answered as the
    document says, with a token) and data that does not (it must be refused); every check
    schemathesis has. Half the dialogues asked for are a real one, so that real answers are
    checked."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    token = bearer(api.tokens[("seoul", TokenScope.REGISTRATIONS)])

    @given(case=schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers_as_documented(case):
        slug = (case.path_parameters or {}).get("slug")
        if isinstance(slug, str) and 1 <= len(slug) <= 80 and len(slug) % 2 == 0:
            case.path_parameters["slug"] = "seoul"
            if "item_id" in case.path_parameters:
                case.path_parameters["item_id"] = api.item_id
        # Negative cases may leave out the token on purpose: they go without one.
        case.call_and_validate(headers=token if mode is GenerationMode.POSITIVE else None)

    answers_as_documented()
