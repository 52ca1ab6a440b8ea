"""Reads of the catalogue, shared by pages, API, admin and commands."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import Author, Authorship, Paper, SourcePage, Venue


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
