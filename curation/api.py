"""The curators' read-only JSON: the matcher's judgement of one source page and the
mixed-profile judgement of one author, as the finders (:mod:`curation.finders`) give
them, for signed-in curators only.

- ``GET /api/pages/<source>/suggestions/``: who the page may belong to (candidates,
  most probable first, each with its evidence and reasons), the probability that it
  is nobody in the catalogue yet, and the recommendation (``assign``, ``new_author``
  or ``review``). Meant for unassigned pages; a page with an author is judged too.
- ``GET /api/authors/<slug>/mixed/``: the probability that a profile mixes people,
  the flag, and its papers in groups (main group first), each with a short reason.
  As in the public API, a merged author or an old slug answers 301 to the
  survivor's address and an author left with no paper 410.

An author is ``{"slug", "name", "url"}``, ``url`` being the author's public page
(absolute), where a curator goes next (the public API's references give API
addresses instead).

Access: the permission ``curation.curate`` (:func:`curation.access.is_curator`).
Anonymous requests get 401 with ``WWW-Authenticate: Basic`` (HTTP Basic is the
first authentication scheme, the session the second, as DRF turns a missing
sign-in into 401 only when its first scheme names a challenge); signed-in
non-curators get 403. Answers are ``Cache-Control: private, no-store``. Only GET,
HEAD and OPTIONS: anything else is 405.

In /api/schema/ (and /api/docs/) only for curators: the operations are left out of
the schema anyone else (or ``manage.py spectacular``) gets, so the public schema,
and the Schemathesis run over it, hold the public API alone.

Holds the views, their permission and their JSON shapes; URLs in
:mod:`curation.api_urls`. Reads only, never writes.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.schema import MOVED, NOT_FOUND, THROTTLED, ApiSchema
from catalog.api.selectors import page_by_source
from catalog.api.viewsets import AuthorGone
from catalog.models import Author
from catalog.selectors import author_by_slug
from catalog.serializers import ErrorSerializer

from . import finders
from .access import is_curator

CANDIDATES = 10  # candidates shown for a page
WORDS_SHOWN = 5  # of a group's distinctive words, in its reason
VENUES_SHOWN = 3  # of a group's venues, in its reason


# --- access ----------------------------------------------------------------------------


class IsCurator(BasePermission):
    """Allowed ``curation.curate`` (:func:`curation.access.is_curator`)."""

    message = "Only curators may read this."

    def has_permission(self, request, view) -> bool:
        return is_curator(request.user)


class CuratorSchema(ApiSchema):
    """Documented only in the schema a curator asks for (see the module docstring)."""

    def is_excluded(self) -> bool:
        request = getattr(self.view, "request", None)
        return not is_curator(getattr(request, "user", None)) or super().is_excluded()


class CuratorView(APIView):
    """GET (and HEAD, OPTIONS) for curators; never kept by a shared cache."""

    authentication_classes = [BasicAuthentication, SessionAuthentication]
    permission_classes = [IsCurator]
    schema = CuratorSchema()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response


# --- JSON shapes -------------------------------------------------------------------------


class CuratorAuthorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(source="display_name", help_text="The author's shown name.")
    url = serializers.SerializerMethodField(help_text="The author's public page (HTML).")

    def get_url(self, author: Author) -> str:
        return self.context["request"].build_absolute_uri(author.get_absolute_url())


EVIDENCE_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "number"},
    "description": (
        "The counts behind the probability: known (the page's papers some profile lists), "
        "held (of those, on this profile), only_here, linked, close_papers, other_papers, "
        "venues_shared, page_venues, profile_papers, text (similarity of words)."
    ),
}


class CandidateSerializer(serializers.Serializer):
    author = CuratorAuthorSerializer()
    probability = serializers.FloatField(help_text="Calibrated: the page is this author's.")
    evidence = serializers.SerializerMethodField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="The evidence in words, strongest first."
    )

    @extend_schema_field(EVIDENCE_SCHEMA)
    def get_evidence(self, suggestion: finders.Suggestion) -> dict[str, float | int]:
        return suggestion.evidence.as_dict()


class PageSuggestionsSerializer(serializers.Serializer):
    page = serializers.CharField(source="page.source", help_text="The page's source name.")
    recommendation = serializers.ChoiceField(
        choices=finders.RECOMMENDATIONS,
        help_text="assign: the first candidate is confident enough; new_author: nobody "
        "plausible; review: a curator must decide.",
    )
    new_author_probability = serializers.FloatField(
        help_text="The probability that the page is nobody in the catalogue yet: what the "
        "candidates leave of 1."
    )
    candidates = CandidateSerializer(
        source="suggestions", many=True, help_text="Most probable first."
    )


class ProfileGroupSerializer(serializers.Serializer):
    papers = serializers.ListField(child=serializers.SlugField(), help_text="Paper slugs.")
    reason = serializers.CharField(help_text="What holds the group together, in words.")


class MixedProfileSerializer(serializers.Serializer):
    author = CuratorAuthorSerializer()
    mixed_probability = serializers.FloatField(
        source="probability", help_text="Calibrated: the profile holds more than one person."
    )
    flagged = serializers.BooleanField(help_text="The probability reaches the flag threshold.")
    groups = serializers.SerializerMethodField(
        help_text=f"The profile's papers (its {finders.MAX_PROFILE_PAPERS} newest) in groups, "
        "the main group first; one group when the profile holds together."
    )

    @extend_schema_field(ProfileGroupSerializer(many=True))
    def get_groups(self, profile: finders.MixedProfile) -> list[dict]:
        main = profile.clusters[0] if profile.clusters else None
        return [
            {"papers": [p.slug for p in cluster.papers], "reason": group_reason(cluster, main)}
            for cluster in profile.clusters
        ]


def group_reason(cluster: finders.Cluster, main: finders.Cluster) -> str:
    """A group in a curator's words: its size, its distinctive words, its venues and,
    for the others, how alike the main group's words are. (A co-author links papers
    into one group, so no other group shares one with the main group.)"""
    size = _count(len(cluster.papers), "paper")
    if cluster is main:
        said = [f"main group: {size}"]
    else:
        said = [f"{size} sharing no co-author with the main group"]
    if cluster.words:
        said.append("words: " + _listed(cluster.words, WORDS_SHOWN))
    if cluster.venues:
        said.append("venues: " + _listed(cluster.venues, VENUES_SHOWN))
    if cluster is not main:
        said.append(f"similarity {cluster.similarity} to the main group")
    return "; ".join(said)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _listed(items, shown: int) -> str:
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {more} more" if more > 0 else "")


# --- views -------------------------------------------------------------------------------

UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="Not signed in (HTTP Basic or the session's cookie)."
)
NOT_A_CURATOR = OpenApiResponse(ErrorSerializer, description="Signed in, but not a curator.")


class PageSuggestionsView(CuratorView):
    """Who a source page may belong to, as the learned matcher judges it."""

    @extend_schema(
        summary="Curators: the candidate authors of a page, most probable first",
        description=f"The matcher's judgement of a page: at most {CANDIDATES} candidates "
        "with their calibrated probabilities, evidence and reasons, the probability that "
        "the page is a new author, and the recommendation. Meant for unassigned pages; a "
        "page with an author is judged too.",
        tags=["curation"],
        responses={
            200: OpenApiResponse(
                PageSuggestionsSerializer,
                description="The page's candidates, the new-author probability and the "
                "recommendation.",
            ),
            401: UNAUTHENTICATED,
            403: NOT_A_CURATOR,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request, source: str):
        judgement = finders.page_judgement(page_by_source(source), limit=CANDIDATES)
        return Response(PageSuggestionsSerializer(judgement, context={"request": request}).data)


class MixedProfileView(CuratorView):
    """Whether an author's profile mixes people, with its papers in groups."""

    @extend_schema(
        summary="Curators: whether a profile mixes people, with its papers in groups",
        description="The mixed-profile model's probability and flag, and the profile's "
        "papers in groups (main group first), each with a reason. A merged author or an "
        "old slug answers 301 to the survivor's address; an author left with no paper "
        "answers 410.",
        tags=["curation"],
        responses={
            200: OpenApiResponse(
                MixedProfileSerializer,
                description="The probability that the profile mixes people, the flag, and "
                "its papers in groups.",
            ),
            301: MOVED,
            401: UNAUTHENTICATED,
            403: NOT_A_CURATOR,
            404: NOT_FOUND,
            410: OpenApiResponse(ErrorSerializer, description=AuthorGone.default_detail),
            429: THROTTLED,
        },
    )
    def get(self, request, slug: str):
        author = author_by_slug(slug)
        if author.slug != slug:  # merged, or an old slug: the survivor's address
            location = reverse("curation-api:author-mixed", kwargs={"slug": author.slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
        if not author.has_papers:
            raise AuthorGone()
        profile = finders.profile_judgement(author)
        return Response(MixedProfileSerializer(profile, context={"request": request}).data)
