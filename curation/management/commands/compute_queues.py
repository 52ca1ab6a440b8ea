"""Compute the curators' queues now (in this process), or ask the worker to."""

from django.core.management.base import BaseCommand, CommandError

from curation import queues


class Command(BaseCommand):
    help = (
        "Compute the curators' queues (pages to assign, duplicate papers and authors, "
        "profiles that may mix people) into the shared queue cache, in full. "
        "--changes: only what changed since the last computation. --enqueue: leave "
        "it to the background worker (manage.py db_worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--changes", action="store_true", help="only what changed since the last run"
        )
        parser.add_argument("--enqueue", action="store_true", help="ask the worker instead")

    def handle(self, *args, changes: bool, enqueue: bool, **options):
        if enqueue:
            queues.request_refresh(full=not changes)
            self.stdout.write("Asked the worker to compute the queues.")
            return
        state = queues.compute(full=not changes)
        if state is None:
            raise CommandError("Another process is computing the queues; asked again for later.")
        figures = ", ".join(f"{len(items)} {name}" for name, items in state.items.items())
        kind = "in full" if state.full else f"for {state.changed_records} changed records"
        self.stdout.write(f"Queues computed {kind} in {state.seconds:.1f}s: {figures}.")
