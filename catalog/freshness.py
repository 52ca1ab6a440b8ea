"""Which public pages a change renews: the ``page_changed_at`` version of authors and papers.

A profile shows the author, their papers (titles, venues, the pages claiming
them) and their co-authors' names; a paper's page shows the paper, its venues,
its authors' names and the pages claiming it. So when papers change, their pages
and the profiles of their authors change; when an author changes (a new name, a
merge), their profile, the pages of their papers and the profiles of their
co-authors change. :func:`renew_pages` moves the version of exactly those
records, in the caller's transaction; the page cache, ``ETag`` and
``Last-Modified`` of every other page stay as they were.

The same pass keeps ``Author.has_papers`` (at least one authorship: listed
publicly) for every author it renews: an author whose last authorship went (a
page unassigned) leaves the lists, and comes back when an undo returns it.

Once the transaction commits, ``catalogue_changed`` is sent (the curators' queues
are computed again from what changed). Shared upkeep of the importer and the
curation services (both call it; it calls neither).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .bulk import chunks
from .models import Author, Authorship, Paper
from .signals import catalogue_changed

CHUNK = 5_000  # ids per IN list (SQLite's variable limit is 32,766)


def renew_pages(
    *,
    papers: Iterable[int] = (),
    authors: Iterable[int] = (),
    renamed_authors: Iterable[int] = (),
) -> None:
    """Move the page version of everything that shows these records.

    ``papers``: papers whose own page content changed (fields, venues, entries,
    authorships): their pages and their authors' profiles renew.
    ``authors``: authors whose profile changed (a page assigned, a paper gained).
    ``renamed_authors``: authors whose name, slug or liveness changed, as others
    show them: also their papers' pages and their co-authors' profiles.
    """
    now = timezone.now()
    renamed = set(renamed_authors)
    paper_ids = set(papers)
    for part in chunks(sorted(renamed), CHUNK):
        paper_ids.update(
            Authorship.objects.filter(author_id__in=part).values_list("paper_id", flat=True)
        )
    author_ids = set(authors) | renamed
    for part in chunks(sorted(paper_ids), CHUNK):
        Paper.objects.filter(pk__in=part).update(page_changed_at=now)
        author_ids.update(
            Authorship.objects.filter(paper_id__in=part).values_list("author_id", flat=True)
        )
    for part in chunks(sorted(author_ids), CHUNK):
        Author.objects.filter(pk__in=part).update(page_changed_at=now)
        _keep_has_papers(part)
    transaction.on_commit(lambda: catalogue_changed.send(sender=Paper), robust=True)


def _keep_has_papers(author_ids: list[int]) -> None:
    """Set ``has_papers`` of these authors from their authorships: three queries."""
    with_papers = set(
        Authorship.objects.filter(author_id__in=author_ids)
        .order_by()
        .values_list("author_id", flat=True)
        .distinct()
    )
    Author.objects.filter(pk__in=with_papers, has_papers=False).update(has_papers=True)
    Author.objects.filter(pk__in=set(author_ids) - with_papers, has_papers=True).update(
        has_papers=False
    )
