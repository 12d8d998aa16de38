"""The words readers see for an agenda item's kind and status and for people's parts in it,
in the language being written: enum values are names for code, not for Japanese readers."""

from enum import Enum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ip4dialogue.dialogues.models import ItemKind, ItemStatus, Role

LABELS: dict[Enum, LazyString] = {
    ItemKind.PLENARY: _l("Plenary"),
    ItemKind.KEYNOTE: _l("Keynote"),
    ItemKind.PANEL: _l("Panel"),
    ItemKind.ROUNDTABLE: _l("Roundtable"),
    ItemKind.BREAKOUT: _l("Breakout"),
    ItemKind.BREAK: _l("Break"),
    ItemKind.SOCIAL: _l("Social"),
    ItemStatus.TENTATIVE: _l("To be confirmed"),
    ItemStatus.CONFIRMED: _l("Confirmed"),
    ItemStatus.CANCELLED: _l("Cancelled"),
    Role.CHAIR: _l("Chair"),
    Role.MODERATOR: _l("Moderator"),
    Role.SPEAKER: _l("Speaker"),
    Role.RAPPORTEUR: _l("Rapporteur"),
}


def label(value: ItemKind | ItemStatus | Role) -> str:
    """What a reader sees for `value`: "Panel", "パネルディスカッション", "패널 토론"."""
    return str(LABELS[value])
