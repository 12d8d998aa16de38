"""A dialogue as rapporteurs meet it: a session that takes up two recommendations, a team with
an owner, a rapporteur assigned to the session and one who is not, and the people a summary
could name."""

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.countries.models import CountryGroup
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, Role
from ip4dialogue.extensions import db
from ip4dialogue.outcomes.models import session_rapporteurs
from ip4dialogue.people.models import Participant, Sector
from ip4dialogue.report.models import Recommendation, Series
from ip4dialogue.unit_of_work import transaction
from tests.conftest import ORGANISER_PASSWORD, logged_in
from tests.pdfs import cjk_font, pdftoppm, weasyprint_loaded  # noqa: F401 (fixtures)


@dataclass
class Room:
    dialogue: Dialogue
    item: AgendaItem
    recommendations: list[Recommendation]
    people: dict[str, Participant]
    clients: dict[str, FlaskClient]

    @property
    def base(self) -> str:
        return f"/organise/dialogues/{self.dialogue.id}/outcomes"

    @property
    def session_url(self) -> str:
        return f"{self.base}/items/{self.item.id}"

    def outcome_url(self, recommendation: Recommendation) -> str:
        return f"{self.session_url}/recommendations/{recommendation.id}"


def outcome_form(recommendation: Recommendation, version: int = 0, **fields: str) -> dict:
    """What a rapporteur's outcome form posts."""
    prefix = f"recommendation-{recommendation.id}-"
    values = {
        "version": str(version),
        "assessment": "broad_agreement",
        "summary": "Participants saw merit in a shared register of defence-industrial capacity.",
        "agreement": "",
        "disagreement": "",
        "next_steps": "",
    } | fields
    return {prefix + name: value for name, value in values.items()}


@pytest.fixture
def room(app, make, organiser) -> Room:
    series = Series(slug="indo-pacific-security-dialogue", title="Indo-Pacific Security Dialogue")
    report = make.report(title="Beyond alignment", series=series)
    recommendations = [
        make.recommendation(report, number=number, short_title=title, text=text)
        for number, title, text in (
            (
                1,
                "Map the industrial bases",
                "Map the defence-industrial bases of NATO and the IP4.",
            ),
            (2, "Agree on deterrence", "Build a shared understanding of deterrence."),
        )
    ]
    dialogue = make.dialogue(title="Seoul Dialogue", series=series, edition=2)
    item = make.item(dialogue, title="Industry roundtable", recommendations=recommendations)
    japan = make.country(code="JP", name="Japan", group=CountryGroup.IP4)
    people = {
        "tanaka": make.participant(
            name="Hiroshi Tanaka",
            affiliation="Japan Institute of International Affairs",
            country=japan,
            sector=Sector.THINK_TANK,
        ),
        "moderator": make.participant(name="Margarethe Vogel"),
    }
    make.registration(dialogue=dialogue, participant=people["tanaka"])
    make.role(item, people["moderator"], Role.MODERATOR)
    accounts: dict[str, Any] = {"admin": organiser}
    with transaction():
        for name, role in (
            ("owner", TeamRole.OWNER),
            ("rapporteur", TeamRole.RAPPORTEUR),
            ("unassigned", TeamRole.RAPPORTEUR),
            ("viewer", TeamRole.VIEWER),
        ):
            accounts[name] = create_organiser(
                f"{name}@example.org", name.title(), ORGANISER_PASSWORD
            )
            make.member(dialogue, accounts[name], role)
        db.session.execute(
            session_rapporteurs.insert().values(
                item_id=item.id, organiser_id=accounts["rapporteur"].id
            )
        )
    clients = {name: logged_in(app, account) for name, account in accounts.items()}
    return Room(dialogue, item, recommendations, people, clients)
