"""The floor for registration throughput: a minimal Flask app, served by gunicorn with the
same settings, that does what a registration must do and nothing else. It answers the same
requests (the form, its POST, the page after it, the confirmation link and its POST). The
form's POST inserts the same rows: the person, the unconfirmed registration, its confirmation
link and the message that carries it. The confirmation takes the same seat lock, decides the
seat the same way and writes the same rows: the registration's status, its private link, a
calendar delivery for each session on their schedule, and the confirmation in the outbox: a
message row and a calendar part for each of those sessions. No forms, templates, calendar
building, broker or sessions.

Served as `benchmarks.floor:create_floor_app()`.
"""

import os

from flask import Flask, redirect, request
from flask.typing import ResponseReturnValue
from sqlalchemy import create_engine, delete, func, insert, select, text, update

from ip4dialogue import models
from ip4dialogue.config import engine_options
from ip4dialogue.database import utcnow
from ip4dialogue.registration.models import CONFIRMATION_LIFETIME
from ip4dialogue.tokens import digest, new_secret

# About the size of the app's confirmation and of one of its calendar parts.
MESSAGE_TEXT = "Dear colleague, your place is confirmed. " * 30
MESSAGE_HTML = f"<p>{MESSAGE_TEXT}</p>" * 2
CALENDAR_PART = b"BEGIN:VCALENDAR\r\n" + b"X" * 900 + b"\r\nEND:VCALENDAR\r\n"
FORM = '<form method="post"><input name="csrf_token" type="hidden" value="floor"></form>'


def create_floor_app() -> Flask:
    url = os.environ["IP4DIALOGUE_DATABASE_URL"]
    engine = create_engine(url, **engine_options(url, 5))
    tables = models.Dialogue.metadata.tables
    dialogues, items = tables["dialogues"], tables["agenda_items"]
    people, registrations = tables["participants"], tables["registrations"]
    links = tables["registration_links"]
    deliveries = tables["calendar_deliveries"]
    messages, parts = tables["outgoing_messages"], tables["outgoing_attachments"]
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return "ok"

    @app.get("/dialogues/<slug>/register")
    def form(slug: str) -> ResponseReturnValue:
        return FORM

    @app.get("/dialogues/<slug>/register/sent")
    def sent(slug: str) -> ResponseReturnValue:
        return "sent"

    @app.post("/dialogues/<slug>/register")
    def register(slug: str) -> ResponseReturnValue:
        now = utcnow()
        token, token_hash = new_secret()
        with engine.begin() as connection:
            dialogue_id = connection.scalar(select(dialogues.c.id).where(dialogues.c.slug == slug))
            person_id = connection.execute(
                insert(people)
                .values(
                    name=request.form["name"],
                    email=request.form["email"],
                    affiliation="",
                    position="",
                    consent_to_be_listed=False,
                    created_at=now,
                )
                .returning(people.c.id)
            ).scalar_one()
            registration_id = connection.execute(
                insert(registrations)
                .values(
                    participant_id=person_id,
                    dialogue_id=dialogue_id,
                    status="unconfirmed",
                    consent_data_processing_at=now,
                    access_needs="",
                    dietary_needs="",
                    submitted_profile=dict(request.form),
                    created_at=now,
                    status_changed_at=now,
                )
                .returning(registrations.c.id)
            ).scalar_one()
            connection.execute(
                insert(links).values(
                    registration_id=registration_id,
                    purpose="confirm",
                    token_hash=token_hash,
                    created_at=now,
                    expires_at=now + CONFIRMATION_LIFETIME,
                )
            )
            _queue(connection, dialogue_id, "confirm_address", request.form["email"], token, now)
        return redirect(f"/dialogues/{slug}/register/sent")

    @app.get("/registrations/confirm/<token>")
    def confirmation(token: str) -> ResponseReturnValue:
        return FORM

    @app.get("/registrations/<token>")
    def manage(token: str) -> ResponseReturnValue:
        return "yours"

    @app.post("/registrations/confirm/<token>")
    def confirm(token: str) -> ResponseReturnValue:
        now = utcnow()
        with engine.begin() as connection:
            registration_id, dialogue_id, email = connection.execute(
                select(registrations.c.id, registrations.c.dialogue_id, people.c.email)
                .join(links, links.c.registration_id == registrations.c.id)
                .join(people, people.c.id == registrations.c.participant_id)
                .where(links.c.token_hash == digest(token), links.c.expires_at > now)
            ).one()
            schedule = connection.execute(
                select(items.c.uid, items.c.title, items.c.starts_at, items.c.ends_at).where(
                    items.c.dialogue_id == dialogue_id, ~items.c.signup_required
                )
            ).all()
            if connection.dialect.name == "sqlite":
                connection.execute(
                    text("UPDATE dialogues SET id = id WHERE id = :id"), {"id": dialogue_id}
                )
            capacity = connection.scalar(
                select(dialogues.c.capacity).where(dialogues.c.id == dialogue_id).with_for_update()
            )
            seated = connection.scalar(
                select(func.count()).where(
                    registrations.c.dialogue_id == dialogue_id,
                    registrations.c.status == "confirmed",
                )
            )
            confirmed = capacity is None or seated < capacity
            position = None
            if not confirmed:
                last = connection.scalar(
                    select(func.max(registrations.c.waitlist_position)).where(
                        registrations.c.dialogue_id == dialogue_id
                    )
                )
                position = (last or 0) + 1
            connection.execute(
                update(registrations)
                .where(registrations.c.id == registration_id)
                .values(
                    status="confirmed" if confirmed else "waitlisted",
                    waitlist_position=position,
                    joined_at=now,
                    submitted_profile=None,
                    status_changed_at=now,
                )
            )
            connection.execute(delete(links).where(links.c.registration_id == registration_id))
            manage_token, manage_hash = new_secret()
            connection.execute(
                insert(links).values(
                    registration_id=registration_id,
                    purpose="manage",
                    token_hash=manage_hash,
                    created_at=now,
                )
            )
            if confirmed and schedule:
                connection.execute(
                    insert(deliveries),
                    [
                        {
                            "registration_id": registration_id,
                            "item_uid": uid,
                            "title": title,
                            "starts_at": starts_at,
                            "ends_at": ends_at,
                            "sequence": 0,
                            "item_sequence": 0,
                            "cancelled": False,
                            "sent_at": now,
                        }
                        for uid, title, starts_at, ends_at in schedule
                    ],
                )
            kind = "confirmed" if confirmed else "waitlisted"
            message_id = _queue(connection, dialogue_id, kind, email, manage_token, now)
            if confirmed and schedule:
                connection.execute(
                    insert(parts),
                    [
                        {
                            "message_id": message_id,
                            "filename": f"{uid[:12]}.ics",
                            "maintype": "text",
                            "subtype": "calendar",
                            "params": {"method": "REQUEST"},
                            "content": CALENDAR_PART,
                        }
                        for uid, *_ in schedule
                    ],
                )
        return redirect(f"/registrations/{manage_token}")

    def _queue(connection, dialogue_id, kind: str, to: str, token: str, now) -> int:
        """A message in the outbox, with the link it carries."""
        path = "/registrations/confirm/" if kind == "confirm_address" else "/registrations/"
        return connection.execute(
            insert(messages)
            .values(
                dialogue_id=dialogue_id,
                kind=kind,
                to_name="",
                to_address=to,
                subject=kind,
                text=f"{MESSAGE_TEXT}\nhttp://floor{path}{token}\n",
                html=MESSAGE_HTML,
                message_id=f"<{new_secret()[0]}@floor>",
                created_at=now,
            )
            .returning(messages.c.id)
        ).scalar_one()

    return app
