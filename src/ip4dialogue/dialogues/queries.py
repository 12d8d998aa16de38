"""Loading dialogues: one loader for "a dialogue with its agenda" (the working copy organisers
edit), and one for what the public sees of it (its last release), each in the same fixed
number of queries at any length."""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, event, func, inspect, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    Release,
    agenda_item_recommendations,
    agenda_item_themes,
)
from ip4dialogue.dialogues.releases import (
    Entry,
    ReleasedItem,
    referenced,
    released_entries,
    released_item,
    working_entries,
)
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation, Theme

AGENDA_LOADED = "ip4dialogue.agenda_loaded"
RELEASES_READ = "ip4dialogue.releases_read"


def load_agenda(dialogue: Dialogue, *, fresh: bool = False) -> Dialogue:
    """Load a dialogue's whole agenda in four queries, however long it is, and hand each item
    its room, themes, recommendations, roles (with people) and its dialogue, so pages and
    calendar files never load lazily. (Selectin loading would split agendas of more than 500
    items into extra queries; subquery loading costs a query object per item.) `fresh` reads
    again rows this unit of work has read before, as a decision under a lock must."""
    in_dialogue = and_(AgendaItem.dialogue_id == dialogue.id, AgendaItem.removed_at.is_(None))
    items = db.session.scalars(
        select(AgendaItem)
        .where(in_dialogue)
        .order_by(AgendaItem.starts_at, AgendaItem.id)
        .options(joinedload(AgendaItem.room))
        .execution_options(populate_existing=fresh)
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
            .execution_options(populate_existing=fresh)
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
        .execution_options(populate_existing=fresh)
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


def visible_dialogue(
    slug: str, *, preview: Callable[[Dialogue], bool] | None = None
) -> Dialogue | None:
    """A dialogue the public may see (published or cancelled), without its agenda; a draft
    only to those `preview` lets see it (its team)."""
    query = select(Dialogue).where(Dialogue.slug == slug)
    if preview is None:
        query = query.where(Dialogue.status != DialogueStatus.DRAFT)
    dialogue = db.session.scalars(query.options(joinedload(Dialogue.country))).one_or_none()
    if dialogue is not None and dialogue.status == DialogueStatus.DRAFT and preview is not None:
        return dialogue if preview(dialogue) else None
    return dialogue


@dataclass
class PublicAgenda:
    """A dialogue as the public sees it: the sessions of its last release, or, for an
    organiser previewing a draft, of its working copy as the next release would hold it."""

    dialogue: Dialogue
    release: Release | None
    items: list[ReleasedItem]  # sessions removed since included, cancelled: feeds tell them

    @property
    def zone(self) -> ZoneInfo:
        """The zone its times are shown in: the release's, so that a new time zone in the
        working copy waits for the next release like any other change."""
        return shown_zone(self.dialogue, self.release)

    @property
    def sessions(self) -> list[ReleasedItem]:
        """What the programme lists."""
        return [item for item in self.items if not item.removed]

    def session(self, item_id: int) -> ReleasedItem | None:
        """A session on the programme."""
        return next((item for item in self.sessions if item.id == item_id), None)

    def item(self, item_id: int) -> ReleasedItem | None:
        """A session the release holds, removed or not: its file says it was cancelled."""
        return next((item for item in self.items if item.id == item_id), None)


def shown_zone(dialogue: Dialogue, release: Release | None) -> ZoneInfo:
    return release.zone if release is not None else dialogue.zone


def latest_release(dialogue: Dialogue) -> Release | None:
    query = (
        select(Release)
        .where(Release.dialogue_id == dialogue.id)
        .order_by(Release.number.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def releases_of(dialogue: Dialogue) -> list[Release]:
    """Every release of a dialogue, the latest first, with who released it."""
    query = (
        select(Release)
        .where(Release.dialogue_id == dialogue.id)
        .order_by(Release.number.desc())
        .options(joinedload(Release.released_by))
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class _References:
    """The themes, recommendations and people some entries name, loaded at once."""

    themes: dict[int, Theme]
    recommendations: dict[int, Recommendation]
    people: dict[int, Participant]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> "_References":
        theme_ids, recommendation_ids, person_ids = referenced(entries)
        return cls(
            _by_id(Theme, theme_ids),
            _by_id(Recommendation, recommendation_ids),
            _by_id(Participant, person_ids),
        )

    def agenda(
        self, dialogue: Dialogue, release: Release | None, entries: list[Entry]
    ) -> PublicAgenda:
        zone = shown_zone(dialogue, release)
        items = [
            released_item(dialogue, zone, entry, self.themes, self.recommendations, self.people)
            for entry in entries
        ]
        return PublicAgenda(dialogue, release, sorted(items, key=lambda i: (i.starts_at, i.id)))


def _by_id(model: type[Any], ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _resolved(dialogue: Dialogue, release: Release | None, entries: list[Entry]) -> PublicAgenda:
    """Entries with their themes, recommendations and people: three queries at most."""
    return _References.of(entries).agenda(dialogue, release, entries)


def _read(dialogue: Dialogue) -> dict[str, Any]:
    """What this transaction has read of a dialogue's releases, so that a page and the mail
    it sends read them once; forgotten when the transaction ends, since another may have
    released meanwhile."""
    memo: dict[int, dict[str, Any]] = db.session.info.setdefault(RELEASES_READ, {})
    return memo.setdefault(dialogue.id, {})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_releases_read(session: Session) -> None:
    session.info.pop(RELEASES_READ, None)


def _last_release(dialogue: Dialogue) -> Release | None:
    read = _read(dialogue)
    if "release" not in read:
        read["release"] = latest_release(dialogue)
    return read["release"]


def released_agenda(dialogue: Dialogue) -> PublicAgenda:
    """The dialogue's last release, resolved, read once per transaction."""
    read = _read(dialogue)
    if "agenda" not in read:
        release = _last_release(dialogue)
        read["agenda"] = _resolved(dialogue, release, release.entries if release else [])
    return read["agenda"]


def released_breakouts(dialogue: Dialogue) -> list[ReleasedItem]:
    """The break-outs the last release offers for sign-up, by title and times (what choosing
    needs, without people or themes), in one query."""
    release = _last_release(dialogue)
    entries = release.entries if release else []
    zone = shown_zone(dialogue, release)
    items = [released_item(dialogue, zone, entry, {}, {}, {}) for entry in entries]
    return sorted(
        (item for item in items if item.takes_signups and not item.removed),
        key=lambda item: (item.starts_at, item.id),
    )


def forget_released(dialogue: Dialogue) -> None:
    """After a new release: the next reader reads it."""
    db.session.info.get(RELEASES_READ, {}).pop(dialogue.id, None)


def working_agenda(dialogue: Dialogue, now: datetime) -> PublicAgenda:
    """The working copy as the next release would hold it: the organisers' preview."""
    release = latest_release(dialogue)
    previous = release.entries if release else []
    entries = released_entries(previous, working_entries(with_agenda(dialogue)), now)
    return _resolved(dialogue, None, entries)


def public_agenda(
    slug: str, now: datetime, *, preview: Callable[[Dialogue], bool] | None = None
) -> PublicAgenda | None:
    """What a visitor sees of a dialogue: its last release; those `preview` lets see a
    draft (its team) see its working copy."""
    dialogue = visible_dialogue(slug, preview=preview)
    if dialogue is None:
        return None
    if dialogue.status == DialogueStatus.DRAFT:
        return working_agenda(dialogue, now)
    return released_agenda(dialogue)


def published_agendas() -> list[PublicAgenda]:
    """The last release of every published dialogue, soonest first, for the report page: a
    fixed number of queries, however many dialogues."""
    last = (
        select(Release.dialogue_id, func.max(Release.number).label("number"))
        .group_by(Release.dialogue_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Dialogue, Release)
        .join(Release, Release.dialogue_id == Dialogue.id)
        .join(last, (last.c.dialogue_id == Release.dialogue_id) & (last.c.number == Release.number))
        .where(Dialogue.status == DialogueStatus.PUBLISHED)
        .order_by(Dialogue.start_date, Dialogue.id)
    ).all()
    references = _References.of(entry for _, release in rows for entry in release.entries)
    return [references.agenda(dialogue, release, release.entries) for dialogue, release in rows]


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


def dialogues_listed(ids: Collection[int] | None) -> list[tuple[Dialogue, int]]:
    """The dialogues with these ids (all of them for None), each with its number of items,
    the latest first."""
    query = (
        select(Dialogue, func.count(AgendaItem.id))
        .outerjoin(Dialogue.items)
        .group_by(Dialogue.id)
        .order_by(Dialogue.start_date.desc(), Dialogue.id.desc())
    )
    if ids is not None:
        query = query.where(Dialogue.id.in_(ids))
    return [(dialogue, count) for dialogue, count in db.session.execute(query)]


def free_slug(wanted: str) -> str:
    """`wanted`, or `wanted-2`, `-3` ... when another dialogue has it."""
    taken = set(db.session.scalars(select(Dialogue.slug).where(Dialogue.slug.startswith(wanted))))
    return next(
        candidate
        for candidate in (wanted, *(f"{wanted}-{n}" for n in range(2, len(taken) + 3)))
        if candidate not in taken
    )


def editions_until(dialogue: Dialogue) -> list[Dialogue]:
    """The editions of the dialogue's series up to it (itself alone outside a series), the
    oldest first, each with its whole agenda."""
    if dialogue.series_id is None:
        return [dialogue]
    editions = db.session.scalars(
        select(Dialogue)
        .where(Dialogue.series_id == dialogue.series_id, Dialogue.start_date <= dialogue.start_date)
        .order_by(Dialogue.start_date, Dialogue.id)
    )
    return [load_agenda(edition) for edition in editions]
