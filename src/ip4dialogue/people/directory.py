"""The people directory other areas use: find a person, or add one, and show their names."""

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant

# The databases' own "insert unless the key exists" (ON CONFLICT DO NOTHING).
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def person_with_email(address: str) -> Participant | None:
    """The person with this canonical address (see addresses.canonical_email)."""
    return db.session.scalars(select(Participant).where(Participant.email == address)).one_or_none()


def person_for(address: str, name: str, affiliation: str = "") -> Participant:
    """The person with this address, or a new one with these details. Two requests may add
    the same new address at once (one person registering for two dialogues): the insert
    leaves the conflict to the database, which makes the later one wait for the first and
    then find its row, instead of failing on the unique address."""
    if (person := person_with_email(address)) is None:
        insert = _INSERTS[db.session.get_bind().dialect.name]
        db.session.execute(
            insert(Participant)
            .values(email=address, name=name.strip(), affiliation=affiliation.strip())
            .on_conflict_do_nothing(index_elements=["email"])
        )
        person = db.session.scalars(select(Participant).where(Participant.email == address)).one()
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
