"""A dialogue as its briefing book prints it: two days of sessions in two rooms, tied to the
report's themes and recommendations, with people on them who did and did not consent to be
named, and registrants in every state, some of whom agreed to be named."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from ip4dialogue.countries.models import CountryGroup
from ip4dialogue.dialogues.models import Dialogue, ItemKind, ItemStatus, Role
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import RegistrationStatus
from ip4dialogue.report.models import Series
from tests.helpers import release
from tests.pdfs import cjk_font, pdftoppm, weasyprint_loaded  # noqa: F401 (fixtures)

LONG_NAME = (
    "Professor Dr Maximiliane Alexandrovna Wolkenstein-Rautenberg-Fitzgerald-Montgomery, "
    "Baroness of Somewhere Exceptionally Long"
)
KOREAN_NAME = "김민준"
JAPANESE_NAME = "田中 裕子"
SECRET = "Secretive Sigrid"  # confirmed, never agreed to be named
WAITING = "Waitlisted Walter"  # agreed, but has no confirmed place
CANCELLED = "Cancelled Carla"  # agreed, then cancelled
UNNAMED_SPEAKER = "Unnamed Ulrich"  # speaks, never agreed to be named
NAMED_SPEAKER = "Dr Min-seo Park"
INJECTED = '<img src="http://127.0.0.1:9/x.png"> <b>Bold</b> & <script>alert(1)</script>'


@dataclass
class Briefing:
    dialogue: Dialogue
    named: list[str]  # the participants the book and the cards name, as the book sorts them

    @property
    def url(self) -> str:
        return f"/dialogues/{self.dialogue.slug}/briefing.pdf"


def at(dialogue: Dialogue, day: int, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(dialogue.start_date + timedelta(days=day), datetime.min.time())
    return local.replace(hour=hour, minute=minute, tzinfo=dialogue.zone).astimezone(UTC)


@pytest.fixture
def briefing(app, make) -> Briefing:
    series = Series(slug="ipsd", title="Indo-Pacific Security Dialogue")
    report = make.report(title="Beyond alignment", series=series)
    themes = [
        make.theme(report, title="Defence-industrial cooperation"),
        make.theme(report, title="Maritime security"),
    ]
    recommendations = [
        make.recommendation(
            report,
            number=1,
            short_title="Map the industrial bases",
            text="Map the defence-industrial bases of NATO and the IP4.\nShare the map.",
        ),
        make.recommendation(
            report, number=2, short_title="Agree on deterrence", text="Build shared deterrence."
        ),
    ]
    korea = make.country(code="KR", name="South Korea", group=CountryGroup.IP4)
    japan = make.country(code="JP", name="Japan", group=CountryGroup.IP4)
    dialogue = make.dialogue(
        slug="seoul-briefing",
        title="Third Dialogue: Deterrence at sea",
        series=series,
        venue="Korea Foundation Global Center",
        country_code="KR",
        summary="Two days on deterrence at sea.",
        translations={"ja": {"title": "第3回対話：海洋における抑止"}},
    )
    dialogue.institutions = [
        make.institution(name="United States Studies Centre"),
        make.institution(name="Korea Foundation"),
    ]
    hall, seminar = make.room(dialogue, name="Main Hall"), make.room(dialogue, name="Seminar B")
    opening = make.item(
        dialogue,
        title="Opening: what the IP4 can be",
        kind=ItemKind.PLENARY,
        room=hall,
        starts_at=at(dialogue, 0, 9),
        ends_at=at(dialogue, 0, 10, 30),
        themes=[themes[0]],
        recommendations=[recommendations[0]],
    )
    roundtable = make.item(
        dialogue,
        title="Roundtable: seeing the sea lanes",
        kind=ItemKind.ROUNDTABLE,
        room=seminar,
        starts_at=at(dialogue, 1, 14),
        ends_at=at(dialogue, 1, 15, 30),
        themes=[themes[1]],
        recommendations=[recommendations[1]],
    )
    make.item(
        dialogue,
        title=INJECTED,
        room=seminar,
        starts_at=at(dialogue, 1, 16),
        ends_at=at(dialogue, 1, 17),
        status=ItemStatus.CANCELLED,
    )
    make.role(opening, make.participant(name=NAMED_SPEAKER, consent_to_be_listed=True), Role.CHAIR)
    make.role(roundtable, make.participant(name=UNNAMED_SPEAKER), Role.SPEAKER)
    named = {
        LONG_NAME: "An Institute With A Name Long Enough To Need Two Lines On A Badge",
        KOREAN_NAME: "한국국방연구원",
        JAPANESE_NAME: "日本国際問題研究所",
        "Anna Adams": "Institute for Strategic Futures",
    }
    for name, institution in named.items():
        person = make.participant(
            name=name,
            affiliation=institution,
            consent_to_be_listed=True,
            country=japan if name == JAPANESE_NAME else korea,
        )
        make.registration(dialogue=dialogue, participant=person)
    for name, status, consent in (
        (SECRET, RegistrationStatus.CONFIRMED, False),
        (WAITING, RegistrationStatus.WAITLISTED, True),
        (CANCELLED, RegistrationStatus.CANCELLED, True),
    ):
        person = make.participant(name=name, consent_to_be_listed=consent)
        waiting = 1 if status == RegistrationStatus.WAITLISTED else None
        make.registration(
            dialogue=dialogue, participant=person, status=status, waitlist_position=waiting
        )
    db.session.commit()
    release(dialogue)
    return Briefing(dialogue, sorted(named, key=str.casefold))
