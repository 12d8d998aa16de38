"""Work that leaves the web request: the outbox of mail, the Celery tasks that deliver it, and
the beat schedule of what runs by the clock."""
