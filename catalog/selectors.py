"""Reads of the catalogue, shared by pages, API, admin and commands.

Each function returns a queryset (or plain values) with the joins and prefetches
its readers need, so a page costs the same number of queries for an author with
one paper as for one with two thousand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    AuthorSlugAlias,
    MergeableRecord,
    Paper,
    PaperSlugAlias,
    SourceEntry,
    SourcePage,
    Venue,
)
from .normalize import fold


@dataclass(frozen=True)
class CatalogueFigures:
    authors: int
    papers: int
    titled_papers: int
    abstract_only_papers: int
    venues: int
    authorships: int
    pages: int
    unassigned_pages: int


def live_authors() -> QuerySet[Author]:
    return Author.objects.filter(merged_into__isnull=True)


def live_papers() -> QuerySet[Paper]:
    return Paper.objects.filter(merged_into__isnull=True)


def unassigned_pages() -> QuerySet[SourcePage]:
    return SourcePage.objects.filter(author__isnull=True)


def catalogue_figures() -> CatalogueFigures:
    """The catalogue's headline numbers (merged records not counted)."""
    papers = live_papers().aggregate(
        total=Count("id"), abstract_only=Count("id", filter=Q(title=""))
    )
    pages = SourcePage.objects.aggregate(
        total=Count("id"), unassigned=Count("id", filter=Q(author__isnull=True))
    )
    return CatalogueFigures(
        authors=live_authors().count(),
        papers=papers["total"],
        titled_papers=papers["total"] - papers["abstract_only"],
        abstract_only_papers=papers["abstract_only"],
        venues=Venue.objects.count(),
        authorships=Authorship.objects.count(),
        pages=pages["total"],
        unassigned_pages=pages["unassigned"],
    )


def catalogue_last_changed() -> datetime | None:
    """The newest ``updated_at`` of papers, authors and pages: one query, three index
    lookups. Public pages use it for Last-Modified and as their cache key."""
    parts = " UNION ALL ".join(
        f"SELECT MAX(updated_at) AS stamp FROM {model._meta.db_table}"
        for model in (Paper, Author, SourcePage)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(stamp) FROM ({parts}) AS stamps")  # noqa: S608 - table names
        value = cursor.fetchone()[0]
    if isinstance(value, str):  # SQLite hands back the stored text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


# --- slugs, aliases and tombstones ----------------------------------------------


def _follow(record: MergeableRecord) -> MergeableRecord:
    """The live record a tombstone redirects to (chains followed: A -> B -> C gives C)."""
    seen = {record.pk}
    while record.merged_into_id is not None:
        record = type(record).objects.get(pk=record.merged_into_id)
        if record.pk in seen:  # a cycle would be a bug elsewhere: stop rather than spin
            break
        seen.add(record.pk)
    return record


def author_by_slug(slug: str) -> Author:
    """The live author a slug names: its own, an old alias, or a merged author's.

    Raises Http404 for a slug no author ever had. Callers compare ``.slug`` with
    what was asked and redirect (301) when they differ.
    """
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        alias = AuthorSlugAlias.objects.select_related("author").filter(slug=slug).first()
        if alias is None or alias.author is None:
            raise Http404("No author has this address.")
        author = alias.author
    return _follow(author)


def paper_by_slug(slug: str) -> Paper:
    """The live paper a slug names (see :func:`author_by_slug`)."""
    paper = Paper.objects.filter(slug=slug).first()
    if paper is None:
        alias = PaperSlugAlias.objects.select_related("paper").filter(slug=slug).first()
        if alias is None:
            raise Http404("No paper has this address.")
        paper = alias.paper
    return _follow(paper)


# --- authors ---------------------------------------------------------------------


def _count_per_row(model: type[models.Model], field: str) -> Subquery:
    """How many ``model`` rows point at the outer row through ``field`` (NULL for none).

    A correlated subquery runs only for the rows a page shows, where a JOIN with
    GROUP BY would count for every row before the LIMIT.
    """
    return Subquery(
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("id"))
        .values("n")
    )


def search_authors(queryset: QuerySet[Author], text: str) -> QuerySet[Author]:
    """Authors one of whose names holds every word of ``text``, ignoring case,
    accents, punctuation and order: 'lukasz', 'sutskever ilya', 'Ilya Sutskever'."""
    words = fold(text).split()
    if not words:
        return queryset
    names = AuthorName.objects.filter(
        Q(author=OuterRef("pk")), *[Q(search_key__contains=w) for w in words]
    )
    return queryset.filter(Exists(names) | Q(*[Q(sort_key__contains=w) for w in words]))


def author_list(*, query: str = "", letter: str = "") -> QuerySet[Author]:
    """Live authors in alphabetical order of family name, with their paper counts."""
    authors = live_authors()
    if query:
        authors = search_authors(authors, query)
    if letter:
        authors = authors.filter(sort_key__startswith=letter.lower())
    return authors.annotate(paper_count=_count_per_row(Authorship, "author")).order_by(
        "sort_key", "slug"
    )


def author_papers(author: Author, *, order: str = "title") -> QuerySet[Authorship]:
    """The author's authorships with paper, venues and claiming page entries.

    ``order``: "title" (abstract-only papers last), "venue", or "recent" (most
    recently added to the catalogue first).
    """
    orderings = {
        "title": ["-has_title", "paper__title_key", "paper__slug"],
        "venue": ["first_venue", "paper__title_key", "paper__slug"],
        "recent": ["-paper__created_at", "paper__slug"],
    }
    first_venue = Subquery(
        Appearance.objects.filter(paper=OuterRef("paper"))
        .order_by("venue__name")
        .values("venue__name")[:1]
    )
    return (
        Authorship.objects.filter(author=author)
        .select_related("paper")
        .annotate(has_title=~Q(paper__title=""), first_venue=first_venue)
        .prefetch_related(
            Prefetch(
                "paper__appearances",
                queryset=Appearance.objects.select_related("venue").order_by("venue__name"),
            ),
            Prefetch(
                "entries",
                queryset=SourceEntry.objects.select_related("page").order_by(
                    "page__source", "position"
                ),
            ),
        )
        .order_by(*orderings.get(order, orderings["title"]))
    )


def coauthors(author: Author, *, limit: int | None = None) -> list[Author]:
    """Live authors sharing papers with ``author``, most shared first; ``.shared`` holds
    the count.

    Counted over the authorships of the author's papers (the paper index), then the
    authors fetched by id: two queries, a few milliseconds for 2,000 papers and
    300 co-authors, where joining authors first made SQLite scan them all.
    """
    papers = Authorship.objects.filter(author=author).values("paper_id")
    counts = dict(
        Authorship.objects.filter(paper_id__in=papers)
        .exclude(author=author)
        .order_by()
        .values_list("author_id")
        .annotate(shared=Count("id"))
    )
    found = live_authors().in_bulk(list(counts))
    for author_id, other in found.items():
        other.shared = counts[author_id]
    ranked = sorted(found.values(), key=lambda a: (-a.shared, a.sort_key, a.slug))
    return ranked if limit is None else ranked[:limit]


# --- papers and venues -------------------------------------------------------------


def paper_detail(paper: Paper) -> dict[str, object]:
    """Everything the paper page shows, in a fixed number of queries."""
    return {
        "venues": [
            a.venue for a in paper.appearances.select_related("venue").order_by("venue__name")
        ],
        "authorships": list(
            paper.authorships.select_related("author").order_by("author__sort_key")
        ),
        "entries": list(
            paper.entries.select_related("page", "authorship__author").order_by(
                "page__source", "position"
            )
        ),
    }


def paper_list(*, venue: Venue | None = None) -> QuerySet[Paper]:
    """Live papers (of a venue) with their venues and authors prefetched."""
    papers = live_papers()
    if venue is not None:
        papers = papers.filter(appearances__venue=venue)
    return papers.prefetch_related(
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("venue").order_by("venue__name"),
        ),
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("author__sort_key"),
        ),
    ).order_by("title_key", "slug")


SEARCH_LIMIT = 500
_WORD = re.compile(r"\w+")


def search_paper_ids(text: str, *, limit: int = SEARCH_LIMIT) -> list[int]:
    """Ids of live papers matching every word of ``text`` in title or abstract, best first.

    Full-text indexes do the work: FTS5 (with porter stemming) on SQLite, a GIN
    tsvector index on PostgreSQL. Words are passed as quoted terms or as plain
    text, so no search syntax reaches the engine from a user.
    """
    words = _WORD.findall(text)[:12]
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Ranked in the FTS index alone: merged papers are dropped when a page
            # of results is fetched (papers_in_order), which costs less than a join.
            cursor.execute(
                "SELECT rowid FROM catalog_paper_fts WHERE catalog_paper_fts MATCH %s "
                "ORDER BY rank, rowid LIMIT %s",
                [" ".join(f'"{w}"' for w in words), limit],
            )
        else:
            cursor.execute(
                "SELECT id FROM catalog_paper, plainto_tsquery('english', %s) AS query "
                "WHERE to_tsvector('english'::regconfig, title || ' ' || abstract) @@ query "
                "AND merged_into_id IS NULL "
                "ORDER BY ts_rank(to_tsvector('english'::regconfig, title || ' ' || abstract), "
                "query) DESC, id LIMIT %s",
                [" ".join(words), limit],
            )
        return [row[0] for row in cursor.fetchall()]


def papers_in_order(ids: list[int]) -> list[Paper]:
    """Live papers with these ids, in the order given, with their authors."""
    papers = (
        live_papers()
        .filter(id__in=ids)
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author").order_by("author__sort_key"),
            )
        )
    )
    by_id = {paper.id: paper for paper in papers}
    return [by_id[i] for i in ids if i in by_id]


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.annotate(paper_count=_count_per_row(Appearance, "venue")).order_by("name")


def page_list() -> QuerySet[SourcePage]:
    return SourcePage.objects.select_related("author").annotate(
        entry_count=_count_per_row(SourceEntry, "page")
    )


# --- API ---


def authors_in_venue(authors: QuerySet[Author], venue_slug: str) -> QuerySet[Author]:
    """Those of ``authors`` with a paper listed under the venue of this slug."""
    return authors.filter(
        Exists(
            Authorship.objects.filter(
                author=OuterRef("pk"), paper__appearances__venue__slug=venue_slug
            )
        )
    )


def papers_in_venue(papers: QuerySet[Paper], venue_slug: str) -> QuerySet[Paper]:
    """Those of ``papers`` listed under the venue of this slug."""
    return papers.filter(
        Exists(Appearance.objects.filter(paper=OuterRef("pk"), venue__slug=venue_slug))
    )


def papers_by_author(papers: QuerySet[Paper], author_slug: str) -> QuerySet[Paper]:
    """Those of ``papers`` written by the author this slug names (old slugs and
    merged authors lead to the survivor); none when no author ever had the slug."""
    try:
        author = author_by_slug(author_slug)
    except Http404:
        return papers.none()
    return papers.filter(Exists(Authorship.objects.filter(paper=OuterRef("pk"), author=author)))


def papers_with_words(papers: QuerySet[Paper], text: str) -> QuerySet[Paper]:
    """Those of ``papers`` whose title or abstract holds every word of ``text``
    (case-insensitive substring match; no index: fine for the API's filters)."""
    words = text.split()[:12]
    return papers.filter(*[Q(title__icontains=w) | Q(abstract__icontains=w) for w in words])


def paper_with_provenance(paper: Paper) -> Paper:
    """``paper`` with its venues, authorships (each with its claiming entries) and
    all its page entries prefetched: four queries however many there are."""
    from django.db.models import prefetch_related_objects

    claims = SourceEntry.objects.select_related("page").order_by("page__source", "position")
    prefetch_related_objects(
        [paper],
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("venue").order_by("venue__name"),
        ),
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author")
            .order_by("author__sort_key", "author__slug")
            .prefetch_related(Prefetch("entries", queryset=claims)),
        ),
        Prefetch(
            "entries",
            queryset=SourceEntry.objects.select_related("page", "authorship__author").order_by(
                "page__source", "position"
            ),
        ),
    )
    return paper


def page_with_entries(source: str) -> SourcePage:
    """The page of this source name with its entries in page order and the paper
    each resolved to. Raises Http404 for an unknown source name."""
    page = (
        page_list()
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=SourceEntry.objects.select_related("paper", "authorship__author").order_by(
                    "position"
                ),
            )
        )
        .filter(source=source)
        .first()
    )
    if page is None:
        raise Http404("No page has this source name.")
    return page
