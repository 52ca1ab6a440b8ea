"""Reads of the API's detail views: a record with the first items of each of its lists
and their counts (the embedded lists), and the lookups only the API makes.

Built on :mod:`catalog.selectors`, whose querysets the list endpoints page through.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404

from ..models import Author, Authorship, Paper, SourceEntry, SourcePage, Venue
from ..selectors import (
    author_coauthors,
    author_papers,
    count_per_row,
    page_entries,
    page_list,
    paper_authorships,
    paper_entries,
    venue_appearances,
    venue_list,
)


def venue_by_slug(slug: str) -> Venue:
    """The venue of this slug, with its paper count. Raises Http404."""
    venue = venue_list().filter(slug=slug).first()
    if venue is None:
        raise Http404("No venue has this address.")
    return venue


def page_by_source(source: str) -> SourcePage:
    """The page of this source name, with its author and entry count. Raises Http404."""
    page = page_list().filter(source=source).first()
    if page is None:
        raise Http404("No page has this source name.")
    return page


def author_with_provenance(author: Author, *, limit: int) -> Author:
    """``author`` with its name variants, ``paper_count``, its first ``limit``
    authorships (in :func:`author_papers` order, each with paper, venues and
    claiming entries) as ``authorships_shown``, ``coauthor_count`` and its
    ``limit`` closest co-authors as ``coauthors_shown``: seven queries."""
    prefetch_related_objects([author], "names")
    author.paper_count = Authorship.objects.filter(author=author).count()
    author.authorships_shown = list(author_papers(author)[:limit])
    coauthors = author_coauthors(author)
    author.coauthor_count = coauthors.count()
    author.coauthors_shown = list(coauthors[:limit])
    return author


def paper_with_provenance(paper: Paper, *, limit: int) -> Paper:
    """``paper`` with its venues, ``author_count``, its first ``limit`` authorships
    (each with its claiming entries) as ``authorships_shown``, ``entry_count`` and
    its first ``limit`` page entries as ``entries_shown``: five queries."""
    counts = (
        Paper.objects.filter(pk=paper.pk)
        .values(
            author_count=count_per_row(Authorship, "paper"),
            entry_count=count_per_row(SourceEntry, "paper"),
        )
        .get()
    )
    paper.author_count, paper.entry_count = counts["author_count"], counts["entry_count"]
    prefetch_related_objects([paper], Prefetch("appearances", queryset=venue_appearances()))
    paper.authorships_shown = list(paper_authorships(paper)[:limit])
    paper.entries_shown = list(paper_entries(paper)[:limit])
    return paper


def page_with_entries(source: str, *, limit: int) -> SourcePage:
    """The page of this source name with ``entry_count`` and its first ``limit``
    entries as ``entries_shown``: two queries. Raises Http404."""
    page = page_by_source(source)
    page.entries_shown = list(page_entries(page)[:limit])
    return page
