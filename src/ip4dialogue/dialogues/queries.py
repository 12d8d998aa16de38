"""Loading dialogues: one loader for "a dialogue with its agenda", which every page, feed and
mail that shows an agenda uses, in the same fixed number of queries at any length."""

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    agenda_item_recommendations,
    agenda_item_themes,
)
from ip4dialogue.extensions import db
from ip4dialogue.report.models import Recommendation, Theme

AGENDA_LOADED = "ip4dialogue.agenda_loaded"


def load_agenda(dialogue: Dialogue) -> Dialogue:
    """Load a dialogue's whole agenda in four queries, however long it is, and hand each item
    its room, themes, recommendations, roles (with people) and its dialogue, so pages and
    calendar files never load lazily. (Selectin loading would split agendas of more than 500
    items into extra queries; subquery loading costs a query object per item.)"""
    in_dialogue = AgendaItem.dialogue_id == dialogue.id
    items = db.session.scalars(
        select(AgendaItem)
        .where(in_dialogue)
        .order_by(AgendaItem.starts_at, AgendaItem.id)
        .options(joinedload(AgendaItem.room))
    ).all()
    linked: dict[str, dict[int, list[Any]]] = {}
    for name, table, model, column, order in (
        ("themes", agenda_item_themes, Theme, "theme_id", Theme.position),
        (
            "recommendations",
            agenda_item_recommendations,
            Recommendation,
            "recommendation_id",
            Recommendation.number,
        ),
    ):
        rows = db.session.execute(
            select(table.c.item_id, model)
            .join(model, model.id == table.c[column])
            .join(AgendaItem, AgendaItem.id == table.c.item_id)
            .where(in_dialogue)
            .order_by(order)
        )
        linked[name] = defaultdict(list)
        for item_id, target in rows:
            linked[name][item_id].append(target)
    roles = db.session.scalars(
        select(AgendaRole)
        .join(AgendaRole.item)
        .where(in_dialogue)
        .order_by(AgendaRole.id)
        .options(joinedload(AgendaRole.participant))
    ).all()
    linked["roles"] = defaultdict(list)
    for role in roles:
        linked["roles"][role.item_id].append(role)
    for item in items:
        set_committed_value(item, "dialogue", dialogue)
        for name, by_item in linked.items():
            set_committed_value(item, name, by_item.get(item.id, []))
    set_committed_value(dialogue, "items", list(items))
    inspect(dialogue).info[AGENDA_LOADED] = True
    return dialogue


def with_agenda(dialogue: Dialogue) -> Dialogue:
    """The dialogue with its whole agenda loaded as load_agenda loads it, unless it is: items
    loaded some other way (lazily, without their roles or themes) do not count."""
    state = inspect(dialogue)
    if not state.info.get(AGENDA_LOADED) or "items" in state.unloaded:
        load_agenda(dialogue)
    return dialogue


def visible_dialogue(slug: str, *, include_drafts: bool = False) -> Dialogue | None:
    """A dialogue the public may see (published or cancelled), without its agenda; organisers
    may also preview drafts."""
    query = select(Dialogue).where(Dialogue.slug == slug)
    if not include_drafts:
        query = query.where(Dialogue.status != DialogueStatus.DRAFT)
    return db.session.scalars(query.options(joinedload(Dialogue.country))).one_or_none()


def public_dialogue(slug: str, *, include_drafts: bool = False) -> Dialogue | None:
    """A dialogue the public may see, with its agenda."""
    dialogue = visible_dialogue(slug, include_drafts=include_drafts)
    return load_agenda(dialogue) if dialogue else None


def dialogue_for_organiser(dialogue_id: int) -> Dialogue | None:
    """A dialogue with its rooms and whole agenda, for organisers' pages."""
    query = (
        select(Dialogue)
        .where(Dialogue.id == dialogue_id)
        .options(joinedload(Dialogue.country), selectinload(Dialogue.rooms))
    )
    dialogue = db.session.scalars(query).one_or_none()
    return load_agenda(dialogue) if dialogue else None


def upcoming_dialogues(today: date) -> list[Dialogue]:
    """Published dialogues that have not ended yet, soonest first."""
    query = (
        select(Dialogue)
        .where(Dialogue.status == DialogueStatus.PUBLISHED, Dialogue.end_date >= today)
        .order_by(Dialogue.start_date, Dialogue.title)
        .options(selectinload(Dialogue.country))
    )
    return list(db.session.scalars(query))


def all_dialogues() -> list[tuple[Dialogue, int]]:
    """Every dialogue with its number of items, the latest first."""
    query = (
        select(Dialogue, func.count(AgendaItem.id))
        .outerjoin(Dialogue.items)
        .group_by(Dialogue.id)
        .order_by(Dialogue.start_date.desc(), Dialogue.id.desc())
    )
    return [(dialogue, count) for dialogue, count in db.session.execute(query)]
