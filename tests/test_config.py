"""Configuration: environment variables, the instance folder, and refusing unsafe starts."""

import pytest

from ip4dialogue import create_app
from ip4dialogue.config import ConfigurationError


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for name in ("ENV", "SECRET_KEY", "DATABASE_URL", "MAIL_PORT", "MAIL_USE_TLS", "BASE_URL"):
        monkeypatch.delenv(f"IP4DIALOGUE_{name}", raising=False)
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path / "instance"))


def test_production_refuses_to_start_without_a_secret_key_and_says_how_to_set_one():
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    message = refused.value.format_message()
    assert "IP4DIALOGUE_SECRET_KEY" in message
    assert "secrets.token_hex" in message


def test_production_starts_with_a_secret_key_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_SECRET_KEY", "a" * 64)
    app = create_app()
    assert app.config["SECRET_KEY"] == "a" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("environment", ["development", "testing"])
def test_development_and_testing_start_without_a_secret_key(monkeypatch, environment):
    monkeypatch.setenv("IP4DIALOGUE_ENV", environment)
    assert create_app().config["SECRET_KEY"]


def test_settings_come_from_the_environment_with_their_types(monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_ENV", "development")
    monkeypatch.setenv("IP4DIALOGUE_MAIL_PORT", "2525")
    monkeypatch.setenv("IP4DIALOGUE_MAIL_USE_TLS", "true")
    monkeypatch.setenv("IP4DIALOGUE_BASE_URL", "https://dialogue.example.org/")
    config = create_app().config
    assert config["MAIL_PORT"] == 2525
    assert config["MAIL_USE_TLS"] is True
    assert config["BASE_URL"] == "https://dialogue.example.org"


def test_a_malformed_setting_is_named(monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_ENV", "development")
    monkeypatch.setenv("IP4DIALOGUE_MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigurationError, match="IP4DIALOGUE_MAIL_PORT"):
        create_app()


def test_an_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_ENV", "staging")
    with pytest.raises(ConfigurationError, match="development, testing, production"):
        create_app()


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("IP4DIALOGUE_ENV", "development")
    app = create_app()
    expected = tmp_path / "instance" / "ip4dialogue.sqlite"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{expected}"
    assert (tmp_path / "instance").is_dir()


def test_the_instance_folder_settings_file_is_read_and_the_environment_wins(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.py").write_text(
        "ENV = 'development'\nMAIL_SENDER = 'Dialogue <desk@example.org>'\nMAIL_PORT = 465\n"
    )
    monkeypatch.setenv("IP4DIALOGUE_MAIL_PORT", "587")
    config = create_app().config
    assert config["MAIL_SENDER"] == "Dialogue <desk@example.org>"
    assert config["MAIL_PORT"] == 587


def test_a_database_url_that_is_not_a_url_is_refused_clearly(monkeypatch):
    monkeypatch.setenv("IP4DIALOGUE_ENV", "development")
    monkeypatch.setenv("IP4DIALOGUE_DATABASE_URL", "not a url")
    with pytest.raises(ConfigurationError, match="not a database URL"):
        create_app()
