"""OpenAPI helpers of the JSON API: the shared error and redirect responses, the
``extend_schema`` builders for lists, details and sub-lists, and ``ApiSchema``, the
``AutoSchema`` every viewset uses.

Holds no views and no pagination; the streams' own schema class (component names
ending in ``Stream``) lives with the streams.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema

from ..serializers import FIELD_ERRORS_SCHEMA, ErrorSerializer

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


def list_schema(serializer, summary: str):
    return extend_schema(
        summary=summary,
        responses={200: serializer(many=True), 400: BAD_FILTER, 404: BAD_PAGE, 429: THROTTLED},
    )


def detail_schema(serializer, summary: str, *, redirects: bool):
    responses = {200: serializer, 404: NOT_FOUND, 429: THROTTLED}
    if redirects:
        responses[301] = MOVED
    return extend_schema(summary=summary, responses=responses)


def sublist_schema(serializer, summary: str, *, redirects: bool):
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


class ApiSchema(AutoSchema):
    """Optional query parameters are marked ``allowEmptyValue``: an empty value
    (``?has_orcid=``, as an HTML form sends it) means the parameter is absent."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return operation
