"""Extension objects, created unbound so that create_app() can bind them to each app."""

import math
import time

from flask import request
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from ip4dialogue.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
cache = Cache()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in as an organiser to see that page."
login_manager.login_message_category = "info"
# Storage comes from RATELIMIT_STORAGE_URI: memory by default, Redis to share across workers.
limiter = Limiter(key_func=get_remote_address)


def submitted_email() -> str:
    """Limits per email address typed into a form, whatever the addresses it comes from."""
    return "email:" + request.form.get("email", "").strip().lower()


def seconds_until_allowed() -> int:
    """How long the request's breached rate limit lasts: the true wait, to say on the page."""
    breached = [limit for limit in limiter.current_limits if limit.breached]
    if not breached:
        return 60
    return max(1, math.ceil(max(limit.reset_at for limit in breached) - time.time()))
