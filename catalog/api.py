"""Read-only JSON API: viewsets over the selectors (nothing here writes).

Two ways to page through a list:

- ``/api/<things>/``: page-number pagination (``?page=``, ``?page_size=`` from 1 to
  200, default 50) with a ``count``; for browsing and search results. Deep pages
  cost an OFFSET scan.
- ``/api/stream/<things>/``: cursor pagination over the row id (``?cursor=`` from
  ``next``, ``?page_size=`` up to 500): every page costs one indexed range scan
  however deep, and rows added meanwhile never shift the pages. For exporting the
  whole catalogue. Filters apply; ``ordering=`` does not (always id order).

A detail embeds at most ``EMBEDDED`` (20) items of each list that grows with the
catalogue (an author's papers and co-authors, a paper's authors and entries, a
page's entries), with the list's count and the address of the whole list:
``/api/authors/<slug>/papers/``, ``.../coauthors/``, ``/api/papers/<slug>/authors/``,
``.../entries/``, ``/api/pages/<source>/entries/``, paginated like the lists.

Merged authors and papers, and their old slugs, answer 301 to the survivor (their
sub-lists too). Slugs are matched by shape in the URL, so a malformed one (a dot, a
NUL byte) is a plain 404 before any query.
"""

from __future__ import annotations

import functools

from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from . import selectors
from .filters import (
    AuthorFilter,
    PageFilter,
    PaperFilter,
    SelectorSearchFilter,
    VenueFilter,
)
from .models import SourcePage
from .serializers import (
    EMBEDDED,
    FIELD_ERRORS_SCHEMA,
    AuthorDetailSerializer,
    AuthorListSerializer,
    AuthorPaperSerializer,
    CoauthorSerializer,
    ErrorSerializer,
    PageDetailSerializer,
    PageEntrySerializer,
    PageListSerializer,
    PaperAuthorSerializer,
    PaperDetailSerializer,
    PaperEntrySerializer,
    PaperListSerializer,
    VenueSerializer,
)

# --- pagination ----------------------------------------------------------------------


def _page_size(request, param: str, default: int, maximum: int) -> int:
    """The requested page size; a value that is not a whole number from 1 to
    ``maximum`` answers 400 rather than being silently replaced."""
    raw = request.query_params.get(param)
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= maximum:
        raise ValidationError({param: [f"Enter a whole number from 1 to {maximum}."]})
    return size


class NumberedPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Results per page, 1 to {self.max_page_size}."
        return parameters


class IdCursorPagination(CursorPagination):
    """Keyset pagination over the primary key: constant cost at any depth."""

    ordering = "id"
    page_size = 200
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Results per page, 1 to {self.max_page_size}."
        return parameters


# --- shared behaviour ------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No record has this address.")
BAD_FILTER = OpenApiResponse(
    FIELD_ERRORS_SCHEMA, description="A query parameter is malformed; each one with its messages."
)
BAD_PAGE = OpenApiResponse(ErrorSerializer, description="No such page (or cursor).")
THROTTLED = OpenApiResponse(
    ErrorSerializer, description="Too many requests (anonymous clients: API_ANON_RATE)."
)
MOVED = OpenApiResponse(
    description="Merged into another record, or an old slug: Location is the survivor's "
    "API address."
)


def _list_schema(serializer, summary: str):
    return extend_schema(
        summary=summary,
        responses={200: serializer(many=True), 400: BAD_FILTER, 404: BAD_PAGE, 429: THROTTLED},
    )


def _detail_schema(serializer, summary: str, *, redirects: bool):
    responses = {200: serializer, 404: NOT_FOUND, 429: THROTTLED}
    if redirects:
        responses[301] = MOVED
    return extend_schema(summary=summary, responses=responses)


def _sublist_schema(serializer, summary: str, *, redirects: bool):
    """A record's whole list (paginated): 404 for an unknown record or page number."""
    responses = {
        200: serializer(many=True),
        400: BAD_FILTER,
        404: OpenApiResponse(ErrorSerializer, description="No such record, or no such page."),
        429: THROTTLED,
    }
    if redirects:
        responses[301] = MOVED
    return extend_schema(summary=summary, responses=responses)


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
        return _sublist_schema(serializer, summary, redirects=redirects)(routed)

    return decorate


class ApiSchema(AutoSchema):
    """Optional query parameters are marked ``allowEmptyValue``: an empty value
    (``?has_orcid=``, as an HTML form sends it) means the parameter is absent."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return operation


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


# --- viewsets ------------------------------------------------------------------------


@extend_schema_view(
    list=_list_schema(AuthorListSerializer, "Live authors, alphabetical by family name"),
    retrieve=_detail_schema(
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

    def prepare(self, author):
        return selectors.author_with_provenance(author, limit=EMBEDDED)

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


@extend_schema_view(
    list=_list_schema(PaperListSerializer, "Live papers with venues and authors"),
    retrieve=_detail_schema(
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
        return selectors.paper_with_provenance(paper, limit=EMBEDDED)

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


@extend_schema_view(
    list=_list_schema(VenueSerializer, "Venues with their paper counts"),
    retrieve=_detail_schema(VenueSerializer, "A venue", redirects=False),
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
        return selectors.venue_by_slug(self.kwargs[self.lookup_field])


@extend_schema_view(
    list=_list_schema(PageListSerializer, "Imported source pages, by source name"),
    retrieve=_detail_schema(
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
        page = selectors.page_with_entries(kwargs[self.lookup_field], limit=EMBEDDED)
        return Response(self.get_serializer(page).data)

    def live_record(self) -> SourcePage:
        return selectors.page_by_source(self.kwargs[self.lookup_field])

    @sublist(PageEntrySerializer, "All entries of a page, in page order", redirects=False)
    def entries(self, page):
        return selectors.page_entries(page)


# --- cursor streams ------------------------------------------------------------------


class StreamSchema(ApiSchema):
    """Its own component names: a cursor page has no ``count``, unlike a numbered one."""

    def get_paginated_name(self, serializer_name: str) -> str:
        return f"{serializer_name}Stream"


def _stream(viewset, name: str):
    """A list-only twin of ``viewset`` paged by an id cursor (see the module doc)."""
    base_filters = viewset.filterset_class
    # The cursor fixes the order: the stream has no ``ordering`` parameter.
    filters = type(f"{base_filters.__name__}Stream", (base_filters,), {"ordering": None})

    @extend_schema_view(
        list=extend_schema(
            summary=f"Every {name}, in id order, by cursor (for export)",
            responses={
                200: viewset.list_serializer_class(many=True),
                400: BAD_FILTER,
                404: BAD_PAGE,
                429: THROTTLED,
            },
        )
    )
    class Stream(viewset):
        pagination_class = IdCursorPagination
        filterset_class = filters
        schema = StreamSchema()

    Stream.__name__ = Stream.__qualname__ = f"{viewset.__name__.removesuffix('ViewSet')}Stream"
    Stream.__doc__ = (
        f"Every {name} the list shows, in id order, paged by an opaque cursor: each "
        "page starts with an indexed range scan however deep it is, so exports never "
        f"slow down. Same filters as the {name} list, without ``ordering``."
    )
    return Stream


AuthorStream = _stream(AuthorViewSet, "author")
PaperStream = _stream(PaperViewSet, "paper")
VenueStream = _stream(VenueViewSet, "venue")
PageStream = _stream(PageViewSet, "page")


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
