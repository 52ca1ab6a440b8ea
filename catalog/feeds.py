"""``/changes.atom``: the change feed for people (a feed reader), the newest events
first; the same events as ``/api/changes/``."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .changes import latest_events
from .models import ChangeEvent

ENTRIES = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Author profiles: changes"
    subtitle = "Imports and curators' changes to the catalogue, newest first."
    description_template = None

    def link(self):
        return reverse("catalog:home")

    def items(self):
        return list(latest_events()[:ENTRIES])

    def item_title(self, item: ChangeEvent) -> str:
        return f"{item.get_kind_display().capitalize()}: {item.summary}"

    def item_description(self, item: ChangeEvent) -> str:
        parts = [f"{len(keys)} {name}" for name, keys in sorted(item.records.items())]
        return "Changed: " + (", ".join(parts) if parts else "nothing shown") + "."

    def item_link(self, item: ChangeEvent) -> str:
        return f"{reverse('api:changes')}?after={item.pk - 1}&page_size=1"

    def item_guid(self, item: ChangeEvent) -> str:
        return f"change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ChangeEvent):
        return item.created_at

    def item_updateddate(self, item: ChangeEvent):
        return item.created_at
