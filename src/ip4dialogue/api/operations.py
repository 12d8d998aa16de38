"""The API's operations as data: each view declares its path, parameters, answer and the
token it needs, and both the blueprint's routes and the OpenAPI document are made from that."""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ip4dialogue.api.models import TokenScope
from ip4dialogue.api.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE
from ip4dialogue.bounds import PAGE_MAX


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" or "query"
    schema: dict[str, Any]
    description: str = ""


PAGING = (
    Parameter(
        "page",
        "query",
        {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1},
        "The page, from 1; past the last, an empty page.",
    ),
    Parameter(
        "per_page",
        "query",
        {"type": "integer", "minimum": 1, "default": DEFAULT_PER_PAGE},
        f"Items a page; more than {MAX_PER_PAGE} is lowered to {MAX_PER_PAGE}, and the "
        "answer's `pagination.clamped` says so.",
    ),
)


@dataclass(frozen=True)
class Operation:
    path: str  # as OpenAPI writes it: /dialogues/{slug}
    endpoint: str
    doc: str
    response: type[BaseModel] | None  # None: the OpenAPI document itself
    parameters: tuple[Parameter, ...] = ()
    paginated: bool = True
    dialogue: bool = False  # about one dialogue: a 404 when it is not there, or not public
    scope: TokenScope | None = None  # a token of this scope needed, and its answers private

    @property
    def query(self) -> tuple[Parameter, ...]:
        """The query parameters it takes: its own, and the page's when it lists."""
        own = tuple(p for p in self.parameters if p.location == "query")
        return own + (PAGING if self.paginated else ())

    @property
    def flask_rule(self) -> str:
        """The path with Flask's converters: {item_id} is an int, the rest strings."""
        kinds = {p.name: p.schema["type"] for p in self.parameters if p.location == "path"}
        return re.sub(
            r"\{(\w+)\}",
            lambda m: f"<int:{m[1]}>" if kinds.get(m[1]) == "integer" else f"<{m[1]}>",
            self.path,
        )


OPERATIONS: list[Operation] = []


def operation_at(endpoint: str) -> Operation | None:
    """The operation a blueprint endpoint ("api.sessions") serves."""
    return next((op for op in OPERATIONS if f"api.{op.endpoint}" == endpoint), None)
