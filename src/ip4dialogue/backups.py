"""Consistent backups while the app keeps serving, and restores.

SQLite: the online backup API copies a consistent snapshot page by page while writers go on.
PostgreSQL: pg_dump, whose snapshot is consistent by design, in its custom format. Either way
the file is written beside its destination under a temporary name and renamed into place only
when complete, so an interrupted backup never leaves a partial file where the backup should be.
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL, Engine


class BackupError(RuntimeError):
    """Why a backup or restore could not be made, fit to show."""


@contextmanager
def _written_atomically(path: Path) -> Iterator[Path]:
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup to.")
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        temporary.touch(mode=0o600)  # personal data: readable by the owner only
        yield temporary
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _pg_environment(url: URL) -> tuple[list[str], dict[str, str]]:
    arguments = ["--dbname", url.database or ""]
    if url.host:
        arguments += ["--host", url.host]
    if url.port:
        arguments += ["--port", str(url.port)]
    if url.username:
        arguments += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return arguments, env


def _run(tool: str, arguments: list[str], env: dict[str, str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not installed. Install the PostgreSQL client tools (Debian: "
            f"apt-get install postgresql-client), or run {tool} yourself against the database."
        )
    command = [executable, *arguments]  # a list, never a shell: nothing is interpreted
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def backup(
    engine: Engine, path: Path, progress: Callable[[int, int, int], object] | None = None
) -> Path:
    """Write a consistent snapshot of the database to `path`."""
    path = path.resolve()
    with _written_atomically(path) as temporary:
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                target = sqlite3.connect(temporary)
                with target:  # in one step: on a busy site, a write between steps would
                    # restart the copy, again and again (WAL lets writers go on meanwhile)
                    raw.driver_connection.backup(target, pages=-1, progress=progress)
                target.close()
            finally:
                raw.close()
        elif engine.dialect.name == "postgresql":
            arguments, env = _pg_environment(engine.url)
            _run(
                "pg_dump",
                [*arguments, "--format=custom", "--no-owner", "--file", str(temporary)],
                env,
            )
        else:
            raise BackupError(f"No backup method for {engine.dialect.name}.")
    return path


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    if engine.dialect.name == "sqlite":
        try:
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            raw = engine.raw_connection()
            try:
                source.backup(raw.driver_connection)
            finally:
                raw.close()
                source.close()
        except sqlite3.Error as error:
            raise BackupError(f"{path} is not a usable SQLite backup: {error}") from None
    elif engine.dialect.name == "postgresql":
        arguments, env = _pg_environment(engine.url)
        _run("pg_restore", [*arguments, "--clean", "--if-exists", "--no-owner", str(path)], env)
    else:
        raise BackupError(f"No restore method for {engine.dialect.name}.")
