"""Two revisions of a draft compared, word by word, as a reader wants to see it: what was
taken out and what was put in, field by field."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of text that both revisions share ("same"), or only the older ("out") or the
    newer ("in") has."""

    kind: str
    text: str


def compare(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, list[Piece]]:
    """Each field's pieces, in the order the newer revision (else the older) names them."""
    names = list(dict.fromkeys([*newer, *older]))
    return {name: words(str(older.get(name, "")), str(newer.get(name, ""))) for name in names}


def words(older: str, newer: str) -> list[Piece]:
    before, after = _TOKENS.findall(older), _TOKENS.findall(newer)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(Piece("same", "".join(after[b_start:b_end])))
            continue
        if a_end > a_start:
            pieces.append(Piece("out", "".join(before[a_start:a_end])))
        if b_end > b_start:
            pieces.append(Piece("in", "".join(after[b_start:b_end])))
    return pieces
