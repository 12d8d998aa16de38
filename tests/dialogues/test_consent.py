"""Speakers organisers add are named in public only when they agree: the public page says how
many take part unnamed, and an organiser can ask them, by a link that works once."""

import pytest

from ip4dialogue.dialogues.models import Role
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from tests.helpers import link_in, outbox, release, text_body, visible_text


@pytest.fixture
def panel(make):
    """A released panel of three under the Chatham House Rule; only the chair agreed."""
    dialogue = make.dialogue(slug="seoul", chatham_house=True, contact_email="desk@ussc.example")
    item = make.item(dialogue, title="Deterrence panel")
    chair = make.participant(name="Prof. Tanaka", consent_to_be_listed=True)
    speakers = [make.participant(name=name) for name in ("Dr Kim", "Col. Weber")]
    make.role(item, chair, Role.CHAIR)
    for speaker in speakers:
        make.role(item, speaker, Role.SPEAKER)
    db.session.commit()
    release(dialogue)
    return dialogue, item, speakers


def test_the_public_page_names_who_agreed_and_counts_the_others(client, panel):
    _, item, _ = panel
    programme = visible_text(client.get("/dialogues/seoul").text)
    assert "Prof. Tanaka" in programme
    assert "Dr Kim" not in programme
    assert "And 2 more people taking part, not named under the Chatham House Rule." in programme
    page = visible_text(client.get(f"/dialogues/seoul/items/{item.id}").text)
    assert "Also 2 people taking part, not named under the Chatham House Rule" in page


def test_an_asked_speaker_says_yes_once_and_is_named(app, client, organiser_client, panel):
    dialogue, item, (kim, _) = panel
    ask = f"/organise/dialogues/{dialogue.id}/items/{item.id}/people/{kim.id}/ask"
    page = organiser_client.get(f"/organise/dialogues/{dialogue.id}/items/{item.id}").text
    assert "Dr Kim (speaker): not named: they have not agreed" in visible_text(page)
    told = organiser_client.post(ask, follow_redirects=True)
    assert "Dr Kim is asked by email whether the programme may name them." in told.text
    (asking,) = outbox(app)
    assert asking["Subject"] == f"May we name you on the programme of {dialogue.title}?"
    assert asking["Reply-To"] == "desk@ussc.example"
    assert "at present it does not name you" in text_body(asking)

    link = link_in(asking, "/consent/")
    assert "May we name you on the public programme, Dr Kim?" in client.get(link).text
    assert not db.session.get(Participant, kim.id).consent_to_be_listed  # a GET decides nothing
    client.post(link, data={"answer": "yes"})
    db.session.expire_all()
    assert db.session.get(Participant, kim.id).consent_to_be_listed
    assert "Dr Kim" in client.get("/dialogues/seoul").text
    assert client.get(link).status_code == 404  # spent

    again = organiser_client.post(ask, follow_redirects=True)
    assert "Dr Kim has already agreed to be named." in again.text


def test_a_speaker_can_say_no_and_is_asked_at_most_once_a_day(app, client, organiser_client, panel):
    dialogue, item, (_, weber) = panel
    ask = f"/organise/dialogues/{dialogue.id}/items/{item.id}/people/{weber.id}/ask"
    organiser_client.post(ask)
    refused = organiser_client.post(ask, follow_redirects=True)
    assert "Col. Weber was asked less than a day ago." in refused.text
    assert len(outbox(app)) == 1
    client.post(link_in(outbox(app)[0], "/consent/"), data={"answer": "no"})
    db.session.expire_all()
    assert not db.session.get(Participant, weber.id).consent_to_be_listed
    assert "Col. Weber" not in client.get("/dialogues/seoul").text


def test_only_people_on_the_item_can_be_asked_through_it(organiser_client, make, panel):
    dialogue, item, _ = panel
    stranger = make.participant(name="Someone else")
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/items/{item.id}/people/{stranger.id}/ask"
    assert organiser_client.post(url).status_code == 404
