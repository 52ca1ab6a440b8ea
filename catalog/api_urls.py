"""URLs of the JSON API under /api/ (names in the ``api`` namespace)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import api

app_name = "api"

router = DefaultRouter(use_regex_path=True)
router.include_format_suffixes = False  # page sources end in ".txt": no ".json" suffixes
router.register("authors", api.AuthorViewSet, basename="author")
router.register("papers", api.PaperViewSet, basename="paper")
router.register("venues", api.VenueViewSet, basename="venue")
router.register("pages", api.PageViewSet, basename="page")

stream = {"get": "list"}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("stream/authors/", api.AuthorStream.as_view(stream), name="author-stream"),
    path("stream/papers/", api.PaperStream.as_view(stream), name="paper-stream"),
    path("stream/venues/", api.VenueStream.as_view(stream), name="venue-stream"),
    path("stream/pages/", api.PageStream.as_view(stream), name="page-stream"),
    *router.urls,
    # Anything else under /api/ ending in a slash: JSON 404 (without the slash,
    # APPEND_SLASH redirects here first).
    re_path(r"^[\s\S]*/$", api.not_found),  # [\s\S]: a newline (%0A) is a character too
]
