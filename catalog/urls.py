"""Public, read-only HTML pages."""

app_name = "catalog"

urlpatterns: list = []
