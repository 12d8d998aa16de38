"""What organisers see of the outbox: a dialogue's messages and how their delivery went."""

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from ip4dialogue.database import contains_words
from ip4dialogue.extensions import db
from ip4dialogue.jobs.models import Delivery, OutgoingMessage

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    state: str = ""
    q: str = ""  # part of the recipient's address or name, or of the subject


def messages(dialogue_id: int, filters: Filters, page: int) -> Pagination:
    """Newest first: the latest news is what an organiser checks."""
    query = _filtered(dialogue_id, filters).order_by(OutgoingMessage.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def _filtered(dialogue_id: int, filters: Filters) -> Select:
    query = select(OutgoingMessage).where(OutgoingMessage.dialogue_id == dialogue_id)
    if filters.state:
        query = query.where(OutgoingMessage.state == Delivery(filters.state))
    if filters.q:
        query = query.where(
            contains_words(
                filters.q,
                OutgoingMessage.to_address,
                OutgoingMessage.to_name,
                OutgoingMessage.subject,
            )
        )
    return query


def failures(dialogue_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            OutgoingMessage.dialogue_id == dialogue_id, OutgoingMessage.state == Delivery.FAILED
        )
    )


def message_of(dialogue_id: int, message_id: int) -> OutgoingMessage | None:
    return db.session.scalar(
        select(OutgoingMessage).where(
            OutgoingMessage.id == message_id, OutgoingMessage.dialogue_id == dialogue_id
        )
    )
