"""Compute the curators' queues now, so that no curator waits for them."""

import time

from django.core.management.base import BaseCommand

from curation import selectors


class Command(BaseCommand):
    help = (
        "Compute the curators' queues (pages to assign, duplicate papers and authors, "
        "profiles that may mix people) into the shared queue cache. Run it after a "
        "large import, or from cron more often than QUEUE_CACHE_SECONDS."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        queues = selectors.queues(*selectors.QUEUE_LENGTH, refresh=True)
        figures = ", ".join(f"{len(q.items)} {name}" for name, q in queues.items())
        self.stdout.write(f"Queues computed in {time.perf_counter() - started:.1f}s: {figures}.")
