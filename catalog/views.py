"""Public, read-only pages. Reads come from ``catalog.selectors``; nothing here writes."""

from __future__ import annotations

import hashlib
import string
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
from django.views.generic import DetailView, ListView, TemplateView

from . import selectors
from .models import Venue

PAPERS_PER_PAGE = 50
COAUTHORS_SHOWN = 60
ENTRIES_PER_PAGE = 100  # page entries listing one paper, on its page
AUTHORS_SHOWN = 200  # authors listed on a paper's page (a consortium paper has thousands)
PAPER_ORDERS = {"title": "title", "venue": "venue", "recent": "recently added"}


def catalogue_last_modified(request: HttpRequest, *args, **kwargs) -> datetime | None:
    """When anything a public page shows last changed; looked up once a request."""
    if not hasattr(request, "_catalogue_last_modified"):
        request._catalogue_last_modified = selectors.catalogue_last_changed()
    return request._catalogue_last_modified


def cache_until_catalogue_changes(view):
    """Serve a rendered public page from the cache while the catalogue is unchanged.

    The key holds the catalogue's last change, the host and the full path: an
    import or a curator's change moves the key, so no page outlives the data.
    Signed-in users always get a fresh page: what they see may be theirs alone.
    """

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        stamp = catalogue_last_modified(request)
        identity = f"{stamp.isoformat() if stamp else '-'}|{request.get_host()}|"
        key = "page:" + hashlib.sha256((identity + request.get_full_path()).encode()).hexdigest()
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200:
                cache.set(key, response, seconds)
        return response

    return cached_view


def conditional(view_class):
    """Last-Modified, 304 on conditional requests, and the page cache."""
    view_class.dispatch = method_decorator(condition(last_modified_func=catalogue_last_modified))(
        method_decorator(cache_until_catalogue_changes)(view_class.dispatch)
    )
    return view_class


class RedirectToLiveMixin:
    """Detail views of mergeable records: old slugs and tombstones answer 301."""

    lookup = staticmethod(selectors.author_by_slug)

    def get(self, request, *args, **kwargs):
        self.object = self.lookup(kwargs["slug"])
        if self.object.slug != kwargs["slug"]:
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))


@conditional
class HomeView(TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(figures=selectors.catalogue_figures(), **kwargs)


@conditional
class AuthorListView(ListView):
    template_name = "catalog/author_list.html"
    context_object_name = "authors"
    paginate_by = 50

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        letter = self.request.GET.get("letter", "")[:1]
        self.letter = letter.upper() if letter.isalnum() else ""
        return selectors.author_list(query=self.query, letter=self.letter)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query,
            letter=self.letter,
            letters=string.ascii_uppercase,
            **kwargs,
        )


@conditional
class AuthorDetailView(RedirectToLiveMixin, DetailView):
    template_name = "catalog/author_detail.html"
    context_object_name = "author"
    lookup = staticmethod(selectors.author_by_slug)

    def get_context_data(self, **kwargs):
        author = self.object
        order = self.request.GET.get("order", "title")
        order = order if order in PAPER_ORDERS else "title"
        papers = Paginator(selectors.author_papers(author, order=order), PAPERS_PER_PAGE)
        page = papers.get_page(self.request.GET.get("page"))
        coauthors = list(selectors.author_coauthors(author)[: COAUTHORS_SHOWN + 1])
        return super().get_context_data(
            names=[
                n
                for n in author.names.order_by("name")
                if n.name not in (author.display_name, author.inverted_name)
            ],
            paper_page=page,
            order=order,
            orders=PAPER_ORDERS,
            coauthors=coauthors[:COAUTHORS_SHOWN],
            more_coauthors=len(coauthors) > COAUTHORS_SHOWN,
            **kwargs,
        )


@conditional
class PaperDetailView(RedirectToLiveMixin, DetailView):
    template_name = "catalog/paper_detail.html"
    context_object_name = "paper"
    lookup = staticmethod(selectors.paper_by_slug)

    def get_context_data(self, **kwargs):
        entries = Paginator(selectors.paper_entries(self.object), ENTRIES_PER_PAGE)
        return super().get_context_data(
            **selectors.paper_detail(self.object, authors_shown=AUTHORS_SHOWN),
            entry_page=entries.get_page(self.request.GET.get("page")),
            **kwargs,
        )


@conditional
class VenueDetailView(DetailView):
    template_name = "catalog/venue_detail.html"
    context_object_name = "venue"

    def get_object(self, queryset=None):
        return get_object_or_404(Venue, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        papers = Paginator(selectors.paper_list(venue=self.object), PAPERS_PER_PAGE)
        return super().get_context_data(
            paper_page=papers.get_page(self.request.GET.get("page")), **kwargs
        )


@conditional
class SearchView(TemplateView):
    template_name = "catalog/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        hits = Paginator(selectors.search_paper_ids(query), PAPERS_PER_PAGE)
        page = hits.get_page(self.request.GET.get("page"))
        page.object_list = selectors.papers_in_order(list(page.object_list))
        return super().get_context_data(
            query=query,
            authors=list(selectors.author_list(query=query)[:20]) if query else [],
            paper_page=page,
            limit=selectors.SEARCH_LIMIT,
            **kwargs,
        )


def health(request: HttpRequest) -> HttpResponse:
    """Liveness probe for operators (and the benchmarks' trivial baseline): no database."""
    return HttpResponse("ok\n", content_type="text/plain")
