"""Load the reference data and sample dialogues in `seed/` into the database.

Every file is read and checked before anything is written, and all of it is written in one
unit of work (the command's), so a mistake in any file leaves the database as it was.
Reference data (report, themes, recommendations, countries, institutions) is brought in line
with the files, the Japanese and Korean renderings of themes and recommendations included; a
dialogue is created when missing and otherwise left alone, so organisers' edits (their own
translations among them) survive a re-seed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import yaml
from sqlalchemy import select

from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueFormat,
    DialogueStatus,
    ItemKind,
    RegistrationMode,
    Role,
    Room,
)
from ip4dialogue.dialogues.services import publish
from ip4dialogue.extensions import db
from ip4dialogue.i18n import DEFAULT, LANGUAGES
from ip4dialogue.institutions.models import MAX_SLUG, SLUG, Institution
from ip4dialogue.people.models import Participant, Sector
from ip4dialogue.report.models import Recommendation, Report, Series, Theme
from ip4dialogue.timezones import NonexistentLocalTime, to_instant

# The languages a seed file may give translations in: English is the original.
TRANSLATED = tuple(language for language in LANGUAGES if language != DEFAULT)


class SeedError(click.ClickException):
    """A problem in a seed file, reported with the file name and line."""


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers its lines, and those of its values, for error messages."""

    line: int = 0
    value_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return getattr(self, "value_lines", {}).get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.value_lines = {
        loader.construct_object(key_node): value_node.start_mark.line + 1
        for key_node, value_node in node.value
    }
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class _File:
    path: Path
    name: str

    def error(self, node: _Mapping, message: str, key: Any = None) -> SeedError:
        return SeedError(f"{self.name}, line {node.line_of(key)}: {message}")

    def load(self) -> _Mapping:
        try:
            data = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f", line {mark.line + 1}" if mark else ""
            raise SeedError(f"{self.name}{where}: {error.problem or error}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise SeedError(f"{self.name}: cannot read it ({error})") from None
        if not isinstance(data, _Mapping):
            raise SeedError(f"{self.name}: expected a mapping at the top level")
        return data

    def value(self, node: _Mapping, key: str, kind: Any, *, default: Any = ...) -> Any:
        """`node[key]` checked against `kind`; missing keys fall back to `default` if given."""
        if key not in node or node[key] is None:
            if default is ...:
                raise self.error(node, f"'{key}' is required", key)
            return default
        value = node[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = (
                " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
            )
            raise self.error(node, f"'{key}' should be {expected}, not {value!r}", key)
        return value

    def choice(self, node: _Mapping, key: str, enum_class: Any, *, default: Any = ...) -> Any:
        raw = self.value(node, key, str, default=default)
        return default if raw is default else self.member(node, key, raw, enum_class, f"'{key}'")

    def member(self, node: _Mapping, key: Any, raw: Any, enum_class: Any, what: str) -> Any:
        try:
            return enum_class(raw)
        except ValueError:
            allowed = ", ".join(member.value for member in enum_class)
            raise self.error(node, f"{what} must be one of {allowed}, not {raw!r}", key) from None

    def clock(self, node: _Mapping, key: str) -> time:
        raw = self.value(node, key, str)
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise self.error(
                node, f"'{key}' should be a time like 09:30, not {raw!r}", key
            ) from None

    def local_instant(self, node: _Mapping, key: str, zone: ZoneInfo) -> datetime | None:
        """A local date and time such as 2027-02-01T09:00, read in the dialogue's zone."""
        raw = self.value(node, key, (str, datetime), default=None)
        if raw is None:
            return None
        try:
            local = raw if isinstance(raw, datetime) else datetime.fromisoformat(raw)
        except ValueError:
            message = f"'{key}' should be a date and time like 2027-02-01T09:00, not {raw!r}"
            raise self.error(node, message, key) from None
        if local.tzinfo is not None:
            raise self.error(node, f"'{key}' is local to the dialogue's zone; give no offset", key)
        return self.instant(node, key, local.date(), local.time(), zone)

    def instant(self, node: _Mapping, key: str, day: date, clock: time, zone: ZoneInfo) -> datetime:
        try:
            return to_instant(day, clock, zone)
        except NonexistentLocalTime as error:
            raise self.error(node, str(error), key) from None

    def translations(self, node: _Mapping, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """`node`'s `translations`, e.g. {"ja": {"title": "..."}}: for the languages the site
        speaks besides English, some of `fields`, each as text."""
        given = self.value(node, "translations", _Mapping, default=_Mapping())
        translations = {}
        for language, renderings in given.items():
            if language not in TRANSLATED:
                expected = ", ".join(TRANSLATED)
                message = f"translations are for {expected}, not {language!r}"
                raise self.error(given, message, language)
            if not isinstance(renderings, _Mapping):
                raise self.error(given, f"the {language} translation should be a mapping", language)
            for name, text in renderings.items():
                if name not in fields:
                    message = f"a translation gives {', '.join(fields)}, not {name!r}"
                    raise self.error(renderings, message, name)
                if not isinstance(text, str) or not text.strip():
                    raise self.error(renderings, f"the {language} {name} should be text", name)
            translations[language] = dict(renderings)
        return translations

    def mappings(self, node: _Mapping, key: str) -> list[_Mapping]:
        entries = self.value(node, key, list, default=[])
        for entry in entries:
            if not isinstance(entry, _Mapping):
                raise self.error(node, f"each entry of '{key}' should be a mapping")
        return entries


# Parsed, validated content, independent of the database.


@dataclass
class ThemeSpec:
    slug: str
    title: str
    summary: str
    translations: dict[str, dict[str, str]]


@dataclass
class RecommendationSpec:
    number: int
    short_title: str
    text: str
    themes: list[str]
    translations: dict[str, dict[str, str]]


@dataclass
class ReportSpec:
    series: dict[str, Any]
    fields: dict[str, Any]
    themes: list[ThemeSpec]
    recommendations: list[RecommendationSpec]


@dataclass
class PersonSpec:
    node: _Mapping
    key: str
    fields: dict[str, Any]


@dataclass
class ItemSpec:
    node: _Mapping
    fields: dict[str, Any]
    room: str | None
    themes: list[str]
    recommendations: list[int]
    roles: dict[str, Role]


@dataclass
class DialogueSpec:
    source: _File
    node: _Mapping
    fields: dict[str, Any]
    conveners: list[str]
    rooms: list[dict[str, Any]]
    people: list[PersonSpec]
    items: list[ItemSpec] = field(default_factory=list)


@dataclass
class Seed:
    report: ReportSpec
    countries: dict[str, tuple[str, CountryGroup]]
    institutions: dict[str, str]
    dialogues: list[DialogueSpec]


def _unique(file: _File, nodes: list[_Mapping], key: str, values: list[Any], what: str) -> None:
    for value, count in Counter(values).items():
        if count > 1:
            node = next(node for node in nodes if node.get(key) == value)
            raise file.error(node, f"{what} {value!r} appears more than once", key)


def _read_report(file: _File) -> ReportSpec:
    data = file.load()
    series = file.value(data, "series", _Mapping)
    series_fields = {key: file.value(series, key, str) for key in ("slug", "title")}
    series_fields["translations"] = file.translations(series, ("title",))
    report = file.value(data, "report", _Mapping)
    fields = {
        key: file.value(report, key, str)
        for key in ("slug", "title", "author", "publishers", "url", "summary")
    }
    fields["year"] = file.value(report, "year", int)
    fields["translations"] = file.translations(report, ("summary",))
    theme_nodes = file.mappings(data, "themes")
    themes = [
        ThemeSpec(
            *(file.value(node, key, str) for key in ("slug", "title", "summary")),
            translations=file.translations(node, ("title", "summary")),
        )
        for node in theme_nodes
    ]
    _unique(file, theme_nodes, "slug", [theme.slug for theme in themes], "theme")
    known_themes = {theme.slug for theme in themes}
    recommendation_nodes = file.mappings(data, "recommendations")
    recommendations = []
    for node in recommendation_nodes:
        slugs = file.value(node, "themes", list, default=[])
        if unknown := [slug for slug in slugs if slug not in known_themes]:
            raise file.error(node, f"unknown theme(s): {', '.join(map(str, unknown))}", "themes")
        recommendations.append(
            RecommendationSpec(
                number=file.value(node, "number", int),
                short_title=file.value(node, "short_title", str),
                text=file.value(node, "text", str),
                themes=slugs,
                translations=file.translations(node, ("short_title", "text")),
            )
        )
    _unique(
        file,
        recommendation_nodes,
        "number",
        [recommendation.number for recommendation in recommendations],
        "recommendation number",
    )
    return ReportSpec(series_fields, fields, themes, recommendations)


def _read_countries(file: _File) -> dict[str, tuple[str, CountryGroup]]:
    data = file.load()
    countries: dict[str, tuple[str, CountryGroup]] = {}
    for group in CountryGroup:
        members = file.value(data, group.value, _Mapping)
        for code, name in members.items():
            if not (isinstance(code, str) and len(code) == 2 and code.isalpha() and code.isupper()):
                raise file.error(members, f"{code!r} is not an ISO 3166-1 alpha-2 code", code)
            if not isinstance(name, str):
                raise file.error(members, f"the name of {code} should be text", code)
            if code in countries:
                raise file.error(members, f"{code} is listed in more than one group", code)
            countries[code] = (name, group)
    return countries


def _read_institutions(file: _File) -> dict[str, str]:
    """Names by slug."""
    nodes = file.mappings(file.load(), "institutions")
    institutions: dict[str, str] = {}
    for node in nodes:
        slug = file.value(node, "slug", str)
        if not SLUG.match(slug) or len(slug) > MAX_SLUG:
            message = f"{slug!r} is not a short name of lower-case letters, digits and hyphens"
            raise file.error(node, message, "slug")
        institutions[slug] = file.value(node, "name", str)
    _unique(file, nodes, "slug", [node["slug"] for node in nodes], "institution")
    _unique(file, nodes, "name", [node["name"] for node in nodes], "institution name")
    return institutions


def _zone(file: _File, node: _Mapping) -> ZoneInfo:
    name = file.value(node, "timezone", str)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise file.error(node, f"{name!r} is not an IANA time zone", "timezone") from None


def _read_item(
    file: _File, node: _Mapping, zone: ZoneInfo, rooms: set[str], people: set[str]
) -> ItemSpec:
    day = file.value(node, "day", date)
    starts_at = file.instant(node, "start", day, file.clock(node, "start"), zone)
    ends_at = file.instant(node, "end", day, file.clock(node, "end"), zone)
    if ends_at <= starts_at:
        raise file.error(node, "the item ends before it starts", "end")
    room = file.value(node, "room", str, default=None)
    if room is not None and room not in rooms:
        raise file.error(node, f"unknown room {room!r}", "room")
    roles: dict[str, Role] = {}
    for key, role in file.value(node, "roles", _Mapping, default=_Mapping()).items():
        if key not in people:
            raise file.error(node, f"unknown person {key!r} in roles", "roles")
        roles[key] = file.member(node, "roles", role, Role, f"the role of {key!r}")
    return ItemSpec(
        node=node,
        fields={
            "kind": file.choice(node, "kind", ItemKind),
            "title": file.value(node, "title", str),
            "description": file.value(node, "description", str, default=""),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": file.value(node, "capacity", int, default=None),
            "signup_required": file.value(node, "signup", bool, default=False),
            "translations": file.translations(node, ("title", "description")),
        },
        room=room,
        themes=file.value(node, "themes", list, default=[]),
        recommendations=file.value(node, "recommendations", list, default=[]),
        roles=roles,
    )


def _read_dialogue(file: _File) -> DialogueSpec:
    data = file.load()
    zone = _zone(file, data)
    fields: dict[str, Any] = {
        key: file.value(data, key, str) for key in ("slug", "title", "venue", "city")
    }
    fields |= {
        "timezone": zone.key,
        "summary": file.value(data, "summary", str, default=""),
        "contact_email": file.value(data, "contact_email", str, default=""),
        "edition": file.value(data, "edition", int, default=None),
        "start_date": file.value(data, "start_date", date),
        "end_date": file.value(data, "end_date", date),
        "country_code": file.value(data, "country", str, default=None),
        "format": file.choice(data, "format", DialogueFormat),
        "chatham_house": file.value(data, "chatham_house", bool),
        "registration_mode": file.choice(data, "registration_mode", RegistrationMode),
        "capacity": file.value(data, "capacity", int, default=None),
        "registration_opens_at": file.local_instant(data, "registration_opens", zone),
        "registration_closes_at": file.local_instant(data, "registration_closes", zone),
        "status": file.choice(data, "status", DialogueStatus),
        "translations": file.translations(data, ("title", "summary")),
    }
    if fields["end_date"] < fields["start_date"]:
        raise file.error(data, "end_date is before start_date", "end_date")
    room_nodes = file.mappings(data, "rooms")
    rooms = [
        {
            "name": file.value(node, "name", str),
            "capacity": file.value(node, "capacity", int, default=None),
            "join_url": file.value(node, "join_url", str, default=None),
            "position": position,
        }
        for position, node in enumerate(room_nodes)
    ]
    _unique(file, room_nodes, "name", [room["name"] for room in rooms], "room")
    person_nodes = file.mappings(data, "people")
    people = [_read_person(file, node) for node in person_nodes]
    _unique(file, person_nodes, "key", [person.key for person in people], "person key")
    room_names = {room["name"] for room in rooms}
    person_keys = {person.key for person in people}
    items = []
    for node in file.mappings(data, "items"):
        item = _read_item(file, node, zone, room_names, person_keys)
        if (
            not fields["start_date"]
            <= item.fields["starts_at"].astimezone(zone).date()
            <= fields["end_date"]
        ):
            raise file.error(node, "the item falls outside the dialogue's dates", "day")
        items.append(item)
    conveners = file.value(data, "conveners", list, default=[])
    return DialogueSpec(file, data, fields, conveners, rooms, people, items)


def _read_person(file: _File, node: _Mapping) -> PersonSpec:
    return PersonSpec(
        node=node,
        key=file.value(node, "key", str),
        fields={
            "name": file.value(node, "name", str),
            "email": file.value(node, "email", str).strip().lower(),
            "affiliation": file.value(node, "affiliation", str, default=""),
            "position": file.value(node, "position", str, default=""),
            "country_code": file.value(node, "country", str, default=None),
            "sector": file.choice(node, "sector", Sector, default=None),
            "consent_to_be_listed": file.value(node, "listed", bool, default=False),
        },
    )


def read_seed(folder: Path) -> Seed:
    """Parse and check every seed file, raising SeedError at the first problem."""

    def seed_file(path: Path) -> _File:
        return _File(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")

    seed = Seed(
        report=_read_report(seed_file(folder / "report.yaml")),
        countries=_read_countries(seed_file(folder / "countries.yaml")),
        institutions=_read_institutions(seed_file(folder / "institutions.yaml")),
        dialogues=[
            _read_dialogue(seed_file(path))
            for path in sorted((folder / "dialogues").glob("*.yaml"))
        ],
    )
    for dialogue in seed.dialogues:
        _check_references(seed, dialogue)
    return seed


def _check_references(seed: Seed, dialogue: DialogueSpec) -> None:
    """What a dialogue file names elsewhere (countries, themes, recommendations) must exist."""
    file = dialogue.source
    for node, code in [(dialogue.node, dialogue.fields["country_code"])] + [
        (person.node, person.fields["country_code"]) for person in dialogue.people
    ]:
        if code is not None and code not in seed.countries:
            raise file.error(node, f"unknown country code {code!r}", "country")
    if unknown := [slug for slug in dialogue.conveners if slug not in seed.institutions]:
        message = f"unknown institution(s) in conveners: {', '.join(map(str, unknown))}"
        raise file.error(dialogue.node, message, "conveners")
    themes = {theme.slug for theme in seed.report.themes}
    numbers = {recommendation.number for recommendation in seed.report.recommendations}
    for item in dialogue.items:
        if unknown := [slug for slug in item.themes if slug not in themes]:
            raise file.error(
                item.node, f"unknown theme(s): {', '.join(map(str, unknown))}", "themes"
            )
        if unknown := [number for number in item.recommendations if number not in numbers]:
            raise file.error(
                item.node,
                f"unknown recommendation(s): {', '.join(map(str, unknown))}",
                "recommendations",
            )


# Writing to the database.


def _sync(instance: Any, fields: dict[str, Any]) -> bool:
    """Set the fields that differ; True when anything changed. Collections compare unordered."""
    changed = False
    for name, value in fields.items():
        current = getattr(instance, name)
        if (set(current) != set(value)) if isinstance(value, list) else (current != value):
            setattr(instance, name, value)
            changed = True
    return changed


def _upsert(
    changes: Counter[str], what: str, instance: Any | None, factory: Any, fields: dict[str, Any]
) -> Any:
    if instance is None:
        instance = factory(**fields)
        db.session.add(instance)
        changes[f"{what} created"] += 1
    elif _sync(instance, fields):
        changes[f"{what} updated"] += 1
    return instance


def _apply_report(spec: ReportSpec, changes: Counter[str]) -> Report:
    series = db.session.scalars(select(Series).filter_by(slug=spec.series["slug"])).one_or_none()
    series = _upsert(changes, "series", series, Series, spec.series)
    report = db.session.scalars(select(Report).filter_by(slug=spec.fields["slug"])).one_or_none()
    report = _upsert(changes, "report", report, Report, spec.fields | {"series": series})
    themes = {theme.slug: theme for theme in report.themes}
    for position, theme_spec in enumerate(spec.themes):
        fields = {
            "title": theme_spec.title,
            "summary": theme_spec.summary,
            "position": position,
            "translations": theme_spec.translations,
        }
        theme = themes.get(theme_spec.slug)
        if theme is None:
            theme = themes[theme_spec.slug] = Theme(slug=theme_spec.slug, **fields)
            report.themes.append(theme)
            changes["theme created"] += 1
        elif _sync(theme, fields):
            changes["theme updated"] += 1
    recommendations = {
        recommendation.number: recommendation for recommendation in report.recommendations
    }
    for recommendation_spec in spec.recommendations:
        fields = {
            "short_title": recommendation_spec.short_title,
            "text": recommendation_spec.text,
            "themes": [themes[slug] for slug in recommendation_spec.themes],
            "translations": recommendation_spec.translations,
        }
        recommendation = recommendations.get(recommendation_spec.number)
        if recommendation is None:
            report.recommendations.append(
                Recommendation(number=recommendation_spec.number, **fields)
            )
            changes["recommendation created"] += 1
        elif _sync(recommendation, fields):
            changes["recommendation updated"] += 1
    return report


def _apply_countries(countries: dict[str, tuple[str, CountryGroup]], changes: Counter[str]) -> None:
    existing = {country.code: country for country in db.session.scalars(select(Country))}
    for code, (name, group) in countries.items():
        _upsert(
            changes,
            "country",
            existing.get(code),
            Country,
            {"code": code, "name": name, "group": group},
        )


def _apply_institutions(names: dict[str, str], changes: Counter[str]) -> dict[str, Institution]:
    existing = {
        institution.slug: institution for institution in db.session.scalars(select(Institution))
    }
    return {
        slug: _upsert(
            changes, "institution", existing.get(slug), Institution, {"slug": slug, "name": name}
        )
        for slug, name in names.items()
    }


def _participant(spec: PersonSpec, changes: Counter[str]) -> Participant:
    """The person with this email, created when new; existing people keep their own details."""
    participant = db.session.scalars(
        select(Participant).filter_by(email=spec.fields["email"])
    ).one_or_none()
    if participant is None:
        participant = Participant(**spec.fields)
        db.session.add(participant)
        changes["participant created"] += 1
    return participant


def _apply_dialogue(
    spec: DialogueSpec,
    report: Report,
    institutions: dict[str, Institution],
    changes: Counter[str],
) -> None:
    if db.session.scalars(select(Dialogue.id).filter_by(slug=spec.fields["slug"])).first():
        return
    status = spec.fields["status"]
    dialogue = Dialogue(
        **spec.fields | {"status": DialogueStatus.DRAFT, "series": report.series},
        rooms=[Room(**room) for room in spec.rooms],
    )
    dialogue.institutions = [institutions[slug] for slug in spec.conveners]
    rooms = {room.name: room for room in dialogue.rooms}
    themes = {theme.slug: theme for theme in report.themes}
    recommendations = {
        recommendation.number: recommendation for recommendation in report.recommendations
    }
    people = {person.key: _participant(person, changes) for person in spec.people}
    for item_spec in spec.items:
        dialogue.items.append(
            AgendaItem(
                **item_spec.fields,
                room=rooms.get(item_spec.room) if item_spec.room else None,
                themes=[themes[slug] for slug in item_spec.themes],
                recommendations=[recommendations[number] for number in item_spec.recommendations],
                roles=[
                    AgendaRole(participant=people[key], role=role)
                    for key, role in item_spec.roles.items()
                ],
            )
        )
    db.session.add(dialogue)
    db.session.flush()
    changes["dialogue created"] += 1
    if status == DialogueStatus.PUBLISHED:  # as an organiser would: its first release
        publish(dialogue, None, "", utcnow())
        changes["release published"] += 1


def apply_seed(seed: Seed) -> Counter[str]:
    """Write a checked seed into the current session; the caller commits. Returns what changed."""
    changes: Counter[str] = Counter()
    _apply_countries(seed.countries, changes)
    report = _apply_report(seed.report, changes)
    institutions = _apply_institutions(seed.institutions, changes)
    for dialogue in seed.dialogues:
        _apply_dialogue(dialogue, report, institutions, changes)
    return changes


def load_seed(folder: Path) -> Counter[str]:
    """Read and check the whole seed, then write it into the current unit of work."""
    changes = apply_seed(read_seed(folder))
    db.session.flush()
    return changes
