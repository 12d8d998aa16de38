"""Gunicorn settings: `gunicorn -c python:ip4dialogue.gunicorn_conf 'ip4dialogue:create_app()'`.

Each worker builds its own app and its own database pool (no preloading: a pool must not be
shared across fork), and holds no state between requests, so any number of workers or
machines can serve behind a load balancer. Override with GUNICORN_* environment variables
or command-line flags.
"""

import gc
import multiprocessing
import os
import re
from typing import Any

from gunicorn.glogging import Logger

# Private links and invitation codes are secrets: they never reach a log file.
_SECRETS = re.compile(r"(/registrations/|/consent/|/team/join/|/login/reset/|[?&]code=)[^/\s?&\"]+")


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
# The slowest answer, a briefing book of 2,000 sessions made for the first time, takes 17 s on
# an idle core and 45 s on a loaded one (benchmarks/briefing.py): it must not be killed.
timeout = 90
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then, so a slow leak can never grow unbounded
max_requests_jitter = 200
preload_app = False
accesslog = "-"
logger_class = RedactingLogger
errorlog = "-"
forwarded_allow_ips = os.environ.get("IP4DIALOGUE_FORWARDED_ALLOW_IPS", "127.0.0.1")


# The collector, tuned for a worker that has started: see tune_garbage_collector.
YOUNG_GENERATION_THRESHOLD = 50_000
OLDER_GENERATION_THRESHOLDS = (20, 100)


def tune_garbage_collector() -> None:
    """Once the app is loaded: freeze what start-up allocated (modules, mappers, templates),
    so no collection walks it again, and collect the youngest generation after 50,000
    allocations rather than 700. A request builds tens of thousands of short-lived objects
    (ORM rows, calendar lines); with the defaults, collections ran in the middle of requests
    over an ever larger heap, and a cold feed cost 1.1 to 2 times its floor from one
    measurement to the next (benchmarks/run.py shows both settings side by side)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *OLDER_GENERATION_THRESHOLDS)


def post_worker_init(worker: Any) -> None:
    tune_garbage_collector()
