"""The worker's tasks: deliver one message, sweep up what was missed, and the scheduled work."""

from celery import Task, shared_task
from flask import current_app

from ip4dialogue.jobs import outbox, schedule


@shared_task(name=outbox.DELIVER_TASK, bind=True, max_retries=None)
def deliver(task: Task, message_id: int) -> None:
    """Deliver one message; a temporary failure comes back after its backoff, and a sent one
    lets the next message to the same address go."""
    outcome = outbox.deliver(message_id)
    if outcome.follow is not None:
        outbox.hand_on([outcome.follow])
    if outcome.retry_in is not None:
        raise task.retry(countdown=outcome.retry_in)


@shared_task(name="ip4dialogue.jobs.sweep")
def sweep() -> None:
    outbox.hand_on(outbox.sweep(grace_seconds=current_app.config["OUTBOX_SWEEP_SECONDS"]))


@shared_task(name=schedule.RUN_TASK)
def run_scheduled() -> None:
    schedule.run_all()
