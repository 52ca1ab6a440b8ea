"""Ask the background worker for a full computation of the curators' queues on a
schedule (run beside ``manage.py db_worker``; cron running ``compute_queues
--enqueue`` does the same)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from curation import queues


class Command(BaseCommand):
    help = (
        "Every QUEUE_SCHEDULE_SECONDS (or --every), ask the worker to compute the "
        "curators' queues in full. Runs until stopped; --once asks once and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=None, help="seconds between runs")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, every: int | None, once: bool, **options):
        every = every or settings.QUEUE_SCHEDULE_SECONDS
        while True:
            queues.request_refresh(full=True)
            self.stdout.write(f"Asked for a full computation of the queues (every {every}s).")
            self.stdout.flush()
            if once:
                return
            time.sleep(every)
