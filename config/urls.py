"""The URL map: public pages (``catalog.urls``), the API under /api/ (the curators'
JSON first: the public API ends with a catch-all 404), curation, admin, sign-in."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("curation.api_urls")),
    path("api/", include("catalog.api.urls")),
    path("curation/", include("curation.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="curation/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("catalog.urls")),
]
