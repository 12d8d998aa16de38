"""Rapporteurs' work as they and owners do it: notes and outcomes saved by the button or as
one types, stale saves told and kept out, revisions compared, approval refused while the
check flags someone, publication with a release, and who may touch what."""

from sqlalchemy import func, select

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.audit import AuditEvent
from ip4dialogue.extensions import db
from ip4dialogue.outcomes.models import Outcome, OutcomeState, Revision, SessionNotes
from ip4dialogue.unit_of_work import transaction
from tests.conftest import ORGANISER_PASSWORD, logged_in
from tests.helpers import release, visible_text
from tests.outcomes.conftest import outcome_form

AUTOSAVE = {"X-Autosave": "1"}


def stored(room, recommendation) -> Outcome | None:
    db.session.expire_all()
    return db.session.scalars(
        select(Outcome).filter_by(item_id=room.item.id, recommendation_id=recommendation.id)
    ).one_or_none()


def test_an_assigned_rapporteur_writes_notes_and_an_outcome(room):
    rapporteur = room.clients["rapporteur"]
    page = visible_text(rapporteur.get(room.session_url).get_data(as_text=True))
    assert "Private notes" in page
    assert "Recommendation 1: Map the industrial bases" in page

    saved = rapporteur.post(
        f"{room.session_url}/notes",
        data={"notes-version": "0", "notes-text": "Tanaka opened; the room split on offsets."},
    )
    assert saved.status_code == 302
    rec = room.recommendations[0]
    assert rapporteur.post(room.outcome_url(rec), data=outcome_form(rec)).status_code == 302

    notes = db.session.scalars(select(SessionNotes).filter_by(item_id=room.item.id)).one()
    assert notes.text == "Tanaka opened; the room split on offsets."
    outcome = stored(room, rec)
    assert (outcome.state, outcome.assessment.value, outcome.version) == (
        OutcomeState.DRAFT,
        "broad_agreement",
        1,
    )
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 2


def test_autosave_answers_in_json_and_refuses_a_save_from_an_older_page(room):
    rapporteur, rec = room.clients["rapporteur"], room.recommendations[0]
    first = rapporteur.post(
        room.outcome_url(rec), data=outcome_form(rec, summary="First words."), headers=AUTOSAVE
    )
    assert first.status_code == 200
    assert first.json == {"saved": True, "version": 1, "flags": {}}

    stale = rapporteur.post(
        room.outcome_url(rec), data=outcome_form(rec, 0, summary="Older page."), headers=AUTOSAVE
    )
    assert stale.status_code == 409
    assert stale.json["saved"] is False
    assert "Someone saved this since you opened it" in stale.json["error"]
    assert stored(room, rec).summary == "First words."

    flagged = rapporteur.post(
        room.outcome_url(rec),
        data=outcome_form(rec, 1, summary="Hiroshi Tanaka said the register should be public."),
        headers=AUTOSAVE,
    )
    assert flagged.json["version"] == 2
    assert flagged.json["flags"]["summary"] >= 1


def test_autosaves_by_one_author_make_one_revision_and_a_button_save_another(room):
    rapporteur, rec = room.clients["rapporteur"], room.recommendations[0]
    for version, words in enumerate(("One", "One two", "One two three")):
        rapporteur.post(
            room.outcome_url(rec), data=outcome_form(rec, version, summary=words), headers=AUTOSAVE
        )
    rapporteur.post(room.outcome_url(rec), data=outcome_form(rec, 3, summary="One two four"))
    rapporteur.post(
        room.outcome_url(rec), data=outcome_form(rec, 4, summary="One two five"), headers=AUTOSAVE
    )
    revisions = db.session.scalars(select(Revision).order_by(Revision.number)).all()
    assert [revision.content["summary"] for revision in revisions] == [
        "One two three",
        "One two four",  # a button save: the next autosave leaves it be
        "One two five",
    ]

    compared = rapporteur.get(
        f"{room.session_url}/revisions?recommendation={rec.id}&a=1&b=2"
    ).get_data(as_text=True)
    assert "<del>three</del><ins>four</ins>" in compared


def test_a_refused_save_keeps_what_was_typed_on_the_page(room):
    rapporteur, rec = room.clients["rapporteur"], room.recommendations[0]
    rapporteur.post(room.outcome_url(rec), data=outcome_form(rec, summary="Saved first."))
    refused = rapporteur.post(
        room.outcome_url(rec), data=outcome_form(rec, 0, summary="Typed on an older page.")
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Typed on an older page." in page
    assert "Not saved: Someone saved this since you opened it" in visible_text(page)
    assert stored(room, rec).summary == "Saved first."


def test_a_huge_note_with_markup_and_a_word_fragment_is_stored_and_shown_escaped(room):
    fragment = (
        '<p class="MsoNormal"><span style="mso-ansi-language:EN-GB">Offsets<o:p></o:p></span>'
        "</p><script>alert(1)</script>"
    )
    text = fragment + "x" * (200_000 - len(fragment))
    rapporteur = room.clients["rapporteur"]
    saved = rapporteur.post(
        f"{room.session_url}/notes", data={"notes-version": "0", "notes-text": text}
    )
    assert saved.status_code == 302
    assert db.session.scalars(select(SessionNotes.text)).one() == text
    page = rapporteur.get(room.session_url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page

    too_long = rapporteur.post(
        f"{room.session_url}/notes",
        data={"notes-version": "1", "notes-text": "y" * 250_001},
        headers=AUTOSAVE,
    )
    assert too_long.status_code == 422
    assert "under 250,000 characters" in too_long.json["error"]


def test_only_the_session_s_rapporteurs_and_the_owners_write_it(room):
    rec = room.recommendations[0]
    for who in ("unassigned", "viewer"):
        refused = room.clients[who].post(room.outcome_url(rec), data=outcome_form(rec))
        assert refused.status_code == 403
    assert stored(room, rec) is None
    assert (
        room.clients["owner"].post(room.outcome_url(rec), data=outcome_form(rec)).status_code == 302
    )
    unassigned_view = room.clients["unassigned"].get(room.session_url).get_data(as_text=True)
    assert "its rapporteurs and the dialogue's owners write it" in visible_text(unassigned_view)


def test_a_rapporteur_of_another_dialogue_reads_nothing_of_this_one(app, room, make):
    with transaction():
        stranger = create_organiser("stranger@example.org", "Stranger", ORGANISER_PASSWORD)
        make.member(make.dialogue(title="Another dialogue"), stranger, TeamRole.RAPPORTEUR)
    client, rec = logged_in(app, stranger), room.recommendations[0]
    urls = [
        room.base,
        room.session_url,
        f"{room.session_url}/revisions",
        f"{room.base}/report.docx",
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert client.post(room.outcome_url(rec), data=outcome_form(rec)).status_code == 404
    assert stored(room, rec) is None


def test_approval_is_refused_while_the_check_flags_someone_then_granted(room):
    rec, owner = room.recommendations[0], room.clients["owner"]
    room.clients["rapporteur"].post(
        room.outcome_url(rec),
        data=outcome_form(rec, summary="According to Hiroshi Tanaka, offsets are the obstacle."),
    )
    outcome = stored(room, rec)
    page = visible_text(owner.get(room.session_url).get_data(as_text=True))
    assert "The non-attribution check flags" in page
    assert "a participant" in page  # the neutral wording it proposes

    refused = owner.post(
        f"{room.base}/{outcome.id}/approve", data={"version": "1"}, follow_redirects=True
    )
    assert "could identify someone" in visible_text(refused.get_data(as_text=True))
    assert stored(room, rec).state == OutcomeState.DRAFT

    room.clients["rapporteur"].post(
        room.outcome_url(rec),
        data=outcome_form(rec, 1, summary="Several participants saw offsets as the obstacle."),
    )
    unread = owner.post(
        f"{room.base}/{outcome.id}/approve", data={"version": "1"}, follow_redirects=True
    )
    assert "It changed since you read it" in visible_text(unread.get_data(as_text=True))
    owner.post(f"{room.base}/{outcome.id}/approve", data={"version": "2"})
    assert stored(room, rec).state == OutcomeState.APPROVED
    locked = room.clients["rapporteur"].post(
        room.outcome_url(rec), data=outcome_form(rec, 3, summary="Changed after approval.")
    )
    assert locked.status_code == 409
    assert stored(room, rec).summary == "Several participants saw offsets as the obstacle."
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "outcomes.approved" in actions


def test_approved_outcomes_are_published_with_the_release_on_the_report_pages(room, client):
    rec = room.recommendations[0]
    room.clients["rapporteur"].post(room.outcome_url(rec), data=outcome_form(rec))
    room.clients["owner"].post(f"{room.base}/{stored(room, rec).id}/approve", data={"version": "1"})
    public = visible_text(client.get("/report/recommendations/1").get_data(as_text=True))
    assert "shared register" not in public

    release(room.dialogue)
    assert stored(room, rec).state == OutcomeState.PUBLISHED
    public = visible_text(client.get("/report/recommendations/1").get_data(as_text=True))
    assert "Industry roundtable" in public
    assert "Broad agreement" in public
    assert "Participants saw merit in a shared register" in public
    progress = visible_text(client.get("/report/progress").get_data(as_text=True))
    assert "Edition 2" in progress
    assert "Broad agreement" in progress
    assert "2. Agree on deterrence" in progress.split("Gaps")[0]


def test_the_outcomes_report_downloads_as_a_word_document_named_after_the_dialogue(room):
    response = room.clients["rapporteur"].get(f"{room.base}/report.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert f'filename="{room.dialogue.slug}-outcomes-' in disposition
    assert disposition.endswith('.docx"')


def test_the_outcomes_pages_cost_the_same_queries_however_many_sessions(room, make, queries):
    def counted(url: str) -> int:
        with queries() as log:
            assert room.clients["owner"].get(url).status_code == 200
        return log.count

    before = (counted(room.base), counted(room.session_url))
    for number in range(8):
        session = make.item(room.dialogue, recommendations=room.recommendations)
        for rec in room.recommendations:
            make.outcome(session, rec, summary=f"Summary {number}.")
    db.session.commit()
    assert (counted(room.base), counted(room.session_url)) == before
