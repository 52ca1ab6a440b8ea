"""What tells apart authors who share a name (homonyms), for lists that show them.

Two listed authors with the same folded name ("Wu, Jeff" twice) look the same in
a list; DBLP's answer is to show what separates them. ``homonym_hints`` gives,
for the authors of one list page whose name another listed author shares, their
most frequent venue, their most frequent co-author and their paper count. The
public author list and search, profiles' co-author lists, the API's author lists
and co-authors and the curators' author pickers use it; ``namesakes`` gives the
authors a typed name names exactly, for the author list's disambiguation part.
Reads only; a fixed number of queries whatever the size of the profiles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from .bulk import chunks
from .models import Appearance, Author, Authorship
from .names import parse_name

MAX_NAMESAKES = 100  # authors a disambiguation lists (DBLP's longest lists are shorter)


@dataclass(frozen=True)
class AuthorHint:
    """``venue``: the venue most of the author's papers appear in; ``coauthor``: the
    author they share most papers with ("" when none); ``papers``: their count."""

    venue: str
    coauthor: str
    papers: int

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "venue": self.venue or None,
            "coauthor": self.coauthor or None,
            "papers": self.papers,
        }


def homonym_hints(authors: Iterable[Author]) -> dict[int, AuthorHint]:
    """Author id -> hint, for those of ``authors`` whose folded name (``sort_key``)
    another listed author (live, with a paper) shares. One query when no name is
    shared, four otherwise."""
    authors = list(authors)
    keys = {a.sort_key for a in authors}
    if not keys:
        return {}
    shared = set(
        Author.objects.filter(merged_into__isnull=True, has_papers=True, sort_key__in=keys)
        .order_by()
        .values("sort_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("sort_key", flat=True)
    )
    ids = sorted({a.pk for a in authors if a.sort_key in shared})
    if not ids:
        return {}
    venues = _most_frequent(
        Appearance.objects.filter(paper__authorships__author_id__in=ids)
        .order_by()
        .values_list("paper__authorships__author_id", "venue__name")
        .annotate(n=Count("id"))
    )
    papers_of: dict[int, set[int]] = defaultdict(set)
    for author_id, paper_id in Authorship.objects.filter(
        author_id__in=ids, paper__merged_into__isnull=True
    ).values_list("author_id", "paper_id"):
        papers_of[author_id].add(paper_id)
    coauthors = _coauthor_names(papers_of)
    papers = {pk: len(found) for pk, found in papers_of.items()}
    return {
        pk: AuthorHint(venues.get(pk, ""), coauthors.get(pk, ""), papers.get(pk, 0)) for pk in ids
    }


def with_hints(authors: list[Author]) -> list[Author]:
    """The authors, each given ``.hint`` (None unless another listed author shares
    the name): for lists, search results, co-author lists and pickers."""
    hints = homonym_hints(authors)
    for author in authors:
        author.hint = hints.get(author.pk)
    return authors


def namesakes(name: str) -> list[Author]:
    """The listed authors (live, with a paper) whose name is exactly ``name``
    (folded: case, accents and "Family, Given" or "Given Family" order aside), most
    papers first, each with ``paper_count`` and ``hint``; [] unless two or more share
    it. One query; five when two or more share it."""
    key = parse_name(name).sort_key if name.strip() else ""
    if not key:
        return []
    found = list(
        Author.objects.filter(merged_into__isnull=True, has_papers=True, sort_key=key)
        .annotate(paper_count=Count("authorships"))
        .order_by("-paper_count", "slug")[:MAX_NAMESAKES]
    )
    return with_hints(found) if len(found) >= 2 else []


def _coauthor_names(papers_of: dict[int, set[int]]) -> dict[int, str]:
    """Each author's most frequent live co-author by name, from their papers' other
    authors: one query per 5,000 papers. (Joining authorships to authorships in the
    database took 7.6 s for five namesakes at 100,000 papers on SQLite: the planner
    started from every authorship.)"""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    holders: dict[int, list[int]] = defaultdict(list)  # paper -> the authors asked about
    for author_id, paper_ids in papers_of.items():
        for paper_id in paper_ids:
            holders[paper_id].append(author_id)
    for chunk in chunks(holders):
        for paper_id, other, name in Authorship.objects.filter(
            paper_id__in=chunk, author__merged_into__isnull=True
        ).values_list("paper_id", "author_id", "author__display_name"):
            for author_id in holders[paper_id]:
                if other != author_id:
                    counts[author_id][name] += 1
    return _most_frequent(
        (author_id, name, n) for author_id, names in counts.items() for name, n in names.items()
    )


def _most_frequent(rows: Iterable[tuple[int, str, int]]) -> dict[int, str]:
    """(author, name, count) rows -> each author's name with the highest count (ties:
    the first name in alphabetical order)."""
    best: dict[int, tuple[int, str]] = defaultdict(lambda: (0, ""))
    for author_id, name, count in rows:
        if (-count, name) < (-best[author_id][0], best[author_id][1]) or not best[author_id][1]:
            best[author_id] = (count, name)
    return {author_id: name for author_id, (_, name) in best.items()}
