"""Assign an anonymous page to an author, and take it back (unassign).

The import assigns named pages itself; curators assign the anonymous ones. Splits
and merges are in ``edits`` and ``merges``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from catalog.bulk import update_rows
from catalog.models import Author, AuthorName, Authorship, DecidedBy, SourceEntry, SourcePage

from ..models import CurationAction, RejectedSuggestion
from .frame import check_version, lock, recording, require_curator, require_live, touch
from .messages import (
    ALREADY_REJECTED,
    CHOOSE_ONE_AUTHOR,
    PAGE_ALREADY_ASSIGNED,
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
            # A curator's "not this author" for this page and author is taken back.
            journal.watch(RejectedSuggestion, Q(page=page))
            if author.pk is not None:
                RejectedSuggestion.objects.filter(page=page, author=author).delete()
            journal.watch(Author, Q(slug=author.slug))
            journal.watch(AuthorName, Q(author__slug=author.slug))
            journal.watch(SourcePage, Q(pk=page.pk))
            journal.watch(SourceEntry, Q(page=page))
            paper_ids = set(page.entries.values_list("paper_id", flat=True))
            journal.watch(Authorship, Q(author__slug=author.slug, paper_id__in=paper_ids))
            if author.pk is None:
                save_new_author(author)
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
            touch(Author, [author.pk])
            action.summary = (
                f"Assigned page {page.source} ({len(paper_ids)} papers) to {author.display_name}"
            )
        return action


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
