"""Gunicorn settings: `gunicorn -c python:ip4dialogue.gunicorn_conf 'ip4dialogue:create_app()'`.

Each worker builds its own app and its own database pool (no preloading: a pool must not be
shared across fork), and holds no state between requests, so any number of workers or
machines can serve behind a load balancer. Override with GUNICORN_* environment variables
or command-line flags.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

# Private links and invitation codes are secrets: they never reach a log file.
_SECRETS = re.compile(r"(/registrations/|[?&]code=)[^/\s?&\"]+")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = _SECRETS.sub(r"\1[private]", atoms[key])
        return atoms


bind = os.environ.get("IP4DIALOGUE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("IP4DIALOGUE_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then, so a slow leak can never grow unbounded
max_requests_jitter = 200
preload_app = False
accesslog = "-"
logger_class = RedactingLogger
errorlog = "-"
forwarded_allow_ips = os.environ.get("IP4DIALOGUE_FORWARDED_ALLOW_IPS", "127.0.0.1")
