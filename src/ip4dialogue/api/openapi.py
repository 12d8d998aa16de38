"""The OpenAPI 3.1 document of the API, made from the operations the views declare and the
pydantic models they answer with (JSON Schema 2020-12, as OpenAPI 3.1 takes it). A pure
function: operations in, document out."""

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ip4dialogue.api.operations import Operation, Parameter
from ip4dialogue.api.schemas import Error

REF = "#/components/schemas/{model}"
ETAG = {
    "description": "The answer's version (a dialogue's public paths: its release and details; "
    "the rest: a digest of the body), for If-None-Match.",
    "schema": {"type": "string"},
}
LINK = {"description": "RFC 8288 links: first, last, next, prev.", "schema": {"type": "string"}}
CONDITIONAL = Parameter(
    "If-None-Match",
    "header",
    {"type": "string"},
    "An ETag from an earlier answer: 304 if unchanged.",
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(Error)}}}


def _parameter(parameter: Parameter) -> dict[str, Any]:
    described = {"description": parameter.description} if parameter.description else {}
    return {
        "name": parameter.name,
        "in": parameter.location,
        "required": parameter.location == "path",
        "schema": parameter.schema,
        **described,
    }


def _responses(operation: Operation) -> dict[str, Any]:
    body = _ref(operation.response) if operation.response else {"type": "object"}
    headers = {"ETag": ETAG, **({"Link": LINK} if operation.paginated else {})}
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "headers": headers,
            "content": {"application/json": {"schema": body}},
        },
        "304": {"description": "Not modified: the ETag sent still holds."},
        "401": _error("A token was sent (or is needed) that is unknown, expired or revoked."),
        "405": _error("Only GET is answered."),
    }
    responses["400"] = _error("A query parameter it does not take, or a value it cannot use.")
    if operation.response is not None:
        responses["404"] = _error("Nothing public there (a draft is shown to its tokens only).")
    if operation.dialogue:
        responses["403"] = _error("The token is for another dialogue, or lacks the scope.")
    return responses


def _operation(operation: Operation) -> dict[str, Any]:
    summary, _, description = operation.doc.partition("\n")
    path = [p for p in operation.parameters if p.location == "path"]
    parameters = [*path, *operation.query, CONDITIONAL]
    found = {
        "operationId": operation.endpoint,
        "summary": summary.strip(),
        "description": " ".join((summary + description).split()),
        "parameters": [_parameter(p) for p in parameters],
        "responses": _responses(operation),
    }
    if operation.scope is not None:
        found["security"] = [{"bearer": [operation.scope.value]}]
        found["description"] += f" Needs a token with the scope `{operation.scope}`."
    return found


def document(operations: Iterable[Operation]) -> dict[str, Any]:
    operations = list(operations)
    models = {op.response for op in operations if op.response} | {Error}
    _, top = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF,
    )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "ip4dialogue API",
            "version": "1",
            "description": (
                "Read-only. A published dialogue's programme, releases and the report are "
                "open to anyone; a dialogue's registrations, and its programme while a draft, "
                "need a token its owner makes (organisers' pages, API tokens), sent as "
                "`Authorization: Bearer <token>`. Chatham House consent applies as on the "
                "public pages: only people who consented are named."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {op.path: {"get": _operation(op)} for op in operations},
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token made on the dialogue's organiser page.",
                }
            },
        },
        "security": [{}, {"bearer": []}],
    }


def dumps(operations: Iterable[Operation]) -> str:
    return json.dumps(document(operations), indent=1, sort_keys=True)
