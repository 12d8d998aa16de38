"""ip4dialogue: plan sessions of the NATO-IP4 Indo-Pacific Security Dialogue."""

import importlib
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue

from ip4dialogue import cli, unit_of_work
from ip4dialogue import config as settings
from ip4dialogue.bounds import BoundedInteger
from ip4dialogue.resources import resource_dir


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance `settings.py`, IP4DIALOGUE_* variables, then `config`."""
    instance_path = settings.default_instance_path()
    app = Application(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.update(settings.DEFAULTS)
    app.config.from_pyfile("settings.py", silent=True)
    app.config.update(settings.from_environment(os.environ))
    app.config.update(config or {})
    settings.finalise(app.config, instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    cli.register(app)
    app.url_map.converters["int"] = BoundedInteger
    _register_extensions(app)
    _connect_listeners()
    _register_blueprints(app)
    return app


class Application(Flask):
    def dispatch_request(self) -> ResponseReturnValue:
        """Each view, run once more if the database dropped its connection before it wrote."""
        return unit_of_work.once_more_if_cut_off(super().dispatch_request)


def _register_extensions(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from ip4dialogue import models  # noqa: F401 (maps every class before first use)
    from ip4dialogue.extensions import cache, csrf, db, limiter, login_manager, migrate
    from ip4dialogue.jobs import worker

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    worker.init_app(app)
    if proxies := app.config["PROXY_COUNT"]:
        # Behind that many trusted proxies: client address, scheme and host from X-Forwarded-*.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


# Each area's reactions to the others' events (see signals), the outbox's to each commit, and
# each area's work by the clock (see jobs.schedule): importing connects them, and listeners run
# in this order. Outcomes come first: to take an erased person's name out of what was written,
# they read where the person took part before other areas remove it.
LISTENERS = (
    "ip4dialogue.outcomes.listeners",
    "ip4dialogue.accounts.listeners",
    "ip4dialogue.calendar.listeners",
    "ip4dialogue.calendar.reminders",
    "ip4dialogue.dialogues.listeners",
    "ip4dialogue.jobs.outbox",
    "ip4dialogue.registration.listeners",
    "ip4dialogue.registration.reminders",
)


def _connect_listeners() -> None:
    for module in LISTENERS:
        importlib.import_module(module)


def _register_blueprints(app: Flask) -> None:
    from ip4dialogue import errors, health, i18n, security, templating
    from ip4dialogue.accounts.account import bp as account_bp
    from ip4dialogue.accounts.audit import bp as audit_bp
    from ip4dialogue.accounts.organise import bp as team_bp
    from ip4dialogue.accounts.site import bp as site_bp
    from ip4dialogue.accounts.views import bp as accounts_bp
    from ip4dialogue.api.organise import bp as api_tokens_bp
    from ip4dialogue.api.views import bp as api_bp
    from ip4dialogue.briefing.views import bp as briefing_bp
    from ip4dialogue.briefing.views import cards_bp as briefing_cards_bp
    from ip4dialogue.calendar.views import bp as calendar_bp
    from ip4dialogue.calendar.views import updates_bp as calendar_updates_bp
    from ip4dialogue.dialogues.organise import bp as organise_bp
    from ip4dialogue.dialogues.views import bp as dialogues_bp
    from ip4dialogue.outcomes.organise import bp as outcomes_work_bp
    from ip4dialogue.outcomes.views import bp as outcomes_bp
    from ip4dialogue.registration.messages import bp as messages_bp
    from ip4dialogue.registration.organise import bp as registrations_bp
    from ip4dialogue.registration.views import bp as registration_bp

    app.register_blueprint(dialogues_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(organise_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(calendar_updates_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(team_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(site_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(outcomes_work_bp)
    app.register_blueprint(briefing_bp)
    app.register_blueprint(briefing_cards_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(health.bp)
    errors.register(app)
    templating.register(app)
    i18n.init_app(app)
    # After-request functions run last registered first: the commit, then the headers; a
    # commit that fails becomes the outage page, which gets them in its turn.
    security.register(app)
    unit_of_work.register(app)
