"""Versions of what the public sees of a dialogue, each read in one query: the key for
ETags, 304 answers and cached copies, so a change shows on the very next request anywhere."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ip4dialogue.dialogues.models import AgendaItem, Dialogue, DialogueStatus
from ip4dialogue.extensions import db

# Raise when the files' layout changes, so clients holding an old ETag fetch the new one.
FORMAT = "1"


@dataclass(frozen=True)
class Version:
    etag: str
    last_modified: datetime


def make_version(*parts: object) -> Version:
    """An ETag from what the file depends on; `parts` end with the newest change instants."""
    stamps = [part for part in parts if isinstance(part, datetime)]
    tag = hashlib.sha256("|".join(map(str, (FORMAT, *parts))).encode()).hexdigest()[:32]
    return Version(tag, max(stamps))


def latest(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment is not None)


def agenda_version(slug: str) -> Version | None:
    """The agenda feed's version, in one query; None when there is no public dialogue."""
    row = db.session.execute(
        select(
            Dialogue.id,
            Dialogue.status,
            Dialogue.updated_at,
            func.max(AgendaItem.changed_at),
            func.count(AgendaItem.id),
        )
        .outerjoin(Dialogue.items)
        .where(Dialogue.slug == slug, Dialogue.status != DialogueStatus.DRAFT)
        .group_by(Dialogue.id)
    ).first()
    if row is None:
        return None
    dialogue_id, status, updated, changed, count = row
    return make_version(dialogue_id, status, count, updated, latest(updated, changed))


def item_version(slug: str, item_id: int) -> Version | None:
    row = db.session.execute(
        select(Dialogue.status, Dialogue.updated_at, AgendaItem.changed_at)
        .join(AgendaItem.dialogue)
        .where(
            Dialogue.slug == slug, Dialogue.status != DialogueStatus.DRAFT, AgendaItem.id == item_id
        )
    ).first()
    if row is None:
        return None
    status, updated, changed = row
    return make_version(item_id, status, updated, latest(updated, changed))
