"""The public programme as pages show it: a release's sessions by local day, with the
reader's zone.

`programme_context` is the one builder of the programme page's context, so the page and its
benchmark floor render exactly the same thing.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import Dialogue, ItemKind
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.i18n import translated
from ip4dialogue.templating import long_date
from ip4dialogue.timezones import IP4_CAPITALS, NATO_CAPITALS, city_name

# The capitals the "show times in" picker suggests (the IP4's and NATO's, a few hundred
# bytes); any other city or IANA zone can be typed.
READER_CAPITALS = IP4_CAPITALS + NATO_CAPITALS


def recommendations_taken_up(item: ReleasedItem) -> tuple[str, list[tuple[int, str]]]:
    """The recommendations a session takes up, numbered, in the language being written, under
    a heading that says when they are read in our unofficial translation rather than in the
    report's verbatim English: what calendar and schedule files say of them."""
    recommendations = item.recommendations
    texts = [translated(recommendation, "text") for recommendation in recommendations]
    if texts != [recommendation.text for recommendation in recommendations]:
        heading = _("Recommendations taken up (unofficial translation):")
    else:
        heading = _("Recommendations taken up:")
    return heading, [(rec.number, text) for rec, text in zip(recommendations, texts, strict=True)]


@dataclass
class ProgrammeDay:
    day: date
    items: list[ReleasedItem] = field(default_factory=list)


def days_of(items: Iterable[ReleasedItem], zone: ZoneInfo) -> list[ProgrammeDay]:
    """`items` (in start order) grouped by the date in `zone` on which each starts."""
    days: dict[date, ProgrammeDay] = {}
    for item in items:
        day = item.starts_at.astimezone(zone).date()
        days.setdefault(day, ProgrammeDay(day)).items.append(item)
    return list(days.values())


SELECTION_ARGUMENTS = ("day", "kind", "theme", "recommendation")


@dataclass(frozen=True)
class Selection:
    """What a reader narrowed the programme to, with ?day=, ?kind=, ?theme= (an id) and
    ?recommendation= (its number): links to it can be shared, and it needs no script."""

    day: date | None = None
    kind: ItemKind | None = None
    theme: int | None = None
    recommendation: int | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, name) is not None for name in SELECTION_ARGUMENTS)

    @property
    def arguments(self) -> dict[str, str]:
        """The selection as its query arguments, as the form's selects hold them."""
        return {
            "day": self.day.isoformat() if self.day else "",
            "kind": self.kind.value if self.kind else "",
            "theme": str(self.theme or ""),
            "recommendation": str(self.recommendation or ""),
        }

    def keeps(self, item: ReleasedItem) -> bool:
        return (
            (self.day is None or item.starts_at.astimezone(item.zone).date() == self.day)
            and (self.kind is None or item.kind == self.kind)
            and (self.theme is None or any(theme.id == self.theme for theme in item.themes))
            and (
                self.recommendation is None
                or any(rec.number == self.recommendation for rec in item.recommendations)
            )
        )


@dataclass(frozen=True)
class SelectionChoices:
    """What a programme's sessions can be narrowed to: only what some session has."""

    days: list[date]
    kinds: list[ItemKind]
    themes: list[tuple[int, str]]
    recommendations: list[tuple[int, str]]

    @property
    def options(self) -> dict[str, list[tuple[str, str]]]:
        """For each query argument, its values and their labels, as a select offers them, in
        the language being written."""
        return {
            "day": [(day.isoformat(), long_date(day)) for day in self.days],
            "kind": [(kind.value, label(kind)) for kind in self.kinds],
            "theme": [(str(theme), title) for theme, title in self.themes],
            "recommendation": [
                (str(number), _("R%(number)s %(title)s", number=number, title=title))
                for number, title in self.recommendations
            ],
        }


def selection_choices(agenda: PublicAgenda) -> SelectionChoices:
    """What the sessions can be narrowed to, titles in the language being written."""
    sessions = agenda.sessions
    themes = {theme.id: translated(theme, "title") for item in sessions for theme in item.themes}
    recommendations = {
        rec.number: translated(rec, "short_title")
        for item in sessions
        for rec in item.recommendations
    }
    return SelectionChoices(
        days=[day.day for day in days_of(sessions, agenda.zone)],
        kinds=[kind for kind in ItemKind if any(item.kind == kind for item in sessions)],
        themes=sorted(themes.items(), key=lambda pair: pair[1]),
        recommendations=sorted(recommendations.items()),
    )


def selection_from(arguments: Mapping[str, str], choices: SelectionChoices) -> Selection:
    """The reader's selection, each part kept only when it is one of the `choices`: a
    mistyped or stale link shows more, never an error."""

    def chosen(name: str, offered: Iterable[Any], parse: Callable[[str], Any]) -> Any:
        try:
            value = parse(arguments.get(name, "").strip())
        except ValueError:
            return None
        return value if value in offered else None

    return Selection(
        day=chosen("day", choices.days, date.fromisoformat),
        kind=chosen("kind", choices.kinds, ItemKind),
        theme=chosen("theme", [id_ for id_, _ in choices.themes], int),
        recommendation=chosen("recommendation", [n for n, _ in choices.recommendations], int),
    )


def dialogue_days(dialogue: Dialogue) -> list[date]:
    return [
        dialogue.start_date + timedelta(days=offset)
        for offset in range((dialogue.end_date - dialogue.start_date).days + 1)
    ]


def programme_context(
    agenda: PublicAgenda,
    reader_zone: ZoneInfo | None,
    zone_notice: str | None,
    arguments: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the programme template needs, from what the public sees of a dialogue
    and the reader's selection among its sessions (from the query `arguments`)."""
    choices = selection_choices(agenda)
    selection = selection_from(arguments or {}, choices)
    shown = [item for item in agenda.sessions if selection.keeps(item)]
    return {
        "dialogue": agenda.dialogue,
        "zone": agenda.zone,
        "release": agenda.release,
        "days": days_of(shown, agenda.zone),
        "reader_zone": reader_zone,
        "zone_notice": zone_notice,
        "capitals": [(city_name(city, zone), zone) for city, zone in READER_CAPITALS],
        "selection": selection,
        "choices": choices,
        "shown": len(shown),
        "total": len(agenda.sessions),
    }


def programme_table(agenda: PublicAgenda) -> list[list[object]]:
    """The programme as a spreadsheet reads it (venue staff, AV teams), heading first, in the
    reader's language: local and UTC times, and only the people the public page names."""
    table: list[list[object]] = [
        [
            _("Day"),
            _("Starts (%(zone)s)", zone=agenda.zone.key),
            _("Ends (%(zone)s)", zone=agenda.zone.key),
            _("Starts (UTC)"),
            _("Ends (UTC)"),
            _("Kind"),
            _("Session"),
            _("Room"),
            _("Status"),
            _("Themes"),
            _("Recommendations"),
            _("People"),
        ]
    ]
    for item in agenda.sessions:
        starts, ends = item.starts_at.astimezone(agenda.zone), item.ends_at.astimezone(agenda.zone)
        table.append(
            [
                starts.date().isoformat(),
                f"{starts:%H:%M}",
                f"{ends:%H:%M}" if ends.date() == starts.date() else f"{ends:%Y-%m-%d %H:%M}",
                f"{item.starts_at.astimezone(UTC):%Y-%m-%d %H:%M}",
                f"{item.ends_at.astimezone(UTC):%Y-%m-%d %H:%M}",
                label(item.kind),
                translated(item, "title"),
                item.room.name if item.room else "",
                label(item.status),
                "; ".join(translated(theme, "title") for theme in item.themes),
                "; ".join(
                    f"R{rec.number} {translated(rec, 'short_title')}"
                    for rec in item.recommendations
                ),
                "; ".join(
                    f"{role.participant.name} ({label(role.role)})" for role in item.public_roles
                ),
            ]
        )
    return table
