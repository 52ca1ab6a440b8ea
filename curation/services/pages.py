"""Assign an anonymous page to an author (or many at once: the confident
suggestions), and take it back (unassign).

The import assigns named pages itself; curators assign the anonymous ones. Splits
and merges are in ``edits`` and ``merges``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from catalog.bulk import update_rows
from catalog.models import Author, AuthorName, Authorship, DecidedBy, SourceEntry, SourcePage

from ..journal import Journal
from ..models import CurationAction, RejectedSuggestion
from .frame import check_version, lock, recording, require_curator, require_live, touch
from .messages import (
    ALREADY_REJECTED,
    AUTHOR_GONE_MEANWHILE,
    CHOOSE_ONE_AUTHOR,
    NOTHING_TO_DO,
    PAGE_ALREADY_ASSIGNED,
    PAGE_ASSIGNED_MEANWHILE,
    PAGE_GONE_MEANWHILE,
    PAGE_LISTED_TWICE,
    PAGE_NOT_ASSIGNED,
    PAGE_NOT_CURATOR_ASSIGNED,
    REJECT_OWN_AUTHOR,
)
from .records import NewAuthor, build_author, save_new_author

Kind = CurationAction.Kind


def assign_page(
    *,
    page: SourcePage,
    actor: AbstractBaseUser,
    author: Author | None = None,
    new_author: NewAuthor | None = None,
    version: str | None = None,
) -> CurationAction:
    """Give an unassigned page to an author (an existing one, or one created now).

    Every entry of the page claims an authorship of that author for its paper:
    the entry is the authorship's provenance. Curated: no import changes it.
    """
    require_curator(actor)
    if (author is None) == (new_author is None):
        raise ValidationError(CHOOSE_ONE_AUTHOR, code="choose")
    with transaction.atomic():
        page = lock(SourcePage, [page.pk])[page.pk]
        # The version covers the page the form showed; the author is picked in the form.
        check_version([page], version)
        if author is not None:
            author = lock(Author, [author.pk])[author.pk]
            require_live([author])
        if page.author_id is not None:
            raise ValidationError(
                PAGE_ALREADY_ASSIGNED.format(page=page, author=page.author), code="assigned"
            )
        if new_author is not None:
            author = build_author(new_author, identity=page.source)
        assert author is not None
        with recording(Kind.ASSIGN_PAGE, actor) as (action, journal):
            [papers] = _give_pages(journal, [(page, author)])
            action.summary = (
                f"Assigned page {page.source} ({papers} papers) to {author.display_name}"
            )
        return action


def assign_pages(
    *, assignments: Sequence[tuple[SourcePage, Author]], actor: AbstractBaseUser
) -> CurationAction:
    """Give each page to its author in one action, which one undo reverts (the
    dashboard's "Accept all confident suggestions"). Each page gets exactly what
    :func:`assign_page` gives it.

    Refused, with nothing written, when a page is listed twice, is gone or was
    assigned meanwhile, or when its author was merged away or removed since: the
    message names the page.
    """
    require_curator(actor)
    if not assignments:
        raise ValidationError(NOTHING_TO_DO, code="nothing")
    listed: set[int] = set()
    for page, _ in assignments:
        if page.pk in listed:
            raise ValidationError(PAGE_LISTED_TWICE.format(page=page), code="twice")
        listed.add(page.pk)
    with transaction.atomic():
        pages = lock(SourcePage, [page.pk for page, _ in assignments])
        authors = lock(Author, [author.pk for _, author in assignments if author.pk is not None])
        locked: list[tuple[SourcePage, Author]] = []
        for page, author in assignments:
            current = pages.get(page.pk)
            if current is None:
                raise ValidationError(PAGE_GONE_MEANWHILE.format(page=page), code="gone")
            if current.author_id is not None:
                raise ValidationError(
                    PAGE_ASSIGNED_MEANWHILE.format(page=current, author=current.author),
                    code="assigned",
                )
            live = authors.get(author.pk)
            if live is None or live.merged_into_id is not None:
                raise ValidationError(
                    AUTHOR_GONE_MEANWHILE.format(page=current, author=author), code="merged"
                )
            locked.append((current, live))
        with recording(Kind.ASSIGN_PAGES, actor) as (action, journal):
            _give_pages(journal, locked)
            count = len(locked)
            pairs = "; ".join(f"{page.source} -> {author.inverted_name}" for page, author in locked)
            action.summary = (
                f"Assigned {count} page{'s' if count != 1 else ''} to their confident "
                f"suggestions: {pairs}"
            )
        return action


def _give_pages(journal: Journal, assignments: Sequence[tuple[SourcePage, Author]]) -> list[int]:
    """Give each locked, unassigned page to its author (saved here if new): every
    entry of the page claims an authorship of that author for its paper, created if
    missing. Curated: no import changes it. A curator's "not this author" for the
    page and author is taken back. Returns how many papers each page lists.

    Every row is watched before anything is written, so that a row one page's
    assignment creates is recorded as created even when another page of the same
    author then uses it (undo deletes it).
    """
    papers = [set(page.entries.values_list("paper_id", flat=True)) for page, _ in assignments]
    for (page, author), paper_ids in zip(assignments, papers, strict=True):
        journal.watch(RejectedSuggestion, Q(page=page))
        journal.watch(Author, Q(slug=author.slug))
        journal.watch(AuthorName, Q(author__slug=author.slug))
        journal.watch(SourcePage, Q(pk=page.pk))
        journal.watch(SourceEntry, Q(page=page))
        journal.watch(Authorship, Q(author__slug=author.slug, paper_id__in=paper_ids))
    for (page, author), paper_ids in zip(assignments, papers, strict=True):
        if author.pk is None:
            save_new_author(author)
        else:
            RejectedSuggestion.objects.filter(page=page, author=author).delete()
        present = dict(
            Authorship.objects.filter(author=author, paper_id__in=paper_ids).values_list(
                "paper_id", "pk"
            )
        )
        Authorship.objects.bulk_create(
            [
                Authorship(
                    paper_id=paper_id,
                    author=author,
                    decided_by=DecidedBy.CURATOR,
                    curated=True,
                )
                for paper_id in sorted(paper_ids - present.keys())
            ]
        )
        present = dict(
            Authorship.objects.filter(author=author, paper_id__in=paper_ids).values_list(
                "paper_id", "pk"
            )
        )
        update_rows(
            SourceEntry,
            ["authorship"],
            [
                (present[paper_id], pk)
                for pk, paper_id in page.entries.values_list("pk", "paper_id")
            ],
        )
        page.author = author
        page.assigned_by = DecidedBy.CURATOR
        page.save(update_fields=["author", "assigned_by", "updated_at"])
    touch(Author, [author.pk for _, author in assignments])
    return [len(paper_ids) for paper_ids in papers]


def check_unassignable(page: SourcePage) -> None:
    """Only a page a curator assigned can be unassigned (the import's are split)."""
    if page.author_id is None:
        raise ValidationError(PAGE_NOT_ASSIGNED.format(page=page), code="unassigned")
    if page.assigned_by != DecidedBy.CURATOR:
        raise ValidationError(PAGE_NOT_CURATOR_ASSIGNED.format(page=page), code="import")


def unassign_page(
    *, page: SourcePage, actor: AbstractBaseUser, version: str | None = None
) -> CurationAction:
    """Take a page back from the author a curator gave it to: its entries claim
    nothing, and authorships that only this page supported go."""
    require_curator(actor)
    with transaction.atomic():
        page = lock(SourcePage, [page.pk])[page.pk]
        check_version([page], version)
        check_unassignable(page)
        author = page.author
        with recording(Kind.UNASSIGN_PAGE, actor) as (action, journal):
            paper_ids = set(page.entries.values_list("paper_id", flat=True))
            journal.watch(SourcePage, Q(pk=page.pk))
            journal.watch(SourceEntry, Q(page=page))
            journal.watch(Authorship, Q(author=author, paper_id__in=paper_ids))
            journal.watch(RejectedSuggestion, Q(page=page, author=author))
            page.entries.update(authorship=None)
            Authorship.objects.filter(
                author=author, paper_id__in=paper_ids, entries__isnull=True
            ).delete()
            page.author = None
            page.assigned_by = ""
            page.save(update_fields=["author", "assigned_by", "updated_at"])
            RejectedSuggestion.objects.get_or_create(
                page=page, author=author, defaults={"action": action}
            )
            touch(Author, [author.pk])
            action.summary = f"Unassigned page {page.source} from {author.display_name}"
        return action


def reject_suggestion(
    *, page: SourcePage, author: Author, actor: AbstractBaseUser
) -> CurationAction:
    """'Not this author': the page is not ``author``'s. Its suggestions never offer the
    author again (assigning the page to them later takes this back)."""
    require_curator(actor)
    with transaction.atomic():
        page = lock(SourcePage, [page.pk])[page.pk]
        author = lock(Author, [author.pk])[author.pk]
        if page.author_id == author.pk:
            raise ValidationError(REJECT_OWN_AUTHOR.format(page=page, author=author), code="own")
        if RejectedSuggestion.objects.filter(page=page, author=author).exists():
            raise ValidationError(
                ALREADY_REJECTED.format(page=page, author=author), code="rejected"
            )
        with recording(Kind.REJECT_SUGGESTION, actor) as (action, journal):
            journal.watch(RejectedSuggestion, Q(page=page, author=author))
            RejectedSuggestion.objects.create(page=page, author=author, action=action)
            touch(Author, [author.pk])  # the queues look at the author's pages again
            action.summary = f"Page {page.source} is not {author.display_name}'s"
        return action
