"""The migrations build exactly the models' schema, keep the data, and can be undone, on
either database."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from ip4dialogue import create_app
from ip4dialogue.database import Base
from ip4dialogue.extensions import db


@pytest.fixture
def fresh_app(empty_database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"ENV": "testing", "DATABASE_URL": empty_database_url})
    with app.app_context():
        yield app
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
