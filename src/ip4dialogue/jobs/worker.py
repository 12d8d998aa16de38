"""The Celery app, bound to the Flask app (after Flask's "Background Tasks with Celery").

Created only when IP4DIALOGUE_BROKER_URL is set; without it there is no worker, and the
outbox is delivered in-process after each commit. Tasks run inside the app's context, each
with a database session of its own that is removed when the task ends.
"""

from pathlib import Path
from typing import Any

from celery import Celery, Task
from flask import Flask

from ip4dialogue.jobs import schedule

# Modules whose tasks the worker runs (named, not imported: the web process only sends).
TASK_MODULES = ("ip4dialogue.jobs.tasks",)


def beat_schedule(sweep_seconds: int, schedule_seconds: int) -> dict[str, dict[str, Any]]:
    """What runs by the clock: the outbox sweep, and the areas' scheduled work."""
    return {
        "sweep-outbox": {"task": "ip4dialogue.jobs.sweep", "schedule": float(sweep_seconds)},
        "scheduled-work": {"task": schedule.RUN_TASK, "schedule": float(schedule_seconds)},
    }


def init_app(app: Flask) -> Celery | None:
    broker = app.config["BROKER_URL"]
    if not broker:
        return None

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask, include=list(TASK_MODULES))
    celery.conf.update(
        broker_url=broker,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # Publishing after a commit must not hang a request when the broker is down: a couple
        # of quick tries, then the row waits for the sweep.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2},
        task_default_queue=app.config["BROKER_QUEUE"],
        task_ignore_result=True,
        # A task is acknowledged once done, so a worker that dies gives it back to the queue.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        timezone="UTC",
        beat_schedule=beat_schedule(
            app.config["OUTBOX_SWEEP_SECONDS"], app.config["SCHEDULE_SECONDS"]
        ),
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
    )
    app.extensions["celery"] = celery
    return celery
