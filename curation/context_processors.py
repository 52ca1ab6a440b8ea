"""Template context for every page: whether the visitor is a curator (header links)."""

from django.utils.functional import SimpleLazyObject

from .access import is_curator


def curation(request):
    """``is_curator`` for templates; asked of the database only when a page uses it."""
    return {"is_curator": SimpleLazyObject(lambda: is_curator(getattr(request, "user", None)))}
