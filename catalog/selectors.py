"""Reads of the catalogue, shared by pages, API, admin and commands.

Each function returns a queryset (or plain values) with the joins and prefetches
its readers need, so a page costs the same number of queries for an author with
one paper as for one with two thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, models
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
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
from .search import (
    MAX_SEARCH_WORDS,
    RANK_CANDIDATES,
    SEARCH_LIMIT,
    matching_name_ids,
    ranked_paper_ids,
    search_words,
    with_words,
)


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
    return Author.objects.live()


def listed_authors() -> QuerySet[Author]:
    """Live authors with at least one paper: those public lists show."""
    return Author.objects.live().filter(has_papers=True)


def live_papers() -> QuerySet[Paper]:
    return Paper.objects.live()


def unassigned_pages() -> QuerySet[SourcePage]:
    return SourcePage.objects.filter(author__isnull=True)


def catalogue_figures() -> CatalogueFigures:
    """The catalogue's headline numbers (merged records not counted).

    Each count reads an index, never the paper table itself (whose abstracts made
    a scan of it cost 300 ms at 100,000 papers): live papers and authors from
    their partial list indexes, abstract-only papers as the live ones without a
    title key."""
    papers = live_papers().count()
    abstract_only = live_papers().filter(title_key="").count()
    return CatalogueFigures(
        authors=listed_authors().count(),
        papers=papers,
        titled_papers=papers - abstract_only,
        abstract_only_papers=abstract_only,
        venues=Venue.objects.count(),
        authorships=Authorship.objects.count(),
        pages=SourcePage.objects.count(),
        unassigned_pages=unassigned_pages().count(),
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


def author_by_pk(pk: int) -> Author:
    """The live author an id names (a merged one's survivor)."""
    return _follow(Author.objects.get(pk=pk))


def paper_by_pk(pk: int) -> Paper:
    """The live paper an id names (a merged one's survivor)."""
    return _follow(Paper.objects.get(pk=pk))


def paper_by_slug(slug: str) -> Paper:
    """The live paper a slug names (see :func:`author_by_slug`)."""
    paper = Paper.objects.filter(slug=slug).first()
    if paper is None:
        alias = PaperSlugAlias.objects.select_related("paper").filter(slug=slug).first()
        if alias is None:
            raise Http404("No paper has this address.")
        paper = alias.paper
    return _follow(paper)


# --- building blocks shared by the readers below ------------------------------------


def venue_appearances() -> QuerySet[Appearance]:
    """A paper's venue listings, venue joined, in venue-name order."""
    return Appearance.objects.select_related("venue").order_by("venue__name")


MAX_CLAIMS_SHOWN = 20  # page entries listed under one authorship; all are on the paper's page


def _claims() -> Prefetch:
    """An authorship's first :data:`MAX_CLAIMS_SHOWN` page entries as provenance
    (``claims_shown``),
    page joined (its source name only: never a page's whole text), in source-name
    and page order. The full count is ``claim_count`` (:func:`_claim_count`)."""
    entries = (
        SourceEntry.objects.select_related("page")
        .only("authorship_id", "page__source", "position", "line", "venue_name")
        .order_by("page__source", "position")
    )
    return Prefetch("entries", queryset=entries[:MAX_CLAIMS_SHOWN], to_attr="claims_shown")


# --- authors ---------------------------------------------------------------------


def count_per_row(model: type[models.Model], field: str) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field`` (0 for none:
    a NULL would sort first on PostgreSQL and last on SQLite).

    A correlated subquery runs only for the rows a page shows, where a JOIN with
    GROUP BY would count for every row before the LIMIT.
    """
    count = Subquery(
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(count, 0)


def search_authors(queryset: QuerySet[Author], text: str) -> QuerySet[Author]:
    """Authors one of whose names holds every word of ``text``, ignoring case,
    accents, punctuation and order: 'lukasz', 'sutskever ilya', 'Ilya Sutskever'.

    The names come from a trigram index (:func:`catalog.search.matching_name_ids`);
    an author's shown name is always one of its names (importer and curation
    services keep that rule)."""
    words = fold(text).split()[:MAX_SEARCH_WORDS]
    if not words:
        return queryset
    names = AuthorName.objects.filter(id__in=matching_name_ids(words))
    return queryset.filter(pk__in=names.values("author_id"))


def authors_with_status(authors: QuerySet[Author], status: str) -> QuerySet[Author]:
    """Authors of one profile status (``Author.Status``): confirmed by a curator or
    as imported."""
    confirmed = status == Author.Status.CONFIRMED
    return authors.filter(confirmed_at__isnull=not confirmed)


def author_list(*, query: str = "", letter: str = "", status: str = "") -> QuerySet[Author]:
    """Listed authors (live, with a paper) in alphabetical order of family name, with
    their paper counts; ``status``: only those of that profile status."""
    authors = listed_authors()
    if status:
        authors = authors_with_status(authors, status)
    if query:
        authors = search_authors(authors, query)
    if letter:
        authors = authors.filter(sort_key__startswith=letter.lower())
    return authors.annotate(paper_count=count_per_row(Authorship, "author")).order_by(
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
        .annotate(
            has_title=~Q(paper__title=""),
            first_venue=first_venue,
            claim_count=count_per_row(SourceEntry, "authorship"),
        )
        .prefetch_related(Prefetch("paper__appearances", queryset=venue_appearances()), _claims())
        .order_by(*orderings.get(order, orderings["title"]))
    )


def author_coauthors(author: Author) -> QuerySet[Author]:
    """Live authors sharing papers with ``author``, most shared first (``.shared``
    holds the count), then by name: one query, sliceable and countable.

    Joined from the author's own authorships (the author/paper index) to the other
    authorships of those papers: 9 ms for the first 61 of 300 co-authors sharing
    2,000 papers on SQLite, where filtering authors by a paper-id subquery took ten
    times longer. The profile page shows the first ones; the API pages through all.
    (Stored pair counts were tried and dropped: papers with a thousand authors make
    57 million pairs at 100,000 papers.)
    """
    return (
        live_authors()
        .filter(authorships__paper__authorships__author=author)
        .exclude(pk=author.pk)
        .annotate(shared=Count("authorships"))
        .order_by("-shared", "sort_key", "slug")
    )


def coauthor_links(author: Author, author_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """Live papers of ``author`` each pair of these co-authors wrote with them, as
    (lower id, higher id) -> count, for pairs with one at least: one query. (Only
    the author's papers: a change to any of them renews the author's page.)"""
    ids = sorted(set(author_ids))
    rows = (
        Authorship.objects.filter(
            author_id__in=ids,
            paper_id__in=Authorship.objects.filter(author=author).values("paper_id"),
            paper__merged_into__isnull=True,
            paper__authorships__author_id__in=ids,
            author_id__lt=F("paper__authorships__author_id"),
        )
        .values_list("author_id", "paper__authorships__author_id")
        .annotate(n=Count("paper_id", distinct=True))
        .order_by()
    )
    return {(low, high): n for low, high, n in rows}


# --- papers and venues -------------------------------------------------------------


def _authorships_by_name() -> QuerySet[Authorship]:
    """Authorships with their author joined, in the authors' alphabetical order."""
    return Authorship.objects.select_related("author").order_by("author__sort_key", "author__slug")


def paper_authorships(paper: Paper) -> QuerySet[Authorship]:
    """The paper's authorships in author order, each with ``claim_count`` and its
    first page entries claiming it."""
    return (
        _authorships_by_name()
        .filter(paper=paper)
        .annotate(claim_count=count_per_row(SourceEntry, "authorship"))
        .prefetch_related(_claims())
    )


def paper_entries(paper: Paper) -> QuerySet[SourceEntry]:
    """Every page entry that resolved to the paper, with its page and the author it
    claims, in source-name and page order."""
    return (
        paper.entries.select_related("page", "authorship__author")
        .defer("page__raw_text")
        .order_by("page__source", "position")
    )


def paper_detail(paper: Paper, *, authors_shown: int) -> dict[str, object]:
    """The paper page's venues and first ``authors_shown`` authorships
    (``more_authors`` says whether there are others): two queries. The page entries
    are paged by the view (:func:`paper_entries`)."""
    authorships = list(_authorships_by_name().filter(paper=paper)[: authors_shown + 1])
    return {
        "venues": [a.venue for a in venue_appearances().filter(paper=paper)],
        "authorships": authorships[:authors_shown],
        "more_authors": len(authorships) > authors_shown,
    }


def paper_list(*, venue: Venue | None = None, authors_shown: int | None = None) -> QuerySet[Paper]:
    """Live papers (of a venue) with their venues and authors prefetched.

    ``authors_shown``: prefetch only each paper's first authors (one windowed query)
    into ``authorships_shown`` and annotate ``author_count``, so a paper with
    thousands of authors costs no more than one with a few.
    """
    papers = live_papers()
    if venue is not None:
        papers = papers.filter(appearances__venue=venue)
    if authors_shown is None:
        authors = Prefetch("authorships", queryset=_authorships_by_name())
    else:
        papers = papers.annotate(author_count=count_per_row(Authorship, "paper"))
        authors = Prefetch(
            "authorships",
            queryset=_authorships_by_name()[:authors_shown],
            to_attr="authorships_shown",
        )
    return papers.prefetch_related(
        Prefetch("appearances", queryset=venue_appearances()), authors
    ).order_by("title_key", "slug")


def search_paper_ids(
    text: str, *, limit: int = SEARCH_LIMIT, candidates: int = RANK_CANDIDATES
) -> list[int]:
    """Ids of live papers matching every word of ``text`` in title or abstract, best
    first among the ``candidates`` newest matches (the engine's full-text index:
    :mod:`catalog.search`)."""
    return ranked_paper_ids(search_words(text), limit=limit, candidates=candidates)


def papers_in_order(ids: list[int], *, authors_shown: int) -> list[Paper]:
    """Live papers with these ids, in the order given, each with ``author_count`` and
    its first ``authors_shown`` authorships as ``authorships_shown``."""
    papers = (
        live_papers()
        .filter(id__in=ids)
        .annotate(author_count=count_per_row(Authorship, "paper"))
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=_authorships_by_name()[:authors_shown],
                to_attr="authorships_shown",
            )
        )
    )
    by_id = {paper.id: paper for paper in papers}
    return [by_id[i] for i in ids if i in by_id]


def venue_paper_count(venue: Venue) -> int:
    """How many live papers the venue lists, counted on the venue's appearances
    alone (a merged paper's appearances go with the merge): the count of
    :func:`paper_list` for the venue without joining 22,000 papers."""
    return Appearance.objects.filter(venue=venue).count()


def venue_list() -> QuerySet[Venue]:
    """Venues by name, with their paper counts."""
    return Venue.objects.annotate(paper_count=count_per_row(Appearance, "venue")).order_by(
        "name", "slug"
    )


def page_list() -> QuerySet[SourcePage]:
    """Imported pages by source name, with their author and entry counts."""
    return (
        SourcePage.objects.select_related("author")
        .defer("raw_text")
        .annotate(entry_count=count_per_row(SourceEntry, "page"))
        .order_by("source")
    )


# --- API ---
#
# Details embed at most ``limit`` items of each of their lists, with the list's full
# count: a record with 2,000 papers or entries costs the same as one with two. The
# API serves each whole list, paginated, from the same queryset.


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


def _author_or_none(slug: str) -> Author | None:
    try:
        return author_by_slug(slug)
    except Http404:
        return None


def papers_by_author(papers: QuerySet[Paper], author_slug: str) -> QuerySet[Paper]:
    """Those of ``papers`` written by the author this slug names (old slugs and
    merged authors lead to the survivor); none when no author ever had the slug."""
    author = _author_or_none(author_slug)
    if author is None:
        return papers.none()
    return papers.filter(Exists(Authorship.objects.filter(paper=OuterRef("pk"), author=author)))


def pages_of_author(pages: QuerySet[SourcePage], author_slug: str) -> QuerySet[SourcePage]:
    """Those of ``pages`` assigned to the author this slug names (followed as in
    :func:`papers_by_author`); none when no author ever had the slug."""
    author = _author_or_none(author_slug)
    return pages.none() if author is None else pages.filter(author=author)


def papers_with_words(papers: QuerySet[Paper], text: str) -> QuerySet[Paper]:
    """Those of ``papers`` whose title or abstract holds every word of ``text`` (at
    most 12), through the same full-text index as the search page: word forms
    match ("learn" finds "learning"), parts of words do not. Unordered; the
    caller orders."""
    words = search_words(text)
    if not words:
        return papers.none()
    return with_words(papers, words)


def page_entries(page: SourcePage) -> QuerySet[SourceEntry]:
    """The page's entries in page order, with the paper each resolved to and the
    author it claims."""
    return page.entries.select_related("paper", "authorship__author").order_by("position")
