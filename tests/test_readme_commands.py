"""The README's commands on one's own machine, run as printed: `make run` on another port,
with links that follow it, `make organiser`, and `make translations`."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ip4dialogue.resources import PROJECT_DIR
from tests.helpers import free_port, get, wait_until_serving


@pytest.fixture
def make_env(tmp_path: Path) -> dict[str, str]:
    """The environment of someone who has set nothing but where their data goes."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("IP4DIALOGUE_")}
    return env | {"IP4DIALOGUE_INSTANCE_PATH": str(tmp_path / "instance")}


def make(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_run_on_another_port_links_to_it_and_make_organiser_adds_an_account(make_env):
    port = free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=PROJECT_DIR,
        env=make_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/healthz", server)
        calendar = get(f"{base}/dialogues/seoul-2027/agenda.ics")[1].replace("\r\n ", "")
        usage = make("organiser", env=make_env)
        created = make(
            "organiser",
            "EMAIL=you@example.org",
            "NAME=Your Name",
            "PASSWORD=a long enough passphrase",
            env=make_env,
        )
    finally:
        os.killpg(server.pid, 15)
        server.communicate(timeout=30)
    assert f"{base}/dialogues/seoul-2027" in calendar
    assert "127.0.0.1:5000" not in calendar
    assert usage.returncode == 2
    assert 'Usage: make organiser EMAIL=you@example.org NAME="Your Name"' in usage.stdout
    assert created.returncode == 0, created.stderr
    assert "Organiser you@example.org created (site administrator)." in created.stdout


def test_make_translations_extracts_and_merges_without_losing_a_translation(tmp_path, make_env):
    """`make translations` as printed, on a copy of the project (it rewrites the catalogues):
    every message keeps its translation, and the catalogues still compile."""
    copy = tmp_path / "project"
    for name in ("src", "templates", "translations"):
        shutil.copytree(PROJECT_DIR / name, copy / name)
    for name in ("Makefile", "babel.cfg", "pyproject.toml", "hatch_build.py"):
        shutil.copy2(PROJECT_DIR / name, copy / name)
    (copy / ".venv").symlink_to(PROJECT_DIR / ".venv")
    done = subprocess.run(
        ["make", "--no-print-directory", "translations"],
        cwd=copy,
        env=make_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for language in ("ja", "ko"):
        before, after = (
            catalogue(root / "translations" / language) for root in (PROJECT_DIR, copy)
        )
        assert after == before
        assert all(after.values())


def catalogue(folder: Path) -> dict[str, str]:
    with (folder / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {str(message.id): str(message.string) for message in read_po(po) if message.id}
