"""Public, read-only HTML pages."""

from django.contrib.sitemaps.views import index, sitemap
from django.urls import path
from django.views.decorators.cache import cache_page

from . import views
from .feeds import ChangesFeed
from .sitemaps import SITEMAPS

app_name = "catalog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("papers/<slug:slug>/", views.PaperDetailView.as_view(), name="paper-detail"),
    path("venues/<slug:slug>/", views.VenueDetailView.as_view(), name="venue-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report/sent/", views.report_sent, name="report-sent"),
    path("changes.atom", ChangesFeed(), name="changes-atom"),
    path("healthz", views.health, name="health"),
    path(
        "sitemap.xml",
        cache_page(3600)(index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalog:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(3600)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
