"""The change feed for clients that mirror the catalogue: ``GET /api/changes/``.

``?after=<cursor>`` (an event id; 0 or absent: from the first event) lists the
events that followed, oldest first, ``page_size`` at a time (1 to 500, default
100); ``next`` is the address of the following page (``null`` at the end: ask
again later with ``after`` = ``last``). Each page is one indexed range scan,
however deep. Events are committed in id order (``catalog.changes``), so a
client that keeps ``last`` misses none.
"""

from __future__ import annotations

import re

from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..changes import events_after
from ..models import ChangeEvent
from .schema import THROTTLED, ApiSchema

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class ChangeEventSerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at", help_text="When it was committed.")
    data = serializers.JSONField(
        help_text="What it means for a mirror: imported {pages_new, pages_updated}; merged "
        "{model, merged: {old slug: survivor}}; split {from, author, new_author, papers}; "
        "assigned / unassigned {pages: {source: author}}; edited {model, record, fields}; "
        "undone {event, kind}. Curators' events carry their action's id."
    )
    records = serializers.JSONField(
        help_text="The slugs (sources for pages) whose API representation changed, by "
        "kind (authors, papers, pages, venues): read them again."
    )

    class Meta:
        model = ChangeEvent
        fields = ["id", "at", "kind", "summary", "data", "records"]


def _number(request, name: str, default: int, *, low: int, high: int | None = None) -> int:
    value = request.query_params.get(name, "")
    if value == "":
        return default
    if not re.fullmatch(r"[0-9]{1,18}", value) or int(value) < low or (high and int(value) > high):
        bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ValidationError({name: [f"A whole number {bounds}."]})
    return int(value)


class ChangeFeedView(APIView):
    """Every import batch and every curator's action (and undo) that changed what the
    API shows, in the order they were committed."""

    schema = ApiSchema()

    @extend_schema(
        summary="The change feed, after a cursor",
        parameters=[
            OpenApiParameter(
                "after",
                {"type": "integer", "minimum": 0},
                description="The last event id seen (0: from the first event).",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                description=f"Events a page (default {DEFAULT_PAGE_SIZE}).",
            ),
        ],
        responses={
            200: inline_serializer(
                "ChangePage",
                {
                    "results": ChangeEventSerializer(many=True),
                    "next": serializers.URLField(allow_null=True),
                    "last": serializers.IntegerField(
                        help_text="The cursor to keep: the last event id of this page."
                    ),
                },
            ),
            400: OpenApiTypes.OBJECT,
            429: THROTTLED,
        },
    )
    def get(self, request):
        after = _number(request, "after", 0, low=0)
        size = _number(request, "page_size", DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        events = list(events_after(after)[: size + 1])
        shown = events[:size]
        last = shown[-1].id if shown else after
        following = None
        if len(events) > size:
            query = urlencode({"after": last, "page_size": size})
            following = request.build_absolute_uri(f"{request.path}?{query}")
        return Response(
            {
                "results": ChangeEventSerializer(shown, many=True).data,
                "next": following,
                "last": last,
            }
        )
