"""Readers' reports ("Report a problem"): ``file_report`` stores one, checked, and
``within_report_rate`` counts a client's reports in the shared ``throttle`` cache
(REPORT_RATE an hour per address), so every server process sees the same count.

Readers have no account; what they write is only ever shown escaped, to curators,
and changes nothing in the catalogue until a curator acts on it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction

from .counters import count_one
from .models import Author, Paper, ReaderReport

Kind = ReaderReport.Kind

NEEDS_AUTHOR = "Say which author: the report is about a profile."
NEEDS_PAPER = "Say which paper is not by this author (its address or its title)."
PAPER_NOT_THEIRS = "“{paper}” is not among {author}'s papers."
NEEDS_OTHER = "Give the address of the other profile of the same person."
SAME_PROFILE = "The other profile is this one: give another profile's address."
NEEDS_TEXT = "Say what is wrong, in a few words."
MAX_TEXT = 2000


def file_report(
    *,
    kind: str,
    author: Author | None = None,
    paper: Paper | None = None,
    other_author: Author | None = None,
    text: str = "",
) -> ReaderReport:
    """Store a reader's report after checking it holds what its kind needs; raises
    ``ValidationError`` (by field) with one of this module's messages."""
    text = text.strip()[:MAX_TEXT]
    errors: dict[str, str] = {}
    if kind in (Kind.NOT_BY_AUTHOR, Kind.SAME_PERSON, Kind.WRONG_NAME) and author is None:
        errors["author"] = NEEDS_AUTHOR
    if kind == Kind.NOT_BY_AUTHOR:
        if paper is None:
            errors["paper"] = NEEDS_PAPER
        elif author is not None and not author.authorships.filter(paper=paper).exists():
            errors["paper"] = PAPER_NOT_THEIRS.format(paper=paper, author=author)
    if kind == Kind.SAME_PERSON:
        if other_author is None:
            errors["other_author"] = NEEDS_OTHER
        elif author is not None and other_author.pk == author.pk:
            errors["other_author"] = SAME_PROFILE
    if kind in (Kind.WRONG_NAME, Kind.OTHER) and not text:
        errors["text"] = NEEDS_TEXT
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return ReaderReport.objects.create(
            kind=kind,
            author=author,
            paper=paper if kind in (Kind.NOT_BY_AUTHOR, Kind.OTHER) else None,
            other_author=other_author if kind == Kind.SAME_PERSON else None,
            text=text,
        )


def within_report_rate(ident: str) -> bool:
    """Count one report from ``ident`` (a client address) and say whether it is
    within REPORT_RATE this hour (refused attempts count too)."""
    key = f"reports:{ident}:{int(time.time() // 3600)}"
    return count_one(caches["throttle"], key, 7200) <= settings.REPORT_RATE
