"""Readers' reports, decided by a curator: ``resolve_report`` (the problem is
fixed, usually by an ordinary action the report page links to) and
``dismiss_report`` (with a reason). Each is one audited action that undo reverts.

Resolving "this paper is not by this author" also records, for every anonymous
page still waiting that lists the paper, that the page is not that author's: the
constraint a curator's "Not this author" records, so the matcher stops offering
the author for it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from catalog.models import ReaderReport, SourcePage
from catalog.selectors import author_by_pk, paper_by_pk

from ..models import CurationAction, RejectedSuggestion
from .frame import lock, recording, require_curator
from .messages import REASON_REQUIRED, REPORT_DECIDED

Kind = CurationAction.Kind


def _decide(
    *, report: ReaderReport, actor: AbstractBaseUser, kind: str, state: str, note: str
) -> CurationAction:
    require_curator(actor)
    with transaction.atomic():
        report = lock(ReaderReport, [report.pk])[report.pk]
        if report.state != ReaderReport.State.OPEN:
            raise ValidationError(
                REPORT_DECIDED.format(state=report.get_state_display()), code="decided"
            )
        with recording(kind, actor) as (action, journal):
            journal.watch(ReaderReport, Q(pk=report.pk))
            if state == ReaderReport.State.RESOLVED:
                _not_this_author(report, action, journal)
            report.state, report.decided_at = state, timezone.now()
            report.decision = Truncator(note.strip()).chars(500)
            report.save(update_fields=["state", "decided_at", "decision"])
            verb = "Resolved" if state == ReaderReport.State.RESOLVED else "Dismissed"
            action.summary = f"{verb} report #{report.pk}: {report}"
        return action


def _not_this_author(report: ReaderReport, action: CurationAction, journal) -> None:
    """For a "not by this author" report: the waiting pages listing the paper are
    recorded as not the author's."""
    if report.kind != ReaderReport.Kind.NOT_BY_AUTHOR or not (report.author and report.paper):
        return
    # The records as they are now: merged since the report, their survivors.
    author, paper = author_by_pk(report.author_id), paper_by_pk(report.paper_id)
    pages = SourcePage.objects.filter(
        kind=SourcePage.Kind.ANONYMOUS, author__isnull=True, entries__paper=paper
    ).exclude(rejected_authors__author=author)
    page_ids = sorted(set(pages.values_list("pk", flat=True)))
    if not page_ids:
        return
    journal.watch(RejectedSuggestion, Q(author=author, page_id__in=page_ids))
    RejectedSuggestion.objects.bulk_create(
        [RejectedSuggestion(page_id=p, author=author, action=action) for p in page_ids]
    )


def resolve_report(
    *, report: ReaderReport, actor: AbstractBaseUser, note: str = ""
) -> CurationAction:
    """The problem is fixed (or was not one to fix by hand): the report leaves the
    queue with the curator's ``note``."""
    return _decide(
        report=report, actor=actor, kind=Kind.RESOLVE_REPORT, state="resolved", note=note
    )


def dismiss_report(*, report: ReaderReport, actor: AbstractBaseUser, reason: str) -> CurationAction:
    """The report is wrong or cannot be acted on: it leaves the queue with ``reason``
    (required)."""
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED, code="reason")
    return _decide(
        report=report, actor=actor, kind=Kind.DISMISS_REPORT, state="dismissed", note=reason
    )
