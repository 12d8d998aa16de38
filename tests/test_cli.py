"""The command line as a user runs it: real processes, real exit codes, real output."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("ip4dialogue")


def run(
    *args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("IP4DIALOGUE_")}
    return env | {
        "IP4DIALOGUE_ENV": "development",
        "IP4DIALOGUE_INSTANCE_PATH": str(tmp_path / "instance"),
    }


def test_upgrade_and_seed_from_scratch_then_seed_again_changes_nothing(
    cli_env, tmp_path, empty_database_url
):
    cli_env = cli_env | {"IP4DIALOGUE_DATABASE_URL": empty_database_url}
    upgraded = run("db", "upgrade", env=cli_env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr

    first = run("seed", env=cli_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "dialogue created: 1" in first.stdout

    second = run("seed", env=cli_env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody:secret-password@127.0.0.1:1/nowhere",
        "sqlite:////nonexistent-folder/for/sure/db.sqlite",
    ],
)
def test_an_unreachable_database_gives_one_clear_line(cli_env, tmp_path, url):
    result = run("db", "upgrade", env=cli_env | {"IP4DIALOGUE_DATABASE_URL": url}, cwd=tmp_path)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: cannot reach the database")
    assert "IP4DIALOGUE_DATABASE_URL" in lines[0]
    assert "secret-password" not in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_a_secret_key_says_how_to_set_one(cli_env, tmp_path):
    result = run("seed", env=cli_env | {"IP4DIALOGUE_ENV": "production"}, cwd=tmp_path)
    assert result.returncode != 0
    assert "IP4DIALOGUE_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_flask_cli_and_console_script_list_the_same_commands(cli_env, tmp_path):
    flask = Path(sys.executable).with_name("flask")
    via_flask = subprocess.run(
        [str(flask), "--app", "ip4dialogue", "--help"],
        env=cli_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    via_script = run("--help", env=cli_env, cwd=tmp_path)
    for command in ("db", "seed", "run", "shell"):
        assert f"  {command} " in via_flask.stdout
        assert f"  {command} " in via_script.stdout


@pytest.fixture
def upgraded_env(cli_env, tmp_path, empty_database_url) -> dict[str, str]:
    env = cli_env | {"IP4DIALOGUE_DATABASE_URL": empty_database_url}
    assert run("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    return env


def test_organiser_create_with_a_password_then_log_in(upgraded_env, tmp_path):
    created = run(
        "organiser",
        "create",
        "Ana@Example.org",
        "--name",
        "Ana Organiser",
        "--password",
        "a long enough passphrase",
        env=upgraded_env,
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    assert "Organiser ana@example.org created (site administrator)." in created.stdout


def test_organiser_create_prompts_for_the_password_when_omitted(upgraded_env, tmp_path):
    created = run(
        "organiser",
        "create",
        "ben@example.org",
        "--name",
        "Ben",
        env=upgraded_env,
        cwd=tmp_path,
        stdin="typed secretly here\ntyped secretly here\n",
    )
    assert created.returncode == 0, created.stderr
    assert "typed secretly here" not in created.stdout


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("ana@example.org", "short", "at least 12 characters"),
        ("not-an-email", "a long enough passphrase", "not a valid email address"),
    ],
)
def test_organiser_create_refuses_bad_input_in_one_line(
    upgraded_env, tmp_path, email, password, message
):
    result = run(
        "organiser",
        "create",
        email,
        "--name",
        "Ana",
        "--password",
        password,
        env=upgraded_env,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


PASSWORD = "a long enough passphrase"


def test_institutions_accounts_and_teams_are_managed_from_the_command_line(upgraded_env, tmp_path):
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run(*args, env=upgraded_env, cwd=tmp_path)

    def refused(*args: str) -> str:
        result = cli(*args)
        assert result.returncode == 1, result.stdout
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("Error: ")
        return line

    assert cli("seed").returncode == 0
    first = cli("organiser", "create", "ana@example.org", "--name", "Ana", "--password", PASSWORD)
    assert "(site administrator)" in first.stdout
    made = cli("institution", "create", "asan", "--name", "Asan Institute")
    assert made.stdout == "Institution asan (Asan Institute) created.\n"
    ben = cli(
        "organiser",
        "create",
        "ben@example.org",
        "--name",
        "Ben",
        "--password",
        PASSWORD,
        "--institution",
        "asan",
    )
    assert ben.stdout == "Organiser ben@example.org created (organiser).\n"
    admin = cli(
        "organiser", "create", "cy@example.org", "--name", "Cy", "--password", PASSWORD, "--admin"
    )
    assert "(site administrator)" in admin.stdout

    added = cli("team", "add", "seoul-2027", "Ben@Example.org", "owner")
    assert added.stdout == "ben@example.org is owner of seoul-2027.\n"
    assert "No dialogue at 'nowhere'" in refused(
        "team", "add", "nowhere", "ben@example.org", "editor"
    )
    assert "No organiser account" in refused(
        "team", "add", "seoul-2027", "zed@example.org", "editor"
    )
    assert "the roles are owner, editor, registrar, rapporteur, viewer" in refused(
        "team", "add", "seoul-2027", "ben@example.org", "boss"
    )
    assert "only owner" in refused("team", "add", "seoul-2027", "ben@example.org", "viewer")
    assert "only owner" in refused("team", "remove", "seoul-2027", "ben@example.org")
    assert "not on the team" in refused("team", "remove", "seoul-2027", "cy@example.org")
    assert "No institution 'kf'" in refused(
        "organiser",
        "create",
        "di@example.org",
        "--name",
        "Di",
        "--password",
        PASSWORD,
        "--institution",
        "kf",
    )

    assert cli("team", "add", "seoul-2027", "cy@example.org", "owner").returncode == 0
    changed = cli("team", "add", "seoul-2027", "ben@example.org", "rapporteur")
    assert changed.stdout == "ben@example.org is rapporteur of seoul-2027.\n"
    removed = cli("team", "remove", "seoul-2027", "ben@example.org")
    assert removed.stdout == "ben@example.org is no longer on the team of seoul-2027.\n"
