"""Backups made while the app writes, restores that bring the data back, and no partial file
when a backup is interrupted."""

import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text

from ip4dialogue import backups
from ip4dialogue.database import Base
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from tests.conftest import TEST_DATABASE_URL

DAY = date(2027, 5, 11)


def dialogue_titles() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Dialogue.title)))


def test_a_backup_restores_what_was_there(make, tmp_path):
    make.dialogue(title="Kept")
    path = backups.backup(db.engine, tmp_path / "snapshot.backup")
    make.dialogue(title="Added after the backup")
    db.session.remove()

    backups.restore(db.engine, path)

    assert dialogue_titles() == ["Kept"]


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the online backup API is SQLite's")
def test_a_backup_taken_while_writing_is_consistent(make, app, tmp_path):
    make.dialogue(title="Before")
    stop = threading.Event()

    def keep_writing() -> None:
        with app.app_context():
            number = 0
            while not stop.is_set():
                number += 1
                db.session.add(
                    Dialogue(
                        slug=f"w-{number}",
                        title=f"Written {number}",
                        start_date=make.dialogue().start_date,
                        end_date=make.dialogue().end_date,
                        timezone="UTC",
                    )
                )
                db.session.commit()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        path = backups.backup(db.engine, tmp_path / "live.sqlite")
    finally:
        stop.set()
        writer.join()
    copy = create_engine(f"sqlite:///{path}")
    with copy.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert connection.execute(select(func.count()).select_from(Dialogue)).scalar() >= 1
    copy.dispose()


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="interrupts SQLite's copy")
def test_an_interrupted_backup_leaves_no_file(make, tmp_path):
    make.dialogue()
    folder = tmp_path / "backups"
    folder.mkdir()
    destination = folder / "never.sqlite"

    def interrupt(status: int, remaining: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backups.backup(db.engine, destination, progress=interrupt)
    assert list(folder.iterdir()) == []


def test_restore_refuses_a_missing_file(app, tmp_path):
    with pytest.raises(backups.BackupError, match="There is no backup"):
        backups.restore(db.engine, tmp_path / "nothing")


def test_the_cli_writes_a_backup(app, make, tmp_path):
    make.dialogue()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "cli.backup")])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    assert (tmp_path / "cli.backup").stat().st_size > 0


def test_a_backup_reads_back_into_an_empty_database(make, tmp_path, empty_database_url):
    make.dialogue(title="Portable")
    path = backups.backup(db.engine, tmp_path / "portable.backup")
    target = create_engine(empty_database_url)
    if target.dialect.name == "sqlite":
        Base.metadata.create_all(target)
    backups.restore(target, path)
    with target.connect() as connection:
        assert connection.execute(select(Dialogue.title)).scalars().all() == ["Portable"]
    target.dispose()


def test_backup_files_are_readable_by_their_owner_only(make, tmp_path):
    make.dialogue()
    path = backups.backup(db.engine, tmp_path / "private.backup")
    assert path.stat().st_mode & 0o077 == 0


def test_a_backup_into_a_missing_folder_is_a_clear_error(app, tmp_path):
    with pytest.raises(backups.BackupError, match="There is no folder"):
        backups.backup(db.engine, tmp_path / "missing" / "x.backup")
