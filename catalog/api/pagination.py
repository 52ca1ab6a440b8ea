"""Pagination classes of the JSON API: page numbers for lists and sub-lists, an id
cursor for the streams; both answer 400 to a page size out of range.

Holds no views and no schema helpers beyond the classes' own query parameters.
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


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
