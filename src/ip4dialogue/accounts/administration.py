"""What site administrators do: make organiser accounts (their owners choose the password
from an emailed link), change or close them, reset a lost second factor, keep the list of
institutions, and set the site's rules. Every change is in the site's audit log, and the site
always keeps an active administrator."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from ip4dialogue.accounts import services, two_factor
from ip4dialogue.accounts.models import AccountEventKind, Organiser, SiteSettings
from ip4dialogue.audit import record
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from ip4dialogue.rules import RuleViolation


def _account(organiser: Organiser) -> dict[str, object]:
    return {
        "email": organiser.email,
        "name": organiser.name,
        "institutions": sorted(institution.slug for institution in organiser.institutions),
        "administrator": organiser.is_admin,
        "active": organiser.active,
    }


def make_organiser(
    email: str,
    name: str,
    institutions: Sequence[Institution],
    admin: bool,
    actor: Organiser,
    now: datetime,
) -> Organiser:
    """An account whose owner is mailed a link to choose their password (valid three days)."""
    organiser = services.create_organiser(
        email, name, services.unusable_password(), admin=admin, institutions=institutions
    )
    link = services.new_password_link(organiser, now, services.WELCOME_LINK_LIFETIME)
    services.tell(
        organiser, "Your organiser account: choose a password", "welcome", link=link, by=actor.name
    )
    record(
        "organiser.created", organiser, organiser=actor, dialogue_id=None, after=_account(organiser)
    )
    return organiser


def _other_active_admins(organiser: Organiser) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Organiser)
        .where(Organiser.is_admin, Organiser.active, Organiser.id != organiser.id)
    )


def change_organiser(
    organiser: Organiser,
    name: str,
    institutions: Sequence[Institution],
    admin: bool,
    active: bool,
    actor: Organiser,
) -> Organiser:
    """Rename, move between institutions, make or unmake an administrator, close or reopen
    the account. A closed account's sessions end at once."""
    if organiser.is_admin and not (admin and active) and not _other_active_admins(organiser):
        raise RuleViolation(
            "is_admin",
            f"{organiser.name} is the site's only active administrator: make another first.",
        )
    if not name.strip():
        raise RuleViolation("name", "The name must not be empty.")
    before = _account(organiser)
    organiser.name, organiser.is_admin = name.strip(), admin
    organiser.institutions = list(institutions)
    if organiser.active and not active:
        organiser.end_sessions()
    organiser.active = active
    after = _account(organiser)
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        record(
            "organiser.updated",
            organiser,
            organiser=actor,
            dialogue_id=None,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return organiser


def reset_second_factor(
    organiser: Organiser, actor: Organiser | None, visit: services.Visit
) -> None:
    """For a lost phone: the second factor off, every session ended; the owner is told, and
    sets it up again after logging in with the password. (No actor: the command line.)"""
    if not organiser.two_factor:
        raise RuleViolation(None, f"{organiser.name} has no second factor to reset.")
    two_factor.turn_off(organiser)
    organiser.end_sessions()
    services.note(AccountEventKind.TWO_FACTOR_OFF, organiser, visit)
    services.tell(
        organiser,
        "The second factor of your organiser account is off",
        "two_factor_off",
        by=actor.name if actor else "a site administrator (on the server)",
    )
    record("organiser.two_factor_reset", organiser, organiser=actor, dialogue_id=None)


def add_institution(slug: str, name: str, actor: Organiser | None) -> Institution:
    institution = services.create_institution(slug, name)
    record(
        "institution.created",
        institution,
        organiser=actor,
        dialogue_id=None,
        after={"slug": institution.slug, "name": institution.name},
    )
    return institution


def rename_institution(institution: Institution, name: str, actor: Organiser) -> Institution:
    name = name.strip()
    if not name:
        raise RuleViolation("name", "The name must not be empty.")
    taken = db.session.scalars(
        select(Institution.id).where(Institution.name == name, Institution.id != institution.id)
    ).first()
    if taken is not None:
        raise RuleViolation("name", f"Another institution is called {name}.")
    before = {"name": institution.name}
    institution.name = name
    record(
        "institution.renamed",
        institution,
        organiser=actor,
        dialogue_id=None,
        before=before,
        after={"name": name},
    )
    return institution


def require_second_factor(required: bool, actor: Organiser) -> None:
    """Whether accounts that see personal data must use a second factor."""
    settings = db.session.get(SiteSettings, 1) or SiteSettings(id=1)
    before = {"second factor required": bool(settings.two_factor_required)}
    settings.two_factor_required = required
    db.session.add(settings)
    db.session.flush()
    if before["second factor required"] != required:
        record(
            "site.settings",
            settings,
            organiser=actor,
            dialogue_id=None,
            before=before,
            after={"second factor required": required},
        )
