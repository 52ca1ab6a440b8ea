"""URLs of the curators' JSON under /api/ (names in the ``curation-api`` namespace):
a page's candidate authors and an author's mixed-profile judgement.

Addresses take the public API's patterns (page source names, slugs); included by
``config/urls.py`` before ``catalog.api.urls``, whose last pattern answers every
other address under /api/ with a JSON 404. Views in :mod:`curation.api`.
"""

from django.urls import re_path

from catalog.api.viewsets import SLUG, PageViewSet

from .api import MixedProfileView, PageSuggestionsView

app_name = "curation-api"

SOURCE = PageViewSet.lookup_value_regex  # source names hold dots: "001_fa86...txt"

urlpatterns = [
    re_path(
        rf"^pages/(?P<source>{SOURCE})/suggestions/$",
        PageSuggestionsView.as_view(),
        name="page-suggestions",
    ),
    re_path(rf"^authors/(?P<slug>{SLUG})/mixed/$", MixedProfileView.as_view(), name="author-mixed"),
]
