"""Public pages. Reads come from ``catalog.selectors``; the one write is a reader's
problem report, through ``catalog.reports``."""

from __future__ import annotations

import hashlib
import string
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition
from django.views.generic import DetailView, FormView, ListView, TemplateView
from rest_framework.throttling import BaseThrottle

from . import selectors
from .coauthor_picture import MAX_COAUTHORS, Picture, picture
from .forms import ReportForm
from .homonyms import namesakes, with_hints
from .models import Author, MergeableRecord, Paper, Venue
from .reports import file_report, within_report_rate

PAPERS_PER_PAGE = 50
COAUTHORS_SHOWN = 60
ENTRIES_PER_PAGE = 100  # page entries listing one paper, on its page
AUTHORS_SHOWN = 200  # authors listed on a paper's page (a consortium paper has thousands)
AUTHORS_IN_LISTS = 10  # authors under each paper of a venue or search list, then the count
PAPER_ORDERS = {"title": "title", "venue": "venue", "recent": "recently added"}
CACHE_HEADER = "X-Page-Cache"  # "hit" or "miss" on pages the page cache may serve


def catalogue_last_modified(request: HttpRequest, *args, **kwargs) -> datetime | None:
    """When anything a public page shows last changed; looked up once a request."""
    if not hasattr(request, "_catalogue_last_modified"):
        request._catalogue_last_modified = selectors.catalogue_last_changed()
    return request._catalogue_last_modified


def _cached_render(view, version: str, request: HttpRequest, *args, **kwargs):
    """The view's response from the page cache under ``version``, rendered and stored
    there on a miss (200 answers only). Signed-in users always get a fresh page:
    what they see may be theirs alone."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return view(request, *args, **kwargs)
    identity = f"{version}|{request.get_host()}|{request.get_full_path()}"
    key = "page:" + hashlib.sha256(identity.encode()).hexdigest()
    response = cache.get(key)
    if response is not None:
        response[CACHE_HEADER] = "hit"
        return response
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200:
        cache.set(key, response, seconds)
    response[CACHE_HEADER] = "miss"
    return response


def cache_until_catalogue_changes(view):
    """Serve a rendered listing page from the cache while the catalogue is unchanged:
    the key holds the catalogue's last change (any import or curator's action moves it)."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs):
        stamp = catalogue_last_modified(request)
        return _cached_render(view, stamp.isoformat() if stamp else "-", request, *args, **kwargs)

    return cached_view


def conditional(view_class):
    """Last-Modified, 304 on conditional requests, and the page cache, all following
    the catalogue's last change: for pages that list across the catalogue."""
    view_class.dispatch = method_decorator(condition(last_modified_func=catalogue_last_modified))(
        method_decorator(cache_until_catalogue_changes)(view_class.dispatch)
    )
    return view_class


def _record(request: HttpRequest, lookup, slug: str) -> MergeableRecord:
    """The live record a detail page shows, looked up once a request."""
    if not hasattr(request, "_page_record"):
        request._page_record = lookup(slug)
    return request._page_record


def conditional_record(view_class):
    """Last-Modified, ETag, 304 and the page cache of a record's own page, all
    following the record's page version (``page_changed_at``, moved by
    :mod:`catalog.freshness` when anything the page shows changes): a curator's
    action elsewhere in the catalogue leaves this page cached."""
    lookup = view_class.lookup

    def version(request: HttpRequest, *args, **kwargs) -> str:
        if settings.PAGE_CACHE_KEY == "catalogue":  # the one key of every page, to compare
            stamp = catalogue_last_modified(request)
            return stamp.isoformat() if stamp else "-"
        record = _record(request, lookup, kwargs["slug"])
        stamp = record.page_changed_at.isoformat()
        return f"{record._meta.model_name}-{record.pk}-{stamp}"

    def etag(request: HttpRequest, *args, **kwargs) -> str:
        # A signed-in curator's page carries their tools: not the reader's representation.
        viewer = "signed-in" if request.user.is_authenticated else "reader"
        tag = f"{version(request, *args, **kwargs)}|{viewer}"
        return hashlib.sha256(tag.encode()).hexdigest()[:32]

    def last_modified(request: HttpRequest, *args, **kwargs) -> datetime:
        return _record(request, lookup, kwargs["slug"]).page_changed_at

    def cached(view):
        @wraps(view)
        def cached_view(request: HttpRequest, *args, **kwargs):
            return _cached_render(view, version(request, **kwargs), request, *args, **kwargs)

        return cached_view

    view_class.dispatch = method_decorator(
        condition(etag_func=etag, last_modified_func=last_modified)
    )(method_decorator(cached)(view_class.dispatch))
    return view_class


class CountedPaginator(Paginator):
    """A paginator told its count, where the database can count a cheaper way."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


class RedirectToLiveMixin:
    """Detail views of mergeable records: old slugs and tombstones answer 301."""

    lookup = staticmethod(selectors.author_by_slug)

    def get(self, request, *args, **kwargs):
        self.object = _record(request, self.lookup, kwargs["slug"])
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
        status = self.request.GET.get("status", "")
        self.status = status if status in Author.Status.values else ""
        return selectors.author_list(query=self.query, letter=self.letter, status=self.status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query,
            letter=self.letter,
            letters=string.ascii_uppercase,
            status=self.status,
            statuses=Author.Status.choices,
            **kwargs,
        )
        with_hints(context["authors"])
        first_page = not context["page_obj"] or context["page_obj"].number == 1
        if self.query and first_page and not self.letter:
            context["namesakes"] = namesakes(self.query)
        return context


@conditional_record
class AuthorDetailView(RedirectToLiveMixin, DetailView):
    template_name = "catalog/author_detail.html"
    context_object_name = "author"
    lookup = staticmethod(selectors.author_by_slug)

    def get(self, request, *args, **kwargs):
        author = _record(request, self.lookup, kwargs["slug"])
        if author.slug == kwargs["slug"] and not author.has_papers:
            return render(request, "catalog/author_gone.html", {"author": author}, status=410)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        author = self.object
        order = self.request.GET.get("order", "title")
        order = order if order in PAPER_ORDERS else "title"
        papers = Paginator(selectors.author_papers(author, order=order), PAPERS_PER_PAGE)
        page = papers.get_page(self.request.GET.get("page"))
        coauthors = list(selectors.author_coauthors(author)[: COAUTHORS_SHOWN + 1])
        with_hints(coauthors[:COAUTHORS_SHOWN])
        return super().get_context_data(
            picture=_coauthor_picture(author, coauthors[:MAX_COAUTHORS]),
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


def _coauthor_picture(author: Author, coauthors: list[Author]) -> Picture | None:
    """The profile's co-author picture (None without co-authors): one query, for
    the lines between co-authors."""
    if not coauthors:
        return None
    index = {c.pk: i for i, c in enumerate(coauthors)}
    links = selectors.coauthor_links(author, index)
    return picture(
        name=author.display_name,
        url=author.get_absolute_url(),
        coauthors=[(c.display_name, c.get_absolute_url(), c.shared) for c in coauthors],
        links={tuple(sorted((index[a], index[b]))): n for (a, b), n in links.items()},
    )


@conditional_record
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
        papers = CountedPaginator(
            selectors.paper_list(venue=self.object, authors_shown=AUTHORS_IN_LISTS),
            PAPERS_PER_PAGE,
            count=selectors.venue_paper_count(self.object),
        )
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
        page.object_list = selectors.papers_in_order(
            list(page.object_list), authors_shown=AUTHORS_IN_LISTS
        )
        authors = list(selectors.author_list(query=query)[:20]) if query else []
        with_hints(authors)
        return super().get_context_data(
            query=query,
            authors=authors,
            paper_page=page,
            limit=selectors.SEARCH_LIMIT,
            **kwargs,
        )


REPORTS_TOO_MANY = (
    "Too many reports from your address this hour: thank you, and please come back later."
)


@method_decorator(never_cache, name="dispatch")  # the form holds the reader's CSRF token
class ReportView(FormView):
    """A reader's "Report a problem" about a profile (``?author=``) or a paper
    (``?paper=``): no account needed; CSRF-checked, a honeypot field, REPORT_RATE
    reports an hour per address (``catalog.reports``)."""

    template_name = "catalog/report.html"
    form_class = ReportForm

    def dispatch(self, request, *args, **kwargs):
        author, paper = request.GET.get("author", ""), request.GET.get("paper", "")
        if bool(author) == bool(paper):
            raise Http404("Report a problem from a profile or a paper page.")
        self.author = selectors.author_by_slug(author) if author else None
        self.paper = selectors.paper_by_slug(paper) if paper else None
        return super().dispatch(request, *args, **kwargs)

    @property
    def record(self) -> Author | Paper:
        return self.author or self.paper

    def get_form_kwargs(self):
        authors = ()
        if self.paper is not None:
            shown = selectors.paper_detail(self.paper, authors_shown=AUTHORS_SHOWN)
            authors = [a.author for a in shown["authorships"]]
        return {
            **super().get_form_kwargs(),
            "author": self.author,
            "paper": self.paper,
            "authors": authors,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, about_author=self.author, **kwargs)

    def form_valid(self, form):
        sent = f"{reverse('catalog:report-sent')}?back={self.record.get_absolute_url()}"
        if form.is_robot:  # answered as if filed: nothing tells a robot it was caught
            return HttpResponseRedirect(sent)
        if not within_report_rate(BaseThrottle().get_ident(self.request)):
            form.add_error(None, REPORTS_TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        data = form.cleaned_data
        try:
            file_report(
                kind=data["kind"],
                author=self.author or data.get("paper_author"),
                paper=data.get("paper") if self.author else self.paper,
                other_author=data.get("other_profile"),
                text=data.get("text", ""),
            )
        except ValidationError as error:
            fields = {"author": "paper_author", "other_author": "other_profile"}
            for field, messages in error.message_dict.items():
                name = fields.get(field, field)
                form.add_error(name if name in form.fields else None, messages)
            return self.form_invalid(form)
        return HttpResponseRedirect(sent)


def report_sent(request: HttpRequest) -> HttpResponse:
    """Thanks, and the way back to the page the report came from."""
    back = request.GET.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = "/"
    return render(request, "catalog/report_sent.html", {"back": back})


def health(request: HttpRequest) -> HttpResponse:
    """Liveness probe for operators (and the benchmarks' trivial baseline): no database."""
    return HttpResponse("ok\n", content_type="text/plain")
