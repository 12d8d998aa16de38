"""A small world for the API: a published dialogue under the Chatham House Rule with one
speaker who consented to be named and one who did not, a registrant, a draft, another
published dialogue, and tokens of every kind."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from ip4dialogue.api.models import TokenScope
from ip4dialogue.api.services import create_token, revoke_token
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, Role
from ip4dialogue.extensions import db
from ip4dialogue.report.models import Recommendation, Theme
from ip4dialogue.unit_of_work import transaction
from tests.helpers import release


@pytest.fixture
def api(app, make, seeded) -> SimpleNamespace:
    theme = db.session.scalars(select(Theme).order_by(Theme.id)).first()
    recommendation = db.session.scalars(select(Recommendation).order_by(Recommendation.id)).first()
    dialogue = make.dialogue(slug="seoul", title="Seoul round", chatham_house=True)
    hall = make.room(dialogue, name="Hall A")
    opening = make.item(
        dialogue,
        title="Opening panel",
        room=hall,
        themes=[theme],
        recommendations=[recommendation],
    )
    second_day = opening.starts_at + timedelta(days=1)
    make.item(dialogue, title="Day two breakout", kind=ItemKind.BREAKOUT, starts_at=second_day)
    make.role(
        opening, make.participant(name="Named Speaker", consent_to_be_listed=True), Role.SPEAKER
    )
    make.role(opening, make.participant(name="Hidden Speaker"), Role.SPEAKER)
    registrant = make.participant(name="Reg Istrant", email="reg@example.org")
    make.registration(dialogue=dialogue, participant=registrant)
    db.session.commit()
    release(dialogue)
    draft = make.dialogue(slug="draft", title="Draft round", status=DialogueStatus.DRAFT)
    draft_item = make.item(draft, title="Secret draft session")
    other = make.dialogue(slug="other", title="Another round")
    owner = make.organiser(name="Olu Owner")
    db.session.commit()
    now = utcnow()
    with transaction():
        tokens = {
            (slug, scope): create_token(d, "script", scope, 30, owner, now).secret
            for slug, d in (("seoul", dialogue), ("draft", draft), ("other", other))
            for scope in TokenScope
        }
        expired = create_token(dialogue, "old", TokenScope.REGISTRATIONS, 1, owner, now)
        expired.token.expires_at = now - timedelta(seconds=1)
        revoked = create_token(dialogue, "gone", TokenScope.REGISTRATIONS, 30, owner, now)
        revoke_token(revoked.token, owner, now)
    return SimpleNamespace(
        dialogue_id=dialogue.id,
        item_id=opening.id,
        draft_item_id=draft_item.id,
        owner=owner,
        tokens=tokens,
        expired=expired.secret,
        revoked=revoked.secret,
    )


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
