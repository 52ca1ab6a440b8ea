"""Viewsets of the JSON API: the base read-only viewset, the 301 for merged records,
the ``sublist`` decorator for a detail's whole lists, and the viewsets over authors,
papers, venues and source pages (list, detail and sub-lists).

Holds no URL routing (``urls``), no cursor streams (``streams``), no filters
(``catalog.filters``) and no serializers (``catalog.serializers``).
"""

from __future__ import annotations

import functools

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from .. import selectors
from ..filters import (
    AuthorFilter,
    PageFilter,
    PaperFilter,
    SelectorSearchFilter,
    VenueFilter,
)
from ..homonyms import homonym_hints
from ..models import SourcePage
from ..serializers import (
    EMBEDDED,
    AuthorDetailSerializer,
    AuthorListSerializer,
    AuthorPaperSerializer,
    CoauthorSerializer,
    PageDetailSerializer,
    PageEntrySerializer,
    PageListSerializer,
    PaperAuthorSerializer,
    PaperDetailSerializer,
    PaperEntrySerializer,
    PaperListSerializer,
    VenueSerializer,
)
from . import citing
from . import selectors as details
from .pagination import NumberedPagination
from .schema import ApiSchema, detail_schema, list_schema, sublist_schema

# --- shared behaviour ------------------------------------------------------------------


def sublist(serializer, summary: str, *, redirects: bool):
    """Turn ``select(self, record) -> queryset`` into a ``GET <record>/<name>/`` action:
    the whole of a list the detail embeds in part, paginated by page number, without
    the record list's filters. The record comes from the viewset's ``live_record``."""

    def decorate(select):
        @functools.wraps(select)
        def view(self, request, *args, **kwargs):
            record = self.live_record()
            if isinstance(record, HttpResponse):  # a 301 to the survivor's list
                return record
            page = self.paginate_queryset(select(self, record))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)

        routed = action(
            detail=True,
            serializer_class=serializer,
            filter_backends=[],
            pagination_class=NumberedPagination,
        )(view)
        return sublist_schema(serializer, summary, redirects=redirects)(routed)

    return decorate


SLUG = "[-a-zA-Z0-9_]+"  # what a slug can hold (as the HTML pages' <slug:...>)


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail with their own serializers; sub-lists name theirs in ``@action``."""

    pagination_class = NumberedPagination
    schema = ApiSchema()
    lookup_field = "slug"
    lookup_value_regex = SLUG
    list_serializer_class = None
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        if self.action == "list":
            return self.list_serializer_class
        return self.serializer_class


class RedirectMergedMixin:
    """A mergeable record: the selector follows old slugs and merges; when it lands on
    another slug the answer is a 301 to the same address (detail or sub-list, query
    kept) under the survivor's slug."""

    resolve = None  # selector: slug -> live record (raises Http404)

    def live_record(self) -> object | HttpResponse:
        """The live record the URL's slug names, or a 301 to where it lives now."""
        slug = self.kwargs[self.lookup_field]
        record = type(self).resolve(slug)
        if record.slug == slug:
            return record
        url_name = "detail" if self.action == "retrieve" else self.action
        location = reverse(f"api:{self.basename}-{url_name}", kwargs={"slug": record.slug})
        query = self.request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)

    def retrieve(self, request, *args, **kwargs):
        record = self.live_record()
        if isinstance(record, HttpResponse):
            return record
        return Response(self.get_serializer(self.prepare(record)).data)

    def prepare(self, record):
        return record


class AuthorGone(APIException):
    status_code = 410
    default_detail = "This author holds no papers any more and is no longer listed."
    default_code = "gone"


# --- viewsets ------------------------------------------------------------------------


@extend_schema_view(
    list=list_schema(AuthorListSerializer, "Live authors, alphabetical by family name"),
    retrieve=detail_schema(
        AuthorDetailSerializer,
        f"An author with name variants, counts, and the first {EMBEDDED} papers (with the "
        "page lines that claim them) and co-authors",
        redirects=True,
    ),
)
class AuthorViewSet(RedirectMergedMixin, ReadOnlyViewSet):
    """Authors. Lists hold live authors only (merged ones are tombstones).

    Pagination: page numbers here; ``/api/stream/authors/`` for a cursor stream.
    """

    list_serializer_class = AuthorListSerializer
    detail_serializer_class = AuthorDetailSerializer
    filterset_class = AuthorFilter
    filter_backends = [DjangoFilterBackend, SelectorSearchFilter]
    search_selector = staticmethod(selectors.search_authors)
    search_description = "Words of a name, any order, ignoring case and accents."
    resolve = staticmethod(selectors.author_by_slug)

    def get_queryset(self):
        return selectors.author_list()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.action in ("list", "coauthors"):  # not the papers sub-list
            self.hints = homonym_hints(page or [])
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "hints": getattr(self, "hints", {})}

    def live_record(self):
        record = super().live_record()
        if not isinstance(record, HttpResponse) and not record.has_papers:
            raise AuthorGone()
        return record

    def prepare(self, author):
        author = details.author_with_provenance(author, limit=EMBEDDED)
        self.hints = homonym_hints([author, *author.coauthors_shown])
        return author

    @sublist(
        AuthorPaperSerializer,
        "All of an author's papers, with the page lines that claim each (abstract-only last)",
        redirects=True,
    )
    def papers(self, author):
        return selectors.author_papers(author)

    @sublist(
        CoauthorSerializer,
        "All of an author's co-authors, most shared papers first",
        redirects=True,
    )
    def coauthors(self, author):
        return selectors.author_coauthors(author)

    @citing.citation_schema("Citations of all of an author's papers: CSL-JSON, BibTeX or RIS")
    @action(detail=True, renderer_classes=citing.RENDERERS, filter_backends=[])
    def citations(self, request, *args, **kwargs):
        author = self.live_record()
        if isinstance(author, HttpResponse):
            return author
        papers = citing.papers_to_cite(author=author)
        return citing.citation_response(request, papers, name=author.slug)


@extend_schema_view(
    list=list_schema(PaperListSerializer, "Live papers with venues and authors"),
    retrieve=detail_schema(
        PaperDetailSerializer,
        f"A paper with venues, counts, and the first {EMBEDDED} authors (with claiming page "
        "lines) and page entries",
        redirects=True,
    ),
)
class PaperViewSet(RedirectMergedMixin, ReadOnlyViewSet):
    """Papers. Lists hold live papers only (merged ones are tombstones).

    Pagination: page numbers here; ``/api/stream/papers/`` for a cursor stream.
    """

    list_serializer_class = PaperListSerializer
    detail_serializer_class = PaperDetailSerializer
    filterset_class = PaperFilter
    filter_backends = [DjangoFilterBackend, SelectorSearchFilter]
    search_selector = staticmethod(selectors.papers_with_words)
    search_description = "Words that must all appear in the title or the abstract, as q."
    resolve = staticmethod(selectors.paper_by_slug)

    def get_queryset(self):
        return selectors.paper_list(authors_shown=EMBEDDED)

    def prepare(self, paper):
        return details.paper_with_provenance(paper, limit=EMBEDDED)

    @sublist(
        PaperAuthorSerializer,
        "All of a paper's authors, by name, with the page lines that claim each",
        redirects=True,
    )
    def authors(self, paper):
        return selectors.paper_authorships(paper)

    @sublist(
        PaperEntrySerializer,
        "All page entries listing a paper, by source name and position",
        redirects=True,
    )
    def entries(self, paper):
        return selectors.paper_entries(paper)

    @citing.citation_schema("A paper's citation: CSL-JSON, BibTeX or RIS")
    @action(detail=True, renderer_classes=citing.RENDERERS, filter_backends=[])
    def citation(self, request, *args, **kwargs):
        paper = self.live_record()
        if isinstance(paper, HttpResponse):
            return paper
        return citing.citation_response(
            request, citing.papers_to_cite(paper=paper), name=paper.slug
        )


@extend_schema_view(
    list=list_schema(VenueSerializer, "Venues with their paper counts"),
    retrieve=detail_schema(VenueSerializer, "A venue", redirects=False),
)
class VenueViewSet(ReadOnlyViewSet):
    """Venues; ``papers_url`` is the venue's filtered paper list.

    Pagination: page numbers here; ``/api/stream/venues/`` for a cursor stream.
    """

    list_serializer_class = VenueSerializer
    detail_serializer_class = VenueSerializer
    filterset_class = VenueFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return selectors.venue_list()

    def get_object(self):
        return details.venue_by_slug(self.kwargs[self.lookup_field])


@extend_schema_view(
    list=list_schema(PageListSerializer, "Imported source pages, by source name"),
    retrieve=detail_schema(
        PageDetailSerializer,
        f"A source page with its first {EMBEDDED} entries in page order",
        redirects=False,
    ),
)
class PageViewSet(ReadOnlyViewSet):
    """Source pages: the imported files, their shape (kind), label, assignment
    state and, in the detail, its entries as written with the paper each resolved to.

    Addressed by source name (file names contain dots). Pagination: page numbers
    here; ``/api/stream/pages/`` for a cursor stream.
    """

    lookup_field = "source"
    lookup_value_regex = r"[^/\x00]+"
    list_serializer_class = PageListSerializer
    detail_serializer_class = PageDetailSerializer
    filterset_class = PageFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return selectors.page_list()

    def retrieve(self, request, *args, **kwargs):
        page = details.page_with_entries(kwargs[self.lookup_field], limit=EMBEDDED)
        return Response(self.get_serializer(page).data)

    def live_record(self) -> SourcePage:
        return details.page_by_source(self.kwargs[self.lookup_field])

    @sublist(PageEntrySerializer, "All entries of a page, in page order", redirects=False)
    def entries(self, page):
        return selectors.page_entries(page)
