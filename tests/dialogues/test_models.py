"""Integrity the database itself guarantees for dialogues and agendas."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ip4dialogue.dialogues.models import AgendaItem, DialogueStatus, Room
from ip4dialogue.dialogues.versions import agenda_version
from ip4dialogue.extensions import db


def test_an_item_cannot_end_before_it_starts(make):
    dialogue = make.dialogue()
    item = make.item(dialogue)
    item.ends_at = item.starts_at - timedelta(minutes=1)
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_dialogue_cannot_end_before_it_starts(make):
    with pytest.raises(IntegrityError):
        make.dialogue(start_date=date(2027, 5, 11), end_date=date(2027, 5, 10))


def test_slugs_are_unique(make):
    make.dialogue(slug="seoul-2027")
    with pytest.raises(IntegrityError):
        make.dialogue(slug="seoul-2027")


def test_item_uids_are_random_and_stable(make):
    dialogue = make.dialogue()
    first, second = make.item(dialogue), make.item(dialogue)
    uid = first.uid
    first.title = "Renamed"
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(AgendaItem, first.id).uid == uid
    assert first.uid != second.uid
    assert uuid.UUID(uid.split("@")[0]).version == 4


def test_deleting_a_room_keeps_its_items_without_a_room(make):
    dialogue = make.dialogue()
    room = make.room(dialogue)
    item = make.item(dialogue, room=room)
    db.session.commit()

    db.session.execute(Room.__table__.delete().where(Room.id == room.id))
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(AgendaItem, item.id).room_id is None


def test_deleting_a_dialogue_removes_its_agenda(make):
    dialogue = make.dialogue()
    make.room(dialogue)
    make.item(dialogue)
    db.session.commit()

    db.session.delete(dialogue)
    db.session.commit()

    assert db.session.scalars(select(AgendaItem)).all() == []
    assert db.session.scalars(select(Room)).all() == []


def test_room_names_are_unique_within_a_dialogue(make):
    dialogue = make.dialogue()
    make.room(dialogue, name="Main Hall")
    make.room(make.dialogue(), name="Main Hall")
    with pytest.raises(IntegrityError):
        make.room(dialogue, name="Main Hall")


def test_a_change_of_conveners_changes_the_public_version(make):
    """Conveners show on the programme, the API and the briefing book's cover, whose ETags
    follow the dialogue's version; a change of them alone writes no row of the dialogue."""
    kf, ussc = make.institution(name="Korea Foundation"), make.institution(name="USSC")
    dialogue = make.dialogue(status=DialogueStatus.PUBLISHED)
    dialogue.institutions = [kf]
    db.session.commit()
    before = agenda_version(dialogue.slug)

    dialogue.institutions = [kf]
    db.session.commit()
    assert agenda_version(dialogue.slug) == before

    dialogue.institutions = [kf, ussc]
    db.session.commit()
    assert agenda_version(dialogue.slug).etag != before.etag
