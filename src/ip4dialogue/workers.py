"""The Celery app of a configured deployment, for the `celery` command of larger ones:

celery -A ip4dialogue.workers worker --loglevel INFO
celery -A ip4dialogue.workers beat --loglevel INFO
"""

from ip4dialogue import create_app
from ip4dialogue.config import ConfigurationError

_flask_app = create_app()
celery = _flask_app.extensions.get("celery")
if celery is None:
    raise ConfigurationError("IP4DIALOGUE_BROKER_URL is not set: a worker needs a broker.")
