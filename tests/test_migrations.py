"""The migrations build exactly the models' schema, and can be undone, on either database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
