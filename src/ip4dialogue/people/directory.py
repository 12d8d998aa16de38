"""The people directory other areas use: find a person, or add one, and show their names."""

from collections.abc import Iterable

from sqlalchemy import func, select

from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant


def person_with_email(address: str) -> Participant | None:
    """The person with this canonical address (see addresses.canonical_email)."""
    return db.session.scalars(select(Participant).where(Participant.email == address)).one_or_none()


def person_for(address: str, name: str, affiliation: str = "") -> Participant:
    """The person with this address, or a new one with these details, added to the session."""
    person = person_with_email(address)
    if person is None:
        person = Participant(email=address, name=name.strip(), affiliation=affiliation.strip())
        db.session.add(person)
    return person


def people_to_choose() -> list[Participant]:
    """Everyone not erased, by name: the people organisers pick for roles."""
    query = (
        select(Participant)
        .where(Participant.erased_at.is_(None))
        .order_by(func.lower(Participant.name), Participant.id)
    )
    return list(db.session.scalars(query))


def display_names(ids: Iterable[int]) -> dict[int, str]:
    """Current names for these people, in one query; erased people are named as such."""
    wanted = set(ids)
    if not wanted:
        return {}
    people = db.session.scalars(select(Participant).where(Participant.id.in_(wanted)))
    return {person.id: person.display_name for person in people}
