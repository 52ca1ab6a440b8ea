"""Retrain the page-to-author matcher from the shipped examples and curators' decisions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curation.finders.page_facts import decision_examples
from curation.matcher.mixed import MIXED_FEATURES
from curation.matcher.training import (
    SHIPPED_EXAMPLES,
    SHIPPED_MIXED_EXAMPLES,
    Example,
    cross_validate,
    cross_validate_mixed,
    fit,
    fit_mixed,
    read_examples,
)

MIN_DECISIONS = 30  # decided pages below which the shipped model stays in use


class Command(BaseCommand):
    help = (
        "Retrain the page-to-author matcher from the shipped labelled examples plus the "
        "catalogue's own decisions (pages curators assigned, suggestions they rejected), "
        "print cross-validated figures, and write the model file the app loads "
        "(MATCHER_MODEL, or --output). With fewer than "
        f"{MIN_DECISIONS} decided pages nothing is written: the shipped model stays in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="model file to write (default: MATCHER_MODEL)")
        parser.add_argument(
            "--shipped-only",
            action="store_true",
            help="learn from the shipped examples alone (how curation/matcher/model.json is made)",
        )
        parser.add_argument("--examples", default=str(SHIPPED_EXAMPLES), help=argparse.SUPPRESS)
        parser.add_argument(
            "--mixed-examples", default=str(SHIPPED_MIXED_EXAMPLES), help=argparse.SUPPRESS
        )

    def handle(
        self,
        *args,
        output: str | None,
        shipped_only: bool,
        examples: str,
        mixed_examples: str,
        **options,
    ):
        target = output or getattr(settings, "MATCHER_MODEL", "")
        if not target:
            raise CommandError(
                "Give --output FILE, or set MATCHER_MODEL to the file the app loads."
            )
        try:
            shipped = read_examples(Path(examples))
            profiles = read_examples(Path(mixed_examples), features=MIXED_FEATURES)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the examples: {error}") from error
        decided: list[Example] = []
        if not shipped_only:
            decided = [Example(*row) for row in decision_examples()]
            pages = len({e.page for e in decided})
            self.stdout.write(f"Curators' decisions: {pages} pages, {len(decided)} examples.")
            if pages < MIN_DECISIONS:
                self.stdout.write(
                    f"Fewer than {MIN_DECISIONS} decided pages: not enough to learn from; "
                    "nothing written, the shipped model stays in use."
                )
                return
        examples_used = [*shipped, *decided]
        figures = cross_validate(examples_used)
        self.stdout.write(
            f"Cross-validated by owner ({figures['pages']:,} pages, {len(examples_used):,} "
            f"examples): right author first {figures['top1']:.1%}, in the first three "
            f"{figures['top3']:.1%}; pages without a profile not assigned "
            f"{figures['new_or_review']:.1%}; assign on {figures['assigned']:.1%} of pages, "
            f"right {figures['assign_precision']:.1%}; expected calibration error "
            f"{figures['ece']:.3f}."
        )
        content = fit(
            examples_used,
            about={
                "shipped_examples": len(shipped),
                "decision_examples": len(decided),
                "cross_validated": {k: round(v, 4) for k, v in figures.items()},
            },
        )
        mixed = cross_validate_mixed(profiles)
        self.stdout.write(
            f"Mixed profiles, cross-validated by name ({mixed['profiles']:,} profiles, "
            f"{mixed['mixed']:,} mixed): flagged {mixed['recall']:.1%} of mixed ones and "
            f"{mixed['false_alarms']:.1%} of single-person ones; expected calibration "
            f"error {mixed['ece']:.3f}."
        )
        content["mixed"] = fit_mixed(profiles)
        content["about"]["mixed_cross_validated"] = {k: round(v, 4) for k, v in mixed.items()}
        path = Path(target)
        path.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        self.stdout.write(
            f"Wrote {path}: assign at {content['assign_threshold']:.2f} or more, "
            f"new author at {content['new_author_threshold']:.2f} or more; profiles "
            f"flagged at {content['mixed']['flag_threshold']:.2f} or more."
        )
