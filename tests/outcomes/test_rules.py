"""The outcomes' rules where people's data changes, and the next edition planned from what is
still open."""

from datetime import date

import pytest
from sqlalchemy import select

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, ItemStatus
from ip4dialogue.extensions import db
from ip4dialogue.outcomes import services
from ip4dialogue.outcomes.models import (
    Assessment,
    Outcome,
    OutcomeState,
    Revision,
    SessionNotes,
    follow_ups,
)
from ip4dialogue.outcomes.revisions import Piece, words
from ip4dialogue.people.models import Profile
from ip4dialogue.rules import RuleViolation
from ip4dialogue.unit_of_work import transaction


def owner_of(room) -> Organiser:
    return db.session.scalars(select(Organiser).filter_by(email="owner@example.org")).one()


def approved(room, make, recommendation, **fields):
    outcome = make.outcome(room.item, recommendation, **fields)
    with transaction():
        services.approve(outcome, outcome.version, owner_of(room), utcnow())
    return outcome


def test_erasing_a_person_takes_their_name_out_of_notes_outcomes_and_revisions(room, make):
    rec = room.recommendations[0]
    outcome = approved(room, make, rec, summary="Participants agreed on a register.")
    outcome.next_steps = "Ask Margarethe Vogel for the paper."  # written before she took part
    outcome.disagreement = "According to Vogel, offsets fail. Margarethe Vogel said so twice."
    notes = SessionNotes(item=room.item, text="Vogel moderated; Hiroshi Tanaka spoke first.")
    db.session.add_all(
        [
            notes,
            Revision(item_id=room.item.id, number=1, content={"text": notes.text}),
        ]
    )
    db.session.commit()
    version_before = outcome.version

    with transaction():
        room.people["moderator"].erase()

    db.session.expire_all()
    for text in (outcome.next_steps, outcome.disagreement):
        assert "Vogel" not in text
        assert "Margarethe" not in text
    assert outcome.disagreement.startswith("According to a participant, offsets fail.")
    assert outcome.version > version_before  # a page opened before cannot write the name back
    assert (outcome.state, outcome.published_at) == (OutcomeState.DRAFT, None)
    assert "erased" in outcome.reopened_because
    assert "Vogel" not in notes.text
    assert "Hiroshi Tanaka spoke first" in notes.text  # only the erased person leaves
    revision = db.session.scalars(select(Revision)).one()
    assert "Vogel" not in revision.content["text"]


def test_a_changed_name_that_an_approved_summary_now_names_reopens_it(room, make):
    rec = room.recommendations[0]
    outcome = approved(room, make, rec, summary="A participant from Aotearoa led the session.")
    untouched = approved(room, make, room.recommendations[1], summary="Participants agreed.")
    tanaka = room.people["tanaka"]
    with transaction():
        tanaka.describe(
            Profile(
                name="Aotearoa Tanaka",
                affiliation=tanaka.affiliation,
                position="",
                country_code="JP",
                sector=tanaka.sector,
                home_timezone=None,
                consent_to_be_listed=True,
                expertise=[],
            )
        )
    db.session.expire_all()
    assert outcome.state == OutcomeState.DRAFT
    assert outcome.reopened_because.startswith("A participant's details changed")
    assert untouched.state == OutcomeState.APPROVED


def test_the_next_edition_follows_up_contested_outcomes_and_open_next_steps(room, make):
    first, second = room.recommendations
    open_one = approved(room, make, first, next_steps="Draft a joint register by 2028.")
    contested = make.outcome(
        make.item(room.dialogue, title="Deterrence panel", recommendations=[second]),
        second,
        assessment=Assessment.CONTESTED,
    )
    with transaction():
        services.approve(contested, contested.version, owner_of(room), utcnow())
    settled = make.outcome(make.item(room.dialogue, title="Closing"), first, summary="Agreed.")
    db.session.commit()

    with transaction():
        following = services.plan_next_edition(room.dialogue, owner_of(room))

    db.session.expire_all()
    following = db.session.get(Dialogue, following.id)
    assert (following.status, following.edition, following.series_id) == (
        DialogueStatus.DRAFT,
        3,
        room.dialogue.series_id,
    )
    assert following.title == "Indo-Pacific Security Dialogue: edition 3"
    with pytest.raises(RuleViolation, match="Edition 3 exists already"):
        services.plan_next_edition(room.dialogue, owner_of(room))
    assert following.start_date == date(2028, 5, 11)
    assert [item.title for item in following.items] == [
        "Follow-up: Map the industrial bases",
        "Follow-up: Agree on deterrence",
    ]
    assert {item.status for item in following.items} == {ItemStatus.TENTATIVE}
    assert "Draft a joint register by 2028." in following.items[0].description
    links = set(db.session.execute(select(follow_ups.c.outcome_id, follow_ups.c.item_id)))
    assert {outcome_id for outcome_id, _ in links} == {open_one.id, contested.id}
    assert settled.id not in {outcome_id for outcome_id, _ in links}
    assert owner_of(room).role_on(following.id) == TeamRole.OWNER


def test_words_compare_two_texts_as_a_reader_would():
    assert words("the room split on offsets", "the room agreed on offsets") == [
        Piece("same", "the room "),
        Piece("out", "split"),
        Piece("in", "agreed"),
        Piece("same", " on offsets"),
    ]
    assert words("", "new") == [Piece("in", "new")]


def test_of_two_saves_at_the_same_moment_one_is_refused_not_lost(room, make):
    outcome = make.outcome(room.item, room.recommendations[0], summary="As loaded.")
    db.session.commit()
    rapporteur = db.session.scalars(select(Organiser).filter_by(email="rapporteur@example.org"))
    loaded = services.outcome_of(room.item, room.recommendations[0])
    with db.engine.begin() as other:  # another worker saves between our read and our write
        other.execute(
            Outcome.__table__.update()
            .where(Outcome.id == outcome.id)
            .values(summary="Theirs.", version=loaded.version + 1)
        )
    with pytest.raises(RuleViolation, match="Someone saved this since you opened it"):
        services.save_draft(
            loaded,
            loaded.content() | {"summary": "Mine."},
            loaded.version,
            rapporteur.one(),
            utcnow(),
            keep_revision=True,
        )
    db.session.rollback()
    assert db.session.get(Outcome, outcome.id).summary == "Theirs."
