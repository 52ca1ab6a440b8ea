"""URLs of the JSON API under /api/."""

urlpatterns: list = []
