"""Loading institutions, for forms and the command line."""

from collections.abc import Sequence

from sqlalchemy import func, select

from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution


def all_institutions() -> list[Institution]:
    """Every institution, by name: the choices of a form."""
    return list(db.session.scalars(select(Institution).order_by(func.lower(Institution.name))))


def institutions_with_ids(ids: Sequence[int]) -> list[Institution]:
    """The institutions with these ids, in the order the ids come."""
    found = {
        institution.id: institution
        for institution in db.session.scalars(select(Institution).where(Institution.id.in_(ids)))
    }
    return [found[number] for number in ids if number in found]


def institution_with_slug(slug: str) -> Institution | None:
    return db.session.scalars(select(Institution).where(Institution.slug == slug)).one_or_none()
