"""Factories for the main entities: sensible defaults, any field overridable, committed so
that requests (which have sessions of their own) see them. Tests say only what matters."""

import hashlib
import itertools
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.models import Organiser, PasswordLink, TeamInvitation, TeamMember
from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemKind,
    Role,
    Room,
)
from ip4dialogue.institutions.models import Institution
from ip4dialogue.jobs.models import Delivery, OutgoingMessage
from ip4dialogue.outcomes.models import Outcome
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import (
    Answer,
    Invitation,
    LinkPurpose,
    Question,
    QuestionKind,
    Registration,
    RegistrationLink,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.report.models import Recommendation, Report, Theme


def token_hash() -> str:
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


class Factories:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sequence = itertools.count(1)

    def _save(self, instance: Any) -> Any:
        self.session.add(instance)
        self.session.commit()
        return instance

    def country(self, **fields: Any) -> Country:
        number = next(self.sequence)
        code = fields.pop("code", f"Q{chr(ord('A') + number % 26)}")
        fields = {"name": f"Country {number}", "group": CountryGroup.NATO, **fields}
        return self.session.get(Country, code) or self._save(Country(code=code, **fields))

    def institution(self, **fields: Any) -> Institution:
        number = next(self.sequence)
        defaults = {"slug": f"institution-{number}", "name": f"Institution {number}"}
        return self._save(Institution(**defaults | fields))

    def report(self, **fields: Any) -> Report:
        number = next(self.sequence)
        defaults = {
            "slug": f"report-{number}",
            "title": f"Report {number}",
            "author": "An Author",
            "publishers": "A Publisher",
            "year": 2024,
            "url": "https://example.org/report",
            "summary": "A summary.",
        }
        return self._save(Report(**defaults | fields))

    def theme(self, report: Report | None = None, **fields: Any) -> Theme:
        number = next(self.sequence)
        defaults = {"slug": f"theme-{number}", "title": f"Theme {number}", "summary": "About."}
        return self._save(
            Theme(report=report or self.report(), position=number, **defaults | fields)
        )

    def recommendation(self, report: Report | None = None, **fields: Any) -> Recommendation:
        number = next(self.sequence)
        defaults = {"number": number, "short_title": f"Rec {number}", "text": "Do things."}
        return self._save(Recommendation(report=report or self.report(), **defaults | fields))

    def dialogue(self, **fields: Any) -> Dialogue:
        number = next(self.sequence)
        start = fields.pop("start_date", date(2027, 5, 11))
        defaults = {
            "slug": f"dialogue-{number}",
            "title": f"Dialogue {number}",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "timezone": "Asia/Seoul",
            "city": "Seoul",
            "status": DialogueStatus.PUBLISHED,
        }
        return self._save(Dialogue(**defaults | fields))

    def room(self, dialogue: Dialogue | None = None, **fields: Any) -> Room:
        number = next(self.sequence)
        defaults = {"name": f"Room {number}", "capacity": 40}
        return self._save(Room(dialogue=dialogue or self.dialogue(), **defaults | fields))

    def item(self, dialogue: Dialogue | None = None, **fields: Any) -> AgendaItem:
        dialogue = dialogue or self.dialogue()
        number = next(self.sequence)
        starts_at = fields.pop(
            "starts_at",
            datetime.combine(dialogue.start_date, datetime.min.time(), tzinfo=dialogue.zone)
            .replace(hour=9)
            .astimezone(UTC),
        )
        defaults = {
            "kind": ItemKind.PANEL,
            "title": f"Session {number}",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=1),
        }
        return self._save(AgendaItem(dialogue=dialogue, **defaults | fields))

    def outcome(self, item: AgendaItem, recommendation: Recommendation, **fields: Any) -> Outcome:
        defaults = {"summary": "Participants saw merit in a shared register.", "version": 1}
        return self._save(Outcome(item=item, recommendation=recommendation, **defaults | fields))

    def participant(self, **fields: Any) -> Participant:
        number = next(self.sequence)
        defaults = {"name": f"Expert {number}", "email": f"expert{number}@example.org"}
        return self._save(Participant(**defaults | fields))

    def role(self, item: AgendaItem, participant: Participant, role: Role) -> AgendaRole:
        return self._save(AgendaRole(item=item, participant=participant, role=role))

    def registration(self, **fields: Any) -> Registration:
        defaults = {
            "status": RegistrationStatus.CONFIRMED,
            "consent_data_processing_at": datetime.now(UTC),
            "joined_at": datetime.now(UTC),
            "links": [RegistrationLink(purpose=LinkPurpose.MANAGE, token_hash=token_hash())],
        }
        fields.setdefault("participant", self.participant())
        fields.setdefault("dialogue", self.dialogue())
        return self._save(Registration(**defaults | fields))

    def signup(
        self, registration: Registration, item: AgendaItem, waitlist_position: int | None = None
    ) -> SessionSignup:
        """A place in a break-out: a seat, or the given place in its line."""
        status = SignupStatus.WAITLISTED if waitlist_position else SignupStatus.CONFIRMED
        signup = SessionSignup(
            registration=registration,
            item=item,
            status=status,
            waitlist_position=waitlist_position,
        )
        return self._save(signup)

    def question(self, dialogue: Dialogue, **fields: Any) -> Question:
        """A question of the dialogue's own, by default free text and optional."""
        number = next(self.sequence)
        defaults = {"position": number, "kind": QuestionKind.TEXT, "label": f"Question {number}"}
        return self._save(Question(dialogue=dialogue, **{**defaults, **fields}))

    def answer(self, registration: Registration, question: Question, value: str) -> Answer:
        return self._save(Answer(registration=registration, question=question, value=value))

    def invitation(self, **fields: Any) -> Invitation:
        number = next(self.sequence)
        defaults = {
            "email": f"invitee{number}@example.org",
            "code_hash": token_hash(),
            "expires_at": datetime.now(UTC) + timedelta(days=30),
        }
        fields.setdefault("dialogue", self.dialogue())
        return self._save(Invitation(**defaults | fields))

    def message(self, **fields: Any) -> OutgoingMessage:
        """A message that failed to reach its recipient, as the outbox records it."""
        number = next(self.sequence)
        defaults = {
            "kind": "confirmed",
            "to_name": f"Expert {number}",
            "to_address": f"expert{number}@example.org",
            "subject": f"Message {number}",
            "text": "Plain.",
            "html": "<p>Rich.</p>",
            "message_id": f"<{number}.{secrets.token_hex(4)}@ip4dialogue>",
            "state": Delivery.FAILED,
            "attempts": 1,
            "last_error": "550 5.1.1 No such user here",
        }
        dialogue = fields.pop("dialogue", None) or self.dialogue()
        return self._save(OutgoingMessage(dialogue_id=dialogue.id, **defaults | fields))

    def organiser(self, **fields: Any) -> Organiser:
        number = next(self.sequence)
        defaults = {
            "email": f"organiser{number}@example.org",
            "name": f"Organiser {number}",
            "password_hash": "not-a-real-hash",
        }
        return self._save(Organiser(**defaults | fields))

    def member(self, dialogue: Dialogue, organiser: Organiser, role: TeamRole) -> TeamMember:
        return self._save(TeamMember(dialogue=dialogue, organiser=organiser, role=role))

    def team_invitation(self, dialogue: Dialogue, **fields: Any) -> TeamInvitation:
        """An invitation to the team, open for a week."""
        number = next(self.sequence)
        defaults = {
            "email": f"colleague{number}@example.org",
            "role": TeamRole.EDITOR,
            "token_hash": token_hash(),
            "expires_at": datetime.now(UTC) + timedelta(days=7),
        }
        return self._save(TeamInvitation(dialogue=dialogue, **defaults | fields))

    def password_link(self, organiser: Organiser, **fields: Any) -> PasswordLink:
        """A link to set the organiser's password, open for an hour."""
        defaults = {
            "token_hash": token_hash(),
            "expires_at": datetime.now(UTC) + timedelta(hours=1),
        }
        return self._save(PasswordLink(organiser=organiser, **defaults | fields))
