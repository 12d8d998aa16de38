"""Versions of what the public sees of a dialogue, each read in one query: the key for
ETags, 304 answers and cached copies. What the public sees changes with a release, with the
dialogue's own details and status, and with the people it names (their name, their consent:
such changes stamp the dialogue), so a version is made of those."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, func, select

from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, Release
from ip4dialogue.extensions import db

# Raise when the files' layout changes, so clients holding an old ETag fetch the new one.
FORMAT = "2"


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


def last_release_of(
    dialogue_id: ColumnElement[int],
) -> tuple[ScalarSelect[int], ScalarSelect[datetime]]:
    """The number and time of a dialogue's last release, as scalar subqueries."""
    of_it = Release.dialogue_id == dialogue_id
    return (
        select(func.max(Release.number)).where(of_it).scalar_subquery(),
        select(func.max(Release.released_at)).where(of_it).scalar_subquery(),
    )


def agenda_version(slug: str) -> Version | None:
    """The public agenda's version, in one query; None when there is no public dialogue."""
    number, released_at = last_release_of(Dialogue.id)
    row = db.session.execute(
        select(Dialogue.id, Dialogue.status, number, Dialogue.updated_at, released_at).where(
            Dialogue.slug == slug, Dialogue.status != DialogueStatus.DRAFT
        )
    ).first()
    if row is None:
        return None
    dialogue_id, status, release, updated, released = row
    return make_version(dialogue_id, status, release, updated, latest(updated, released))


def item_version(slug: str, item_id: int) -> Version | None:
    """One session's file is rebuilt when its dialogue's public agenda is."""
    version = agenda_version(slug)
    if version is None:
        return None
    return make_version(version.etag, item_id, version.last_modified)
