"""Cursor streams of the JSON API (``/api/stream/<things>/``): a list-only twin of each
viewset, paged by an id cursor, with the list's filters but no ``ordering``, and
their own schema component names (``...Stream``: a cursor page has no ``count``).

Holds no numbered lists, details or sub-lists (``viewsets``) and no routing (``urls``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from .pagination import IdCursorPagination
from .schema import BAD_FILTER, BAD_PAGE, THROTTLED, ApiSchema
from .viewsets import AuthorViewSet, PageViewSet, PaperViewSet, VenueViewSet


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
