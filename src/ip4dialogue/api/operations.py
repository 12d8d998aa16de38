"""The API's operations as data: each view declares its path, parameters, answer and the
token it needs, and both the blueprint's routes and the OpenAPI document are made from that."""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ip4dialogue.api.models import TokenScope


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" or "query"
    schema: dict[str, Any]
    description: str = ""


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
    def flask_rule(self) -> str:
        """The path with Flask's converters: {item_id} is an int, the rest strings."""
        kinds = {p.name: p.schema["type"] for p in self.parameters if p.location == "path"}
        return re.sub(
            r"\{(\w+)\}",
            lambda m: f"<int:{m[1]}>" if kinds.get(m[1]) == "integer" else f"<{m[1]}>",
            self.path,
        )


OPERATIONS: list[Operation] = []
