"""The migrations build exactly the models' schema, keep the data, and can be undone, on
either database."""

import json
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from ip4dialogue import create_app
from ip4dialogue.access import Permission
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.calendar import builders
from ip4dialogue.calendar.services import links
from ip4dialogue.database import Base, utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import dialogue_for_organiser, released_agenda
from ip4dialogue.dialogues.services import preview
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from ip4dialogue.report.models import Series


@pytest.fixture
def fresh_app(empty_database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"ENV": "testing", "DATABASE_URL": empty_database_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_on_an_empty_database_yields_exactly_the_models_schema(fresh_app):
    upgrade()

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []
    assert set(inspect(db.engine).get_table_names()) == set(Base.metadata.tables) | {
        "alembic_version"
    }


def test_downgrade_to_base_removes_every_table(fresh_app):
    upgrade()
    downgrade(revision="base")

    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_the_audit_log_comes_to_name_people_by_id_and_can_go_back(fresh_app):
    upgrade(revision="0005")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO participants (id, name, email, affiliation, position, "
                "consent_to_be_listed, created_at) "
                "VALUES (7, 'Dr Kim', 'kim@example.org', '', '', false, '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO audit_events (occurred_at, action, subject_type, subject_id, after) "
                "VALUES ('2026-01-01', 'item.updated', 'AgendaItem', 1, :after)"
            ),
            {"after": '{"roles": ["speaker: Dr Kim", "chair: [erased participant]"]}'},
        )

    def roles() -> list:
        with db.engine.connect() as connection:
            after = connection.execute(text("SELECT after FROM audit_events")).scalar_one()
        return (after if isinstance(after, dict) else json.loads(after))["roles"]

    upgrade()
    assert roles() == [{"role": "speaker", "person": 7}, {"role": "chair", "person": None}]
    downgrade(revision="0005")
    assert roles() == ["speaker: Dr Kim", "chair: [erased participant]"]


def test_a_published_agenda_becomes_release_1_with_the_files_it_had_and_can_go_back(fresh_app):
    upgrade(revision="0006")
    stamp = "2026-11-20 08:30:00"
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO dialogues (id, slug, title, summary, start_date, end_date, timezone, "
                "venue, city, format, chatham_house, registration_mode, status, conveners, "
                "published_at, created_at, updated_at) VALUES (1, 'seoul', 'Seoul', '', "
                "'2027-05-11', '2027-05-12', 'Asia/Seoul', 'Lotte', 'Seoul', 'in_person', true, "
                "'open', 'published', '', :stamp, :stamp, :stamp)"
            ),
            {"stamp": stamp},
        )
        connection.execute(
            text("INSERT INTO rooms (id, dialogue_id, name, position) VALUES (1, 1, 'Hall', 0)")
        )
        connection.execute(
            text(
                "INSERT INTO agenda_items (id, dialogue_id, uid, kind, title, description, "
                "starts_at, ends_at, room_id, signup_required, status, sequence, changed_at) "
                "VALUES (1, 1, 'opening@ip4dialogue', 'plenary', 'Opening', '', "
                "'2027-05-11 00:00:00', '2027-05-11 01:00:00', 1, false, 'confirmed', 3, :stamp)"
            ),
            {"stamp": stamp},
        )

    upgrade()
    dialogue = dialogue_for_organiser(1)
    assert [(item.title, item.room.name) for item in dialogue.items] == [("Opening", "Hall")]
    assert preview(dialogue, utcnow()).changes == []  # nothing to publish, nothing to send
    [event] = builders.agenda_feed(released_agenda(dialogue), links()).walk("VEVENT")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["LOCATION"])) == (
        "opening@ip4dialogue",
        3,
        "Hall, Lotte, Seoul",
    )
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    db.session.remove()

    downgrade(revision="0006")
    with db.engine.connect() as connection:
        sequence, changed_at = connection.execute(
            text("SELECT sequence, changed_at FROM agenda_items")
        ).one()
        published_at = connection.execute(text("SELECT published_at FROM dialogues")).scalar()
    assert sequence == 3
    assert str(changed_at).startswith("2026-11-20 08:30:00")
    assert str(published_at).startswith("2026-11-20 08:30:00")


def test_conveners_named_in_a_line_become_institutions_in_order_and_can_go_back(fresh_app):
    upgrade(revision="0017")
    with db.engine.begin() as connection:
        for number, line in enumerate(
            ["United States Studies Centre; Korea Foundation", "Korea Foundation;;", ""], 1
        ):
            connection.execute(
                text(
                    "INSERT INTO dialogues (id, slug, title, summary, start_date, end_date, "
                    "timezone, venue, city, format, chatham_house, registration_mode, status, "
                    "conveners, created_at, updated_at) VALUES (:id, :slug, 'Seoul', '', "
                    "'2027-05-11', '2027-05-12', 'Asia/Seoul', '', 'Seoul', 'in_person', true, "
                    "'open', 'draft', :line, '2026-01-01', '2026-01-01')"
                ),
                {"id": number, "slug": f"d{number}", "line": line},
            )

    upgrade()
    dialogues = db.session.scalars(select(Dialogue).order_by(Dialogue.id)).all()
    assert [dialogue.conveners for dialogue in dialogues] == [
        "United States Studies Centre and Korea Foundation",
        "Korea Foundation",
        "",
    ]
    assert sorted(db.session.scalars(select(Institution.slug))) == [
        "korea-foundation",
        "united-states-studies-centre",
    ]
    db.session.remove()

    downgrade(revision="0017")
    with db.engine.connect() as connection:
        lines = connection.execute(text("SELECT conveners FROM dialogues ORDER BY id")).scalars()
        assert list(lines) == [
            "United States Studies Centre; Korea Foundation",
            "Korea Foundation",
            "",
        ]


def test_every_account_there_is_becomes_a_site_administrator(fresh_app):
    upgrade(revision="0018")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisers (id, email, name, password_hash, active, created_at, "
                "session_version) VALUES (1, 'ana@example.org', 'Ana', 'x', true, '2026-01-01', 0)"
            )
        )

    upgrade()
    ana = db.session.get(Organiser, 1)
    assert ana.is_admin
    assert ana.permissions(12345) >= {Permission.READ_AUDIT, Permission.MANAGE_TEAM}


def test_the_report_and_the_dialogues_become_one_series_and_its_editions(fresh_app):
    upgrade(revision="0021")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO reports (id, slug, title, author, publishers, year, url, summary) "
                "VALUES (1, 'beyond-alignment', 'Beyond alignment', 'K. Abbott', 'USSC', 2024, "
                "'https://example.org', '')"
            )
        )
        for number in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO dialogues (id, slug, title, edition, summary, start_date, "
                    "end_date, timezone, venue, city, format, chatham_house, registration_mode, "
                    "status, created_at, updated_at) VALUES (:id, :slug, 'Seoul', :id, '', "
                    "'2027-05-11', '2027-05-12', 'Asia/Seoul', '', 'Seoul', 'in_person', true, "
                    "'open', 'draft', '2026-01-01', '2026-01-01')"
                ),
                {"id": number, "slug": f"d{number}"},
            )

    upgrade()
    [series] = db.session.scalars(select(Series)).all()
    assert (series.slug, series.title) == (
        "indo-pacific-security-dialogue",
        "Indo-Pacific Security Dialogue",
    )
    assert [report.slug for report in series.reports] == ["beyond-alignment"]
    dialogues = db.session.scalars(select(Dialogue).order_by(Dialogue.id)).all()
    assert [(dialogue.series_id, dialogue.edition) for dialogue in dialogues] == [
        (series.id, 1),
        (series.id, 2),
    ]
    db.session.remove()

    downgrade(revision="0021")
    with db.engine.connect() as connection:
        assert "series" not in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT count(*) FROM dialogues")).scalar() == 2
