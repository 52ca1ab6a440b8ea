"""sitemap.xml: every listed author (live, with a paper), live paper and venue, split
in pages of 10,000."""

from django.contrib.sitemaps import Sitemap

from . import selectors
from .models import Venue


class _CatalogueSitemap(Sitemap):
    limit = 10_000
    protocol = "https"


class AuthorSitemap(_CatalogueSitemap):
    def items(self):
        return selectors.listed_authors().only("slug", "updated_at").order_by("id")

    def lastmod(self, author):
        return author.updated_at


class PaperSitemap(_CatalogueSitemap):
    def items(self):
        return selectors.live_papers().only("slug", "updated_at").order_by("id")

    def lastmod(self, paper):
        return paper.updated_at


class VenueSitemap(_CatalogueSitemap):
    def items(self):
        return Venue.objects.only("slug").order_by("id")


SITEMAPS = {"authors": AuthorSitemap, "papers": PaperSitemap, "venues": VenueSitemap}
