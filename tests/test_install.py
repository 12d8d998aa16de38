"""A real, non-editable install: the wheel carries its templates, static files, migrations and
seed data, so the app works from any folder."""

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import free_port, get, wait_until_serving

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the built wheel installed; dependencies come from this one."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(work / "dist"),
            str(PROJECT),
        ],
        check=True,
    )
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = next((work / "dist").glob("ip4dialogue-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(fresh_site) / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("IP4DIALOGUE_")}
    return env | {
        "IP4DIALOGUE_ENV": "development",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def test_the_wheel_serves_the_sample_dialogue_from_another_folder(installed, user_env, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = str(installed / "bin" / "ip4dialogue")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [script, *args],
            cwd=elsewhere,
            env=user_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import ip4dialogue; print(ip4dialogue.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=elsewhere,
    ).stdout
    assert where.startswith(str(installed)), where

    assert run("db", "upgrade").returncode == 0
    seeded = run("seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "dialogue created: 1" in seeded.stdout
    assert (tmp_path / "data" / "ip4dialogue" / "ip4dialogue.sqlite").is_file()

    port = free_port()
    server = subprocess.Popen(
        [script, "run", "--port", str(port)],
        cwd=elsewhere,
        env=user_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base + "/", server)
        status, home = get(base + "/")
        assert status == 200
        assert "Second Indo-Pacific Security Dialogue" in home
        assert get(base + "/dialogues/seoul-2027")[0] == 200
        assert get(base + "/static/css/site.css")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
