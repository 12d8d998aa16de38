"""Login and logout through the web, and the wall around /organise/."""

import pytest

from tests.conftest import ORGANISER_PASSWORD


def test_anonymous_visitors_are_sent_to_login_and_come_back_after(client, organiser):
    response = client.get("/organise/")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")

    logged_in = client.post(
        response.location, data={"email": "ana@example.org", "password": ORGANISER_PASSWORD}
    )
    assert logged_in.status_code == 302
    assert logged_in.location == "/organise/"
    assert client.get("/organise/").status_code == 200


@pytest.mark.parametrize("email", ["ana@example.org", "nobody@example.org"])
def test_a_failed_login_does_not_say_whether_the_email_exists(client, organiser, email):
    response = client.post("/login", data={"email": email, "password": "not the password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong email or password." in page
    assert email in page  # what was typed is kept
    assert "not the password" not in page  # but never the password


def test_next_never_leads_off_the_site(client, organiser):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"email": "ana@example.org", "password": ORGANISER_PASSWORD},
        )
        assert response.location == "/organise/"
        client.post("/logout")


def test_failed_logins_are_throttled(client, organiser):
    for _ in range(10):
        client.post("/login", data={"email": "ana@example.org", "password": "guess guess guess"})
    throttled = client.post(
        "/login", data={"email": "ana@example.org", "password": ORGANISER_PASSWORD}
    )
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.get_data(as_text=True)


def test_successful_logins_do_not_use_up_the_allowance(client, organiser):
    for _ in range(12):
        response = client.post(
            "/login", data={"email": "ana@example.org", "password": ORGANISER_PASSWORD}
        )
        assert response.status_code == 302
        client.post("/logout")


def test_logout_ends_the_session(organiser_client):
    response = organiser_client.post("/logout")
    assert response.status_code == 302
    assert organiser_client.get("/organise/").status_code == 302


def test_logout_is_not_a_get(organiser_client):
    assert organiser_client.get("/logout").status_code == 405


def test_every_organiser_page_refuses_anonymous_visitors(app, client, route_url):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/organise")]
    assert len(rules) >= 15
    for rule in rules:
        url = route_url(app, rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.location.startswith("/login"), (method, url)


def test_the_audit_log_shows_who_did_what_and_cannot_be_changed(app, organiser_client, make):
    from ip4dialogue.dialogues.models import RegistrationMode
    from ip4dialogue.registration.models import RegistrationStatus

    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL)
    registration = make.registration(dialogue=dialogue, status=RegistrationStatus.PENDING)
    organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/registrations/{registration.id}/approve"
    )
    page = organiser_client.get("/organise/audit/").get_data(as_text=True)
    assert "registration.approve" in page
    assert "Ana Organiser" in page
    assert "pending" in page
    assert "confirmed" in page
    audit_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/organise/audit")]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)


def test_the_audit_log_shows_people_by_their_current_name_and_erased_ones_as_such(
    organiser_client, make
):
    from ip4dialogue.dialogues.models import Role
    from ip4dialogue.dialogues.services import apply_item_changes
    from tests.helpers import committed, visible_text

    item = make.item(make.dialogue(), title="Deterrence panel")
    speaker = make.participant(name="Dr Secret")
    committed(apply_item_changes, item, {"roles": [(speaker, Role.SPEAKER)]}, None)

    page = visible_text(organiser_client.get("/organise/audit/").get_data(as_text=True))
    assert "Item “Deterrence panel”" in page
    assert "speaker: Dr Secret" in page

    committed(speaker.erase)
    page = visible_text(organiser_client.get("/organise/audit/").get_data(as_text=True))
    assert "Dr Secret" not in page
    assert "speaker: erased participant" in page


def test_a_dialogue_s_audit_log_is_in_its_local_time_and_filters_by_actor_and_kind(
    organiser, organiser_client, make
):
    from datetime import UTC, datetime

    from ip4dialogue.audit import AuditEvent
    from ip4dialogue.extensions import db
    from tests.helpers import visible_text

    dialogue = make.dialogue(timezone="Asia/Seoul")
    item = make.item(dialogue, title="Deterrence panel")
    ben = make.organiser(name="Ben Registrar")
    moment = datetime(2027, 5, 1, 23, 30, tzinfo=UTC)
    events = [
        ("item.updated", "AgendaItem", item.id, organiser.id),
        ("registration.approve", "Registration", 1, ben.id),
        ("team.added", "TeamMember", 1, None),
    ]
    for action, subject_type, subject_id, organiser_id in events:
        db.session.add(
            AuditEvent(
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                organiser_id=organiser_id,
                dialogue_id=dialogue.id,
                occurred_at=moment,
            )
        )
    db.session.commit()
    log = f"/organise/dialogues/{dialogue.id}/audit"

    page = visible_text(organiser_client.get(log).get_data(as_text=True))
    assert "When (Asia/Seoul)" in page
    assert "2 May 2027, 08:30 KST" in page
    assert "Command line or system" in page
    by_ben = visible_text(organiser_client.get(f"{log}?actor={ben.id}").get_data(as_text=True))
    assert "registration.approve" in by_ben
    assert "item.updated" not in by_ben
    items = visible_text(organiser_client.get(f"{log}?kind=item").get_data(as_text=True))
    assert "Item “Deterrence panel”" in items
    assert "registration.approve" not in items
    nonsense = organiser_client.get(f"{log}?kind=%25&actor=x")
    assert nonsense.status_code == 200
    assert "registration.approve" in visible_text(nonsense.get_data(as_text=True))
