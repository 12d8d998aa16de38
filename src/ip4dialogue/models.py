"""Every mapped class, imported in one place so that mappers resolve their string references
and Alembic sees the whole schema."""

from ip4dialogue.accounts.models import (
    AccountEvent,
    Organiser,
    PasswordLink,
    RecoveryCode,
    SiteSettings,
    TeamInvitation,
    TeamMember,
)
from ip4dialogue.api.models import ApiToken, ApiTokenUse
from ip4dialogue.audit import AuditEvent
from ip4dialogue.calendar.models import CalendarDelivery
from ip4dialogue.countries.models import Country
from ip4dialogue.dialogues.models import AgendaItem, AgendaRole, Convening, Dialogue, Room
from ip4dialogue.health import Heartbeat
from ip4dialogue.institutions.models import Institution
from ip4dialogue.jobs.models import OutgoingAttachment, OutgoingMessage
from ip4dialogue.outcomes.models import Outcome, Revision, SessionNotes
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import (
    Invitation,
    Registration,
    RegistrationLink,
    SessionSignup,
)
from ip4dialogue.report.models import Recommendation, Report, Series, Theme

__all__ = [
    "AccountEvent",
    "AgendaItem",
    "AgendaRole",
    "ApiToken",
    "ApiTokenUse",
    "AuditEvent",
    "CalendarDelivery",
    "Convening",
    "Country",
    "Dialogue",
    "Heartbeat",
    "Institution",
    "Invitation",
    "Organiser",
    "Outcome",
    "OutgoingAttachment",
    "OutgoingMessage",
    "Participant",
    "PasswordLink",
    "Recommendation",
    "RecoveryCode",
    "Registration",
    "RegistrationLink",
    "Report",
    "Revision",
    "Room",
    "Series",
    "SessionNotes",
    "SessionSignup",
    "SiteSettings",
    "TeamInvitation",
    "TeamMember",
    "Theme",
]
