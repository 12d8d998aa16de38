"""What the API answers, as pydantic models: the views serialise through them, and the OpenAPI
document is generated from them, so the two cannot drift apart. The builders (`*_of`) are
pure functions: loaded objects in, models out; people appear only as the public pages name
them (`ReleasedItem.public_roles`)."""

from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from ip4dialogue.api.pagination import MAX_PER_PAGE, Page
from ip4dialogue.dialogues.models import (
    Dialogue,
    DialogueFormat,
    DialogueStatus,
    ItemKind,
    ItemStatus,
    RegistrationMode,
    Release,
    Role,
)
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.people.models import Sector
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.report.models import Recommendation, Report, Series, Theme

T = TypeVar("T")
Translations = dict[str, dict[str, str]]
TRANSLATIONS = Field(
    description="Text given in other languages, by language code and field, e.g. "
    '{"ja": {"title": "..."}}; a field missing there is as in English.'
)


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Error(Schema):
    """Every refusal: the status, a code a script can test, and a sentence a person reads.
    It never carries data."""

    status: int
    error: str = Field(examples=["not_found", "invalid_token", "bad_parameter"])
    message: str
    parameter: str | None = Field(None, description="The query parameter at fault, if one is.")


class Pagination(Schema):
    page: int
    per_page: int = Field(description=f"Items a page, at most {MAX_PER_PAGE}.")
    per_page_requested: int
    clamped: bool = Field(description="Whether `per_page` was lowered to the maximum.")
    max_per_page: int
    total: int
    pages: int


class Listing(Schema, Generic[T]):
    data: list[T]
    pagination: Pagination


def pagination_of(page: Page[object]) -> Pagination:
    request = page.request
    return Pagination(
        page=request.page,
        per_page=request.per_page,
        per_page_requested=request.requested,
        clamped=request.requested != request.per_page,
        max_per_page=MAX_PER_PAGE,
        total=page.total,
        pages=page.pages,
    )


# The report


class ThemeRef(Schema):
    id: int
    slug: str
    title: str
    translations: Translations = TRANSLATIONS


class RecommendationRef(Schema):
    id: int
    number: int
    short_title: str
    translations: Translations = TRANSLATIONS


class ThemeOut(ThemeRef):
    summary: str
    recommendations: list[int] = Field(description="Numbers of the recommendations on it.")


class RecommendationOut(RecommendationRef):
    text: str
    themes: list[str] = Field(description="Slugs of its themes.")
    sessions: int = Field(description="Sessions of published dialogues taking it up.")


class ReportOut(Schema):
    slug: str
    title: str
    author: str
    publishers: str
    year: int
    url: str
    summary: str
    translations: Translations = TRANSLATIONS
    themes: list[ThemeOut]
    recommendations: list[RecommendationOut]


def theme_ref(theme: Theme) -> ThemeRef:
    return ThemeRef(
        id=theme.id, slug=theme.slug, title=theme.title, translations=theme.translations
    )


def recommendation_ref(recommendation: Recommendation) -> RecommendationRef:
    return RecommendationRef(
        id=recommendation.id,
        number=recommendation.number,
        short_title=recommendation.short_title,
        translations=recommendation.translations,
    )


def report_of(report: Report, sessions_by_recommendation: dict[int, int]) -> ReportOut:
    return ReportOut(
        slug=report.slug,
        title=report.title,
        author=report.author,
        publishers=report.publishers,
        year=report.year,
        url=report.url,
        summary=report.summary,
        translations=report.translations,
        themes=[
            ThemeOut(
                **theme_ref(theme).model_dump(),
                summary=theme.summary,
                recommendations=[r.number for r in theme.recommendations],
            )
            for theme in report.themes
        ],
        recommendations=[
            RecommendationOut(
                **recommendation_ref(recommendation).model_dump(),
                text=recommendation.text,
                themes=[theme.slug for theme in recommendation.themes],
                sessions=sessions_by_recommendation.get(recommendation.id, 0),
            )
            for recommendation in report.recommendations
        ],
    )


# Dialogues and series


class DialogueSummary(Schema):
    slug: str
    title: str
    translations: Translations = TRANSLATIONS
    status: DialogueStatus
    series: str | None = Field(description="The slug of its series.")
    edition: int | None
    start_date: date
    end_date: date
    timezone: str = Field(description="IANA time zone its times are given in.")
    city: str
    country_code: str | None
    format: DialogueFormat
    chatham_house: bool = Field(description="Names only those who consented to be named.")


class ReleaseSummary(Schema):
    number: int
    released_at: datetime
    timezone: str


class DialogueOut(DialogueSummary):
    summary: str
    venue: str
    conveners: list[str]
    registration_mode: RegistrationMode
    release: ReleaseSummary | None = Field(description="The release the public reads.")


class SeriesOut(Schema):
    slug: str
    title: str
    translations: Translations = TRANSLATIONS
    editions: list[DialogueSummary] = Field(description="Its public editions, oldest first.")


def dialogue_summary(dialogue: Dialogue, series_slug: str | None = None) -> DialogueSummary:
    return DialogueSummary(
        slug=dialogue.slug,
        title=dialogue.title,
        translations=dialogue.translations,
        status=dialogue.status,
        series=series_slug,
        edition=dialogue.edition,
        start_date=dialogue.start_date,
        end_date=dialogue.end_date,
        timezone=dialogue.timezone,
        city=dialogue.city,
        country_code=dialogue.country_code,
        format=dialogue.format,
        chatham_house=dialogue.chatham_house,
    )


def release_summary(release: Release) -> ReleaseSummary:
    return ReleaseSummary(
        number=release.number, released_at=release.released_at, timezone=release.timezone
    )


def dialogue_of(dialogue: Dialogue, release: Release | None) -> DialogueOut:
    series = dialogue.series.slug if dialogue.series else None
    return DialogueOut(
        **dialogue_summary(dialogue, series).model_dump(),
        summary=dialogue.summary,
        venue=dialogue.venue,
        conveners=[institution.name for institution in dialogue.institutions],
        registration_mode=dialogue.registration_mode,
        release=release_summary(release) if release else None,
    )


def series_of(series: Series, editions: list[Dialogue]) -> SeriesOut:
    return SeriesOut(
        slug=series.slug,
        title=series.title,
        translations=series.translations,
        editions=[dialogue_summary(edition, series.slug) for edition in editions],
    )


# Releases and sessions


class ChangeOut(Schema):
    title: str
    what: str = Field(examples=["new", "removed", "changed"])
    fields: list[str]


class ReleaseOut(ReleaseSummary):
    note: str
    sessions: int
    changes: list[ChangeOut]


def release_of(release: Release) -> ReleaseOut:
    return ReleaseOut(
        **release_summary(release).model_dump(),
        note=release.note,
        sessions=sum(1 for entry in release.entries if not entry.get("removed")),
        changes=[
            ChangeOut(title=change["title"], what=change["what"], fields=change["fields"])
            for change in release.changes
        ],
    )


class LocalTimes(Schema):
    """A session's times on the wall clocks of the dialogue's zone."""

    timezone: str
    starts_at: datetime
    ends_at: datetime


class PersonOut(Schema):
    role: Role
    name: str
    affiliation: str


class SessionOut(Schema):
    id: int
    uid: str = Field(description="Stable for the life of the session (as in calendar files).")
    title: str
    description: str
    translations: Translations = TRANSLATIONS
    kind: ItemKind
    status: ItemStatus
    signup_required: bool
    room: str | None
    location: str
    starts_at: datetime = Field(description="In UTC.")
    ends_at: datetime = Field(description="In UTC.")
    local: LocalTimes
    themes: list[ThemeRef]
    recommendations: list[RecommendationRef]
    people: list[PersonOut] = Field(description="Those the public programme names.")
    unnamed: int = Field(description="Others taking part whom the programme may not name.")
    sequence: int
    changed_at: datetime


def session_of(item: ReleasedItem, zone: ZoneInfo) -> SessionOut:
    return SessionOut(
        id=item.id,
        uid=item.uid,
        title=item.title,
        description=item.description,
        translations=item.translations,
        kind=item.kind,
        status=item.status,
        signup_required=item.signup_required,
        room=item.room.name if item.room else None,
        location=item.location,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        local=LocalTimes(
            timezone=zone.key,
            starts_at=item.starts_at.astimezone(zone),
            ends_at=item.ends_at.astimezone(zone),
        ),
        themes=[theme_ref(theme) for theme in item.themes],
        recommendations=[recommendation_ref(r) for r in item.recommendations],
        people=[
            PersonOut(
                role=role.role, name=role.participant.name, affiliation=role.participant.affiliation
            )
            for role in item.public_roles
        ],
        unnamed=item.unnamed,
        sequence=item.sequence,
        changed_at=item.changed_at,
    )


# Registrations (personal data: a token's only)


class RegistrationOut(Schema):
    id: int
    status: RegistrationStatus
    name: str
    email: str | None
    affiliation: str
    position: str
    country_code: str | None
    sector: Sector | None
    language: str
    consented_to_be_named: bool
    registered_at: datetime
    joined_at: datetime | None


def registration_of(registration: Registration) -> RegistrationOut:
    person = registration.participant
    return RegistrationOut(
        id=registration.id,
        status=registration.status,
        name=person.name,
        email=person.email,
        affiliation=person.affiliation,
        position=person.position,
        country_code=person.country_code,
        sector=person.sector,
        language=person.language,
        consented_to_be_named=person.consent_to_be_listed,
        registered_at=registration.created_at,
        joined_at=registration.joined_at,
    )


# The lists, by name in the document


class SeriesList(Listing[SeriesOut]):
    pass


class DialogueList(Listing[DialogueSummary]):
    pass


class ReleaseList(Listing[ReleaseOut]):
    pass


class SessionList(Listing[SessionOut]):
    pass


class RegistrationList(Listing[RegistrationOut]):
    pass
