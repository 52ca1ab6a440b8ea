"""python manage.py import_seeds [PATH ...]: import scraped author pages."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.importing import FileStatus, find_page_files, import_pages, summary_line

PROGRESS_MIN_FILES = 20
FOLDED = (
    "Folded into an older paper with the same abstract (two imports at once had left them "
    "apart): {count} papers."
)
WARNINGS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import author pages from files or folders (no PATH: the bundled sample pages). "
        "Exit status 0 when every file was imported or unchanged, 1 when any was rejected. "
        "Links to files outside the folders given, pipes, sockets, devices and dangling "
        "links are skipped and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="page files or folders")
        parser.add_argument(
            "--no-progress", action="store_true", help="never show the progress bar"
        )
        parser.add_argument(
            "--follow-links",
            action="store_true",
            help="follow links to files outside the folders given (links inside are followed)",
        )

    def handle(
        self,
        *args,
        paths: list[Path],
        no_progress: bool,
        follow_links: bool,
        verbosity: int,
        **options,
    ):
        paths = paths or [Path(settings.SAMPLE_PAGES_DIR)]
        files, missing = find_page_files(paths, follow_links=follow_links)
        if not files and not missing:
            raise CommandError(f"no page files under {', '.join(map(str, paths))}")
        tqdm.monitor_interval = 0  # no monitor thread: the importer forks its readers
        show_bar = not no_progress and verbosity > 0 and len(files) >= PROGRESS_MIN_FILES
        with tqdm(
            total=len(files), unit="file", disable=not show_bar, file=sys.stderr, leave=False
        ) as bar:
            report = import_pages(files, on_progress=bar.update)
        report.results[:0] = missing

        if verbosity > 1:
            for result in report.results:
                self.stdout.write(f"{result.status:>9}  {result.path}")
        warnings = report.warnings
        shown = warnings if verbosity > 1 else warnings[:WARNINGS_SHOWN] if verbosity else []
        for warning in shown:
            self.stderr.write(f"warning: {warning}", style_func=self.style.WARNING)
        if len(shown) < len(warnings) and verbosity:
            self.stderr.write(
                f"... and {len(warnings) - len(shown):,} more warnings (-v 2 lists them all)",
                style_func=self.style.WARNING,
            )
        for result in report.results:
            if result.status in (FileStatus.REJECTED, FileStatus.SKIPPED):
                style = self.style.ERROR if result.status == FileStatus.REJECTED else None
                self.stderr.write(f"{result.status}: {result.reason}", style_func=style)
        if report.folded_papers and verbosity:
            self.stdout.write(FOLDED.format(count=report.folded_papers))

        self.stdout.write(summary_line(report))
        if report.rejected:
            sys.exit(1)
