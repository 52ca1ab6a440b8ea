"""Accept all confident suggestions: every queued page the matcher would assign,
given to its first candidate in one action (one undo reverts them all).

The page lists them first (each judged again now, so the list is current); the
confirmation posts exactly the pairs shown, and the service checks each again
under lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from catalog.models import Author, SourcePage

from .. import finders, queues, services
from ..matcher.model import ASSIGN
from .base import MAX_ID, CuratorRequiredMixin


def confident_pages() -> list[finders.PageToAssign]:
    """The pages the queue recommends assigning, still waiting, each judged again
    now (exactly as :func:`finders.page_judgement` judges it alone, all together:
    a fixed number of queries however many); those the matcher is still confident
    about, in the queue's order."""
    queued = {
        item.page.pk
        for item in queues.queues("pages")["pages"].items
        if item.recommendation == ASSIGN
    }
    if not queued:
        return []
    waiting = SourcePage.objects.filter(pk__in=queued, author__isnull=True).defer("raw_text")
    return [
        item
        for item in finders.page_judgements(list(waiting), limit=1)
        if item.recommendation == ASSIGN and item.top is not None
    ]


def _posted_ids(request, name: str) -> list[int]:
    """The ids of one hidden field, in order (repeats kept: an author may get many pages)."""
    try:
        ids = [int(value) for value in request.POST.getlist(name)]
    except ValueError as error:
        raise BadRequest("Bad record id.") from error
    if not all(0 < i <= MAX_ID for i in ids):
        raise BadRequest("Bad record id.")
    return ids


class AcceptConfidentView(CuratorRequiredMixin, TemplateView):
    """GET: the confident pages, their authors and probabilities, and a Confirm
    button; POST: assign exactly the pairs shown (page ids and author ids)."""

    template_name = "curation/accept_confident.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(confident=confident_pages(), **kwargs)

    def post(self, request, *args, **kwargs):
        page_ids, author_ids = _posted_ids(request, "page"), _posted_ids(request, "author")
        if len(page_ids) != len(author_ids):
            raise BadRequest("Each page needs its author.")
        try:
            action = services.assign_pages(
                assignments=self._assignments(page_ids, author_ids), actor=request.user
            )
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, f"Done: {action.summary}. The history can undo it.")
        return HttpResponseRedirect(reverse("curation:action-detail", args=[action.pk]))

    @staticmethod
    def _assignments(page_ids: list[int], author_ids: list[int]) -> list[tuple[SourcePage, Author]]:
        """The posted pairs as records; refused, naming it, when one no longer exists
        (the service checks the rest under lock: still unassigned, author live)."""
        pages = SourcePage.objects.defer("raw_text").in_bulk(page_ids)
        authors = Author.objects.in_bulk(author_ids)
        pairs = []
        for page_id, author_id in zip(page_ids, author_ids, strict=True):
            page = pages.get(page_id)
            if page is None:
                raise ValidationError(
                    services.PAGE_GONE_MEANWHILE.format(page=f"#{page_id}"), code="gone"
                )
            author = authors.get(author_id)
            if author is None:
                raise ValidationError(
                    services.AUTHOR_GONE_MEANWHILE.format(author=f"Author #{author_id}", page=page),
                    code="gone",
                )
            pairs.append((page, author))
        return pairs
