"""python manage.py export_catalog [--format json|jsonl|csv] [--output FILE]."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.exporting import FORMATS, write_export


class Command(BaseCommand):
    help = "Write a deterministic dump of the catalogue (same content, same bytes)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args, format: str, output: Path | None, **options):
        if output is None:
            self.stdout.ending = ""  # the export writes its own line ends
            write_export(self.stdout, format)
            return
        tmp = output.with_name(output.name + ".partial")
        with tmp.open("w", encoding="utf-8", newline="") as out:
            write_export(out, format)
        tmp.replace(output)
        self.stderr.write(f"wrote {output}")
