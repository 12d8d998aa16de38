"""Registration through the web, as experts and organisers use it."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ip4dialogue.audit import AuditEvent
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration import invitations, services
from ip4dialogue.registration.models import Invitation, Registration, RegistrationStatus
from ip4dialogue.rules import RuleViolation
from tests.helpers import (
    committed,
    confirm_from,
    link_in,
    outbox,
    release,
    text_body,
    visible_text,
)


@pytest.fixture(autouse=True)
def korea(make):
    return make.country(code="KR", name="South Korea")


@pytest.fixture
def dialogue(make):
    return make.dialogue(
        slug="seoul",
        title="Seoul Dialogue",
        registration_mode=RegistrationMode.OPEN,
        capacity=1,
        chatham_house=True,
    )


FORM = {
    "name": "Dr Kim",
    "email": "kim@example.org",
    "affiliation": "KIDA",
    "position": "Fellow",
    "country_code": "KR",
    "sector": "think_tank",
    "home_timezone": "Asia/Seoul",
    "consent_data_processing": "y",
    "consent_chatham_house": "y",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def register_by_form(client, app, **changes: str) -> str:
    """Register with the form, and confirm the address from the email: the path of the
    expert's private page."""
    response = client.post("/dialogues/seoul/register", data=FORM | changes)
    assert response.location.startswith("/dialogues/seoul/register/sent"), response.text
    return confirm_from(client, outbox(app)[-1])


def test_an_expert_registers_confirms_the_address_and_finds_their_page(app, client, dialogue):
    response = client.post("/dialogues/seoul/register", data=FORM)
    assert response.status_code == 302
    assert response.location.startswith("/dialogues/seoul/register/sent")
    sent = visible_text(client.get(response.location).get_data(as_text=True))
    assert "Open it within 48 hours to confirm your address" in sent

    [asking] = outbox(app)
    assert asking["Subject"] == "Confirm your registration for Seoul Dialogue"
    registration = db.session.scalars(select(Registration)).one()
    assert registration.status == RegistrationStatus.UNCONFIRMED
    assert registration.participant.affiliation == ""  # nothing is theirs until confirmed
    link = link_in(asking, "/registrations/confirm/")
    assert "Confirm my registration" in client.get(link).get_data(as_text=True)
    assert db.session.scalars(select(Registration)).one().status == RegistrationStatus.UNCONFIRMED

    page_path = client.post(link).location
    page = visible_text(client.get(page_path).get_data(as_text=True))
    assert "Your registration, Dr Kim" in page
    assert "Status: Confirmed" in page
    assert outbox(app)[-1]["Subject"] == "Your place at Seoul Dialogue is confirmed"
    assert link_in(outbox(app)[-1], "/registrations/") == page_path
    again = client.post(link)
    assert again.status_code == 404
    assert "expired or was used already" in again.get_data(as_text=True)


def test_every_mail_to_the_expert_can_be_answered_to_the_dialogues_contact(app, client, make):
    make.dialogue(
        slug="desk", registration_mode=RegistrationMode.OPEN, contact_email="desk@ussc.example"
    )
    db.session.commit()
    client.post("/dialogues/desk/register", data=FORM)
    confirm_from(client, outbox(app)[-1])
    asked, confirmed = outbox(app)
    assert asked["Reply-To"] == confirmed["Reply-To"] == "desk@ussc.example"


def test_registering_again_looks_exactly_the_same_and_breaks_no_link(app, client, dialogue):
    first = client.post("/dialogues/seoul/register", data=FORM)
    sent = client.get(first.location).data
    kim_page = confirm_from(client, outbox(app)[-1])
    stranger = app.test_client()
    second = stranger.post("/dialogues/seoul/register", data=FORM | {"name": "Impostor"})
    assert first.location == second.location
    assert stranger.get(second.location).data == sent
    assert outbox(app)[-1]["Subject"] == "Your link to your registration for Seoul Dialogue"
    assert count(Registration) == 1
    assert client.get(kim_page).status_code == 200  # her link still works
    assert client.get(kim_page + "/schedule.ics").status_code == 200
    assert client.get(link_in(outbox(app)[-1], "/registrations/")).status_code == 200


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("consent_data_processing", "We cannot register you without this agreement."),
        ("consent_chatham_house", "please confirm you will respect it"),
        ("country_code", "Pick your country."),
        ("email", "This field is required."),
    ],
)
def test_bad_input_is_explained_keeps_what_was_typed_and_stores_nothing(
    client, dialogue, missing, message
):
    data = {key: value for key, value in FORM.items() if key != missing}
    response = client.post("/dialogues/seoul/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'id="{missing}-error"' in page
    assert 'value="KIDA"' in page
    assert count(Registration) == 0


def test_a_closed_window_says_when_it_closed(client, make):
    make.dialogue(
        slug="closed",
        registration_mode=RegistrationMode.OPEN,
        registration_closes_at=utcnow() - timedelta(days=1),
    )
    response = client.post("/dialogues/closed/register", data=FORM)
    assert "Registration closed on" in response.get_data(as_text=True)
    assert count(Registration) == 0


def test_invitation_only_without_a_code_explains_and_offers_no_form(client, make):
    make.dialogue(slug="private", registration_mode=RegistrationMode.INVITATION)
    page = client.get("/dialogues/private/register").get_data(as_text=True)
    assert "Participation in this dialogue is by invitation." in page
    assert 'name="email"' not in page  # no contact address to ask: no form at all


def test_an_invited_expert_lands_on_their_page_straight_away(app, client, make, organiser):
    private = make.dialogue(slug="private", registration_mode=RegistrationMode.INVITATION)
    invitations.invite(private, "kim@example.org", "Dr Kim", "KIDA", organiser)
    db.session.commit()
    link = link_in(outbox(app)[-1], "/dialogues/private/register")

    form_page = client.get(link).get_data(as_text=True)
    assert 'value="kim@example.org"' in form_page
    code = link.split("code=")[1]

    borrowed = client.post(link, data=FORM | {"email": "friend@example.org", "code": code})
    assert "sent to another address" in borrowed.get_data(as_text=True)

    response = client.post(link, data=FORM | {"code": code})
    assert response.status_code == 302
    assert response.location.startswith("/registrations/")
    assert "Status: Confirmed" in visible_text(client.get(response.location).get_data(as_text=True))


def test_an_invitee_can_decline(app, client, make, organiser):
    private = make.dialogue(slug="private", registration_mode=RegistrationMode.INVITATION)
    invitation = invitations.invite(private, "kim@example.org", "", "", organiser)
    db.session.commit()
    code = link_in(outbox(app)[-1], "/dialogues/").split("code=")[1]
    asked = client.get(f"/dialogues/private/register/decline?code={code}")
    assert "The link in your invitation stops working." in visible_text(
        asked.get_data(as_text=True)
    )
    assert f'name="code" value="{code}"' in asked.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.state.value == "pending"

    response = client.post("/dialogues/private/register/decline", data={"code": code})
    assert "Invitation declined" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.state.value == "declined"


def test_a_declined_invitation_can_be_re_sent_from_the_list(app, organiser_client, make, organiser):
    private = make.dialogue(slug="private", registration_mode=RegistrationMode.INVITATION)
    invitation = invitations.invite(private, "kim@example.org", "", "", organiser)
    invitations.decline(invitation)
    db.session.commit()
    listed = organiser_client.get(f"/organise/dialogues/{private.id}/invitations")
    resend = f"/organise/dialogues/{private.id}/invitations/{invitation.id}/resend"
    assert f'action="{resend}"' in listed.get_data(as_text=True)
    organiser_client.post(resend)
    db.session.refresh(invitation)
    assert invitation.state.value == "pending"
    assert [m["Subject"] for m in outbox(app)] == [f"Invitation: {private.title}"] * 2


def test_the_private_page_edits_details_and_refuses_bad_ones(app, client, dialogue):
    link = register_by_form(client, app)
    edited = FORM | {"affiliation": "New Institute", "dietary_needs": "Vegetarian"}
    assert client.post(link, data=edited).status_code == 302
    assert 'value="New Institute"' in client.get(link).get_data(as_text=True)

    bad = client.post(link, data=edited | {"name": ""})
    assert "This field is required." in bad.get_data(as_text=True)
    assert db.session.scalars(select(Registration)).one().participant.name == "Dr Kim"


def test_cancelling_on_the_page_hands_the_seat_to_the_waitlist(app, client, dialogue):
    kim_link = register_by_form(client, app)
    register_by_form(client, app, email="lee@example.org", name="Mr Lee")
    assert outbox(app)[-1]["Subject"] == "You are on the waitlist for Seoul Dialogue"

    asked = visible_text(client.get(kim_link + "/cancel").get_data(as_text=True))
    assert "Your seat goes to the next person on the waitlist, who is emailed." in asked
    assert "Status: Confirmed" in visible_text(client.get(kim_link).get_data(as_text=True))
    assert len(outbox(app)) == 4

    client.post(kim_link + "/cancel")

    assert "Status: Cancelled" in visible_text(client.get(kim_link).get_data(as_text=True))
    by_subject = {message["Subject"]: message for message in outbox(app)}
    promoted = by_subject["A place has opened up for you at Seoul Dialogue"]
    assert promoted["To"].addresses[0].addr_spec == "lee@example.org"
    cancelled = text_body(by_subject["Your registration for Seoul Dialogue is cancelled"])
    assert "Your seat goes to the next person on the waitlist." in cancelled

    client.post(link_in(promoted, "/registrations/") + "/cancel")  # Mr Lee cancels too
    told = text_body(outbox(app)[-1])
    assert "Your seat is free again for someone else." in told  # nobody waits any more
    assert "waitlist" not in told


def test_a_full_breakout_puts_the_expert_in_its_line(app, client, dialogue, make):
    dialogue.capacity = 10
    db.session.commit()
    breakout = make.item(
        dialogue, title="Breakout A", kind=ItemKind.BREAKOUT, capacity=1, signup_required=True
    )
    release(dialogue)
    register_by_form(client, app, breakouts=str(breakout.id))
    lee = register_by_form(client, app, email="lee@example.org", breakouts=str(breakout.id))
    page = visible_text(client.get(lee).get_data(as_text=True))
    assert "Breakout A: waiting for a seat" in page


def test_switching_break_outs_is_confirmed_by_email_with_the_calendar_following(
    app, client, dialogue, make
):
    dialogue.capacity = 10
    db.session.commit()
    first, second = (
        make.item(dialogue, title=title, kind=ItemKind.BREAKOUT, capacity=5, signup_required=True)
        for title in ("Breakout A", "Breakout B")
    )
    second.starts_at, second.ends_at = first.ends_at, first.ends_at + timedelta(hours=1)
    db.session.commit()
    release(dialogue)
    page = register_by_form(client, app, breakouts=str(first.id))
    before = len(outbox(app))
    client.post(page + "/breakouts", data={"breakouts": str(second.id)})
    (changed,) = outbox(app)[before:]
    assert changed["Subject"] == "Your break-out sessions at Seoul Dialogue"
    body = text_body(changed)
    assert "- Breakout B, 11 May 2027, 10:00 KST: a seat" in body
    assert "You left: Breakout A." in body
    names = sorted(part.get_filename() for part in changed.iter_attachments())
    assert names == ["2027-05-11 1000 Breakout B.ics", "Cancelled 2027-05-11 0900 Breakout A.ics"]
    calendars = [part.get_content() for part in changed.iter_attachments()]
    assert any("METHOD:CANCEL" in text and "Breakout A" in text for text in calendars)
    assert any("METHOD:REQUEST" in text and "Breakout B" in text for text in calendars)
    client.post(page + "/breakouts", data={"breakouts": str(second.id)})
    assert len(outbox(app)) == before + 1  # nothing changed: nothing sent


def test_erasing_on_the_page_leaves_no_working_link(app, client, dialogue):
    link = register_by_form(client, app)
    asked = visible_text(client.get(link + "/erase").get_data(as_text=True))
    assert "Your seat becomes free for someone else." in asked
    assert "This cannot be undone." in asked
    assert client.get(link).status_code == 200
    response = client.post(link + "/erase")
    assert "Your data is erased" in response.get_data(as_text=True)
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "x" * 43, "x" * 500])
def test_unknown_links_are_not_found(client, token):
    assert client.get(f"/registrations/{token}").status_code == 404


def test_organisers_approve_and_export(app, organiser_client, make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL, capacity=5)
    registration = make.registration(
        dialogue=dialogue,
        status=RegistrationStatus.PENDING,
        participant=make.participant(name="=cmd|' /C calc'!A0", email="kim@example.org"),
    )
    base = f"/organise/dialogues/{dialogue.id}/registrations"
    assert "=cmd" in organiser_client.get(base).get_data(as_text=True)

    organiser_client.post(f"{base}/{registration.id}/approve")
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert outbox(app)[-1]["Subject"].startswith("Your registration for")

    export = organiser_client.get(base + ".csv")
    assert export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    assert "'=cmd" in export.get_data(as_text=True)


def test_uploading_a_csv_invites_the_good_rows_and_lists_the_bad(app, organiser_client, make):
    dialogue = make.dialogue()
    upload = io.BytesIO(b"email,name\nkim@example.org,Dr Kim\nbroken\nlee@example.org,Mr Lee\n")
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/invitations/list",
        data={"upload": (upload, "invitees.csv")},
        content_type="multipart/form-data",
    )
    page = visible_text(response.get_data(as_text=True))
    assert "2 invitation(s) sent." in page
    assert "Line 3, <q>broken</q>: No email address on this line." in response.text
    assert "\nbroken</textarea>" in response.text  # left in the box, to fix and send again
    assert sorted(db.session.scalars(select(Invitation.email))) == [
        "kim@example.org",
        "lee@example.org",
    ]


def test_a_list_copied_from_a_spreadsheet_or_an_address_book_is_read_as_people_wrote_it(
    organiser_client, make
):
    dialogue = make.dialogue()
    pasted = (
        "Name\tEmail\tOrganisation\n"
        "Dr Kim Min-jun\tkim@example.org\tKIDA\n"
        '"Weber, Anna" <weber@example.org>; Lee Jae <lee@example.org>\n'
        "tanaka@example.org; Prof. Tanaka; Tokyo Centre\n"
        "Mr Nobody\tno address\n"
    )
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/invitations/list", data={"pasted": pasted}
    )
    assert "4 invitation(s) sent." in visible_text(response.text)
    people = db.session.execute(select(Invitation.email, Invitation.name, Invitation.affiliation))
    assert sorted(people) == [
        ("kim@example.org", "Dr Kim Min-jun", "KIDA"),
        ("lee@example.org", "Lee Jae", ""),
        ("tanaka@example.org", "Prof. Tanaka", "Tokyo Centre"),
        ("weber@example.org", "Weber, Anna", ""),
    ]
    assert "\nMr Nobody\tno address</textarea>" in response.text


def test_an_invitation_is_previewed_with_its_note_before_anything_is_sent(
    app, organiser_client, make
):
    dialogue = make.dialogue(title="Third Indo-Pacific Security Dialogue")
    invite = f"/organise/dialogues/{dialogue.id}/invitations"
    single = {"email": "kim@example.org", "name": "Dr Kim", "note": "We would value your view."}
    page = organiser_client.post(invite, data=single | {"preview": "1"}).text
    assert "Preview: nothing has been sent" in page
    assert "You are invited to the Third Indo-Pacific Security Dialogue" in page
    assert "We would value your view." in page
    assert outbox(app) == []
    assert count(Invitation) == 0

    listed = {"pasted": "kim@example.org\nlee@example.org\nnobody", "preview": "1"}
    page = visible_text(organiser_client.post(f"{invite}/list", data=listed).text)
    assert "2 invitation(s) would be sent; the first reads:" in page
    assert "These lines would not be invited: Line 3, nobody: No email address" in page
    assert outbox(app) == []
    assert count(Invitation) == 0

    organiser_client.post(invite, data=single)
    (sent,) = outbox(app)
    assert "A note from the organisers:\n\nWe would value your view." in text_body(sent)


def test_inviting_an_address_twice_is_explained_next_to_the_field(organiser_client, make):
    dialogue = make.dialogue()
    url = f"/organise/dialogues/{dialogue.id}/invitations"
    organiser_client.post(url, data={"email": "kim@example.org"})
    again = organiser_client.post(url, data={"email": "KIM@example.org", "name": "Dr Kim"})
    page = again.get_data(as_text=True)
    assert "kim@example.org has been invited already." in page
    assert 'value="Dr Kim"' in page


def test_registrations_are_throttled_per_email_but_corrections_cost_nothing(app, client, dialogue):
    app.config["RATELIMIT_ENABLED"] = True
    for _ in range(8):  # a form sent back to be corrected, again and again
        assert (
            client.post("/dialogues/seoul/register", data=FORM | {"country_code": ""}).status_code
            == 200
        )
    for _ in range(5):
        assert client.post("/dialogues/seoul/register", data=FORM).status_code == 302
    response = client.post("/dialogues/seoul/register", data=FORM | {"position": "Typed again"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 3500
    text = visible_text(response.text)
    assert "Too many attempts in a short time. Please wait 60 minutes and try again." in text
    assert 'value="Typed again"' in response.text  # the form, as it was filled in
    assert 'value="kim@example.org"' in response.text


def test_an_address_mail_cannot_carry_is_refused_on_the_form(client, dialogue):
    response = client.post("/dialogues/seoul/register", data=FORM | {"email": "josé@example.org"})
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert count(Registration) == 0


def test_decisions_only_redirect_within_the_site(organiser_client, make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL)
    registration = make.registration(dialogue=dialogue, status=RegistrationStatus.PENDING)
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/registrations/{registration.id}/approve",
        data={"back": "https://evil.example/"},
    )
    assert response.location == f"/organise/dialogues/{dialogue.id}/registrations"


def test_raising_the_capacity_on_the_form_seats_the_waitlist(app, organiser_client, make):
    dialogue = make.dialogue(slug="full", registration_mode=RegistrationMode.OPEN, capacity=0)
    waiting = make.registration(
        dialogue=dialogue, status=RegistrationStatus.WAITLISTED, waitlist_position=1
    )
    form = {
        "title": dialogue.title,
        "slug": "full",
        "start_date": "2027-05-11",
        "end_date": "2027-05-12",
        "timezone": "Asia/Seoul",
        "format": "in_person",
        "registration_mode": "open",
        "capacity": "1",
        "invitation_reminder_limit": "2",
    }
    assert (
        organiser_client.post(f"/organise/dialogues/{dialogue.id}/edit", data=form).status_code
        == 302
    )
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert outbox(app)[-1]["Subject"].startswith("A place has opened up")


def test_organisers_can_replace_a_private_link(app, client, organiser_client, dialogue):
    anonymous = app.test_client()
    old_link = register_by_form(anonymous, app)
    registration = db.session.scalars(select(Registration)).one()
    organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/registrations/{registration.id}/relink"
    )
    new_link = link_in(outbox(app)[-1], "/registrations/")
    assert outbox(app)[-1]["Subject"].startswith("A new private link")
    assert anonymous.get(old_link).status_code == 404
    assert anonymous.get(new_link).status_code == 200


def test_declining_a_registrant_says_who_gets_the_seat_before_it_happens(
    app, organiser_client, make
):
    dialogue = make.dialogue(capacity=1)
    kim = make.registration(dialogue=dialogue, status=RegistrationStatus.CONFIRMED)
    lee = make.registration(
        dialogue=dialogue, status=RegistrationStatus.WAITLISTED, waitlist_position=1
    )
    url = f"/organise/dialogues/{dialogue.id}/registrations/{kim.id}/decline"
    back = f"/organise/dialogues/{dialogue.id}/registrations?status=confirmed"

    asked = visible_text(
        organiser_client.get(url, query_string={"back": back}).get_data(as_text=True)
    )
    lee_name = lee.participant.display_name
    assert f"The seat goes to {lee_name}, first on the waitlist, who is emailed." in asked
    db.session.refresh(kim)
    assert kim.status == RegistrationStatus.CONFIRMED
    assert outbox(app) == []

    response = organiser_client.post(url, data={"back": back})
    assert response.location == back
    db.session.refresh(kim)
    db.session.refresh(lee)
    assert (kim.status, lee.status) == (RegistrationStatus.DECLINED, RegistrationStatus.CONFIRMED)


def test_revoking_an_invitation_asks_first(organiser_client, make, organiser):
    dialogue = make.dialogue(registration_mode=RegistrationMode.INVITATION)
    invitation = invitations.invite(dialogue, "kim@example.org", "", "", organiser)
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/invitations/{invitation.id}/revoke"
    asked = visible_text(organiser_client.get(url).get_data(as_text=True))
    assert "The link sent to kim@example.org stops working; nobody is emailed." in asked
    db.session.refresh(invitation)
    assert invitation.state.value == "pending"
    organiser_client.post(url)
    db.session.refresh(invitation)
    assert invitation.state.value == "revoked"


def test_organisers_decide_for_the_ticked_registrations_after_seeing_who(
    app, organiser_client, make
):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL, capacity=2)
    pending = [
        make.registration(
            dialogue=dialogue,
            status=RegistrationStatus.PENDING,
            participant=make.participant(name=name),
        )
        for name in ("Ana", "Ben")
    ]
    seated = make.registration(dialogue=dialogue, participant=make.participant(name="Cho"))
    elsewhere = make.registration(status=RegistrationStatus.PENDING)
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/registrations/bulk"
    ticked = {"action": "approve", "selected": [r.id for r in (*pending, seated, elsewhere)]}

    asked = visible_text(organiser_client.post(url, data=ticked).text)
    assert "Approve 2 registration(s)?" in asked  # another dialogue's is not among them
    assert "For: Ana, Ben." in asked
    assert "Not possible for, and left as they are: Cho." in asked
    assert count(Registration) == 4
    assert outbox(app) == []

    ids = ",".join(str(r.id) for r in (*pending, seated))
    done = organiser_client.post(
        url,
        data={"action": "approve", "selected_ids": ids, "confirmed": "1"},
        follow_redirects=True,
    )
    page = visible_text(done.text)
    assert "Approve: done for 2 (1 now confirmed, 1 now waitlisted)." in page
    assert "Cho: Not possible: the registration is confirmed." in page
    db.session.expire_all()
    statuses = [db.session.get(Registration, r.id).status for r in pending]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]  # 1 free
    assert len(outbox(app)) == 2


def test_a_bulk_decision_without_ticks_or_a_known_action_does_nothing(organiser_client, make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL)
    registration = make.registration(dialogue=dialogue, status=RegistrationStatus.PENDING)
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/registrations/bulk"
    for data in ({"action": "approve"}, {"action": "erase", "selected": [registration.id]}):
        response = organiser_client.post(url, data=data, follow_redirects=True)
        assert "Tick the registrations, and choose what to do with them." in response.text
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.PENDING


def test_organisers_write_to_the_ticked_registrations_each_on_their_own(
    app, organiser_client, make
):
    dialogue = make.dialogue(title="Seoul Dialogue", contact_email="desk@example.org")
    make.item(dialogue, title="Opening")
    release(dialogue)
    ana, ben = (
        make.registration(dialogue=dialogue, participant=make.participant(name=name))
        for name in ("Ana", "Ben")
    )
    typed = make.registration(  # an address nobody confirmed: anyone could have typed it
        dialogue=dialogue,
        status=RegistrationStatus.UNCONFIRMED,
        participant=make.participant(name="Stranger"),
    )
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/registrations/bulk"
    ticked = {"action": "write", "selected": [ana.id, ben.id, typed.id]}

    asked = organiser_client.post(url, data=ticked)
    page = visible_text(asked.text)
    assert "Write to 2 registration(s)" in page
    assert "To: Ana, Ben." in page
    assert "Not to those without a confirmed address: Stranger." in page
    assert "This field is required" not in page  # nothing written yet: no complaint yet
    assert outbox(app) == []

    ids = ",".join(str(r.id) for r in (ana, ben, typed))
    [sending] = re.findall(r'name="sending" value="([\w-]+)"', asked.text)
    carried = {"action": "write", "selected_ids": ids, "confirmed": "1", "sending": sending}
    empty = organiser_client.post(url, data=carried | {"subject": "Visa letters"})
    assert "This field is required." in empty.text
    assert 'value="Visa letters"' in empty.text  # what was typed stays
    assert outbox(app) == []

    body = "Visa letters go out on Monday.\n<b>Not bold</b>"
    sent = organiser_client.post(
        url, data=carried | {"subject": "Visa letters", "body": body}, follow_redirects=True
    )
    assert "Your message is on its way to 2 registration(s)." in visible_text(sent.text)
    letters = outbox(app)
    assert sorted(letter["To"].addresses[0].display_name for letter in letters) == ["Ana", "Ben"]
    letter = letters[0]
    assert letter["Subject"] == "Visa letters · Seoul Dialogue"
    assert letter["Reply-To"] == "desk@example.org"
    assert "Visa letters go out on Monday." in text_body(letter)
    assert "&lt;b&gt;Not bold&lt;/b&gt;" in letter.get_body(("html",)).get_content()
    assert not list(letter.iter_attachments())  # though their calendars are owed a session
    event = db.session.scalars(select(AuditEvent)).all()[-1]
    assert (event.action, event.after) == (
        "dialogue.letter_sent",
        {"subject": "Visa letters", "recipients": 2},
    )

    again = organiser_client.post(  # a second click, or the back button and Send again
        url, data=carried | {"subject": "Visa letters", "body": body}, follow_redirects=True
    )
    assert "This message was sent already: nobody gets it twice." in visible_text(again.text)
    assert len(outbox(app)) == 2


def test_a_letter_sent_twice_at_the_same_moment_goes_once(app, make, monkeypatch):
    """The second of two requests that both found no letter yet meets the first's keys."""
    dialogue = make.dialogue()
    ana, ben = (make.registration(dialogue=dialogue) for _ in range(2))
    db.session.commit()
    committed(services.write_to_each, [ben], "Visa", "Monday.", None, "s" * 16)
    monkeypatch.setattr(services.outbox, "keys_taken", lambda session, keys: set())
    with pytest.raises(RuleViolation, match="sent already"):
        committed(services.write_to_each, [ana, ben], "Visa", "Monday.", None, "s" * 16)
    db.session.rollback()
    assert len(outbox(app)) == 1


def test_an_expert_chooses_a_subscription_on_their_page_and_gets_its_link(
    app, client, dialogue, make
):
    make.item(dialogue, title="Opening")
    release(dialogue)
    page_path = register_by_form(client, app)
    page = visible_text(client.get(page_path).text)
    assert "How your sessions come to your calendar" in page
    assert "Subscribe in your calendar" not in page  # invitations by email, for now

    saved = client.post(page_path + "/calendar", data={"by": "subscription"}, follow_redirects=True)
    page = visible_text(saved.text)
    assert "Saved. We have emailed you what it changes in your calendar." in page
    assert "Subscribe in your calendar" in page
    assert re.search(r'<input checked[^>]*value="subscription"', saved.text)
    assert outbox(app)[-1]["Subject"] == "Your calendar for Seoul Dialogue"

    again = client.post(page_path + "/calendar", data={"by": "subscription"}, follow_redirects=True)
    assert "That was your choice already: nothing changes." in visible_text(again.text)
    refused = client.post(page_path + "/calendar", data={"by": "pigeon"}, follow_redirects=True)
    page = visible_text(refused.text)
    assert "Choose how your sessions come to your calendar." in page
    assert "Subscribe in your calendar" in page  # nothing changed


def test_an_expert_who_subscribes_from_the_start_is_sent_a_link_not_files(
    app, client, dialogue, make
):
    make.item(dialogue, title="Opening")
    release(dialogue)
    page = visible_text(client.get("/dialogues/seoul/register").text)
    assert "How your sessions come to your calendar" in page
    page_path = register_by_form(client, app, calendar_by="subscription")
    confirmed = outbox(app)[-1]
    assert confirmed["Subject"] == "Your place at Seoul Dialogue is confirmed"
    assert not list(confirmed.iter_attachments())
    said = text_body(confirmed)
    assert "Your calendar follows your schedule by subscription" in said
    assert f"{page_path}/schedule.ics" in said
    assert "webcal://" in confirmed.get_body(("html",)).get_content()
    assert client.get(f"{page_path}/schedule.ics").status_code == 200
