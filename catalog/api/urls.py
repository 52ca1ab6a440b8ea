"""URLs of the JSON API under /api/ (names in the ``api`` namespace): the router over
the viewsets, the cursor streams, the OpenAPI schema and its docs, and a JSON 404 for
any other address under /api/.

Holds no viewset or stream logic (``viewsets``, ``streams``); included by
``config/urls.py``.
"""

from django.http import JsonResponse
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .changes import ChangeFeedView
from .streams import AuthorStream, PageStream, PaperStream, VenueStream
from .viewsets import AuthorViewSet, PageViewSet, PaperViewSet, VenueViewSet


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


app_name = "api"

router = DefaultRouter(use_regex_path=True)
router.include_format_suffixes = False  # page sources end in ".txt": no ".json" suffixes
router.register("authors", AuthorViewSet, basename="author")
router.register("papers", PaperViewSet, basename="paper")
router.register("venues", VenueViewSet, basename="venue")
router.register("pages", PageViewSet, basename="page")

stream = {"get": "list"}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("stream/authors/", AuthorStream.as_view(stream), name="author-stream"),
    path("stream/papers/", PaperStream.as_view(stream), name="paper-stream"),
    path("stream/venues/", VenueStream.as_view(stream), name="venue-stream"),
    path("stream/pages/", PageStream.as_view(stream), name="page-stream"),
    *router.urls,
    # Anything else under /api/ ending in a slash: JSON 404 (without the slash,
    # APPEND_SLASH redirects here first).
    re_path(r"^[\s\S]*/$", not_found),  # [\s\S]: a newline (%0A) is a character too
]
