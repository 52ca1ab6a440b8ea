"""The dashboard and the queue pages: what deserves a curator's look, from the
queues the finders computed (``curation.selectors.queues``). No operation here.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.views.generic import TemplateView

from catalog.selectors import unassigned_pages

from .. import selectors
from .base import CuratorRequiredMixin

QUEUE_PREVIEW = 8


class QueueView(CuratorRequiredMixin, TemplateView):
    """A page of queues; a POST ("Compute again") computes them again, then shows the
    page. A GET never computes more than an expired queue needs."""

    queue_names: tuple[str, ...] = ()
    context_name: str | None = None  # the one queue's name in the template, if not its own

    def post(self, request, *args, **kwargs):
        selectors.queues(*self.queue_names, refresh=True)
        messages.success(request, "The queues were computed again just now.")
        return HttpResponseRedirect(request.path)

    def get_context_data(self, **kwargs):
        queues = selectors.queues(*self.queue_names)
        shown = {self.context_name or name: q.items for name, q in queues.items()}
        computed_at = min(q.computed_at for q in queues.values())
        return super().get_context_data(
            computed_at=computed_at,
            computed_just_now=timezone.now() - computed_at < timedelta(minutes=1),
            held_back=sum(q.held_back for q in queues.values()),
            **shown,
            **kwargs,
        )


class DashboardView(QueueView):
    template_name = "curation/dashboard.html"

    queue_names = ("pages", "paper_pairs", "author_pairs", "mixed")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            waiting=unassigned_pages().count(),
            recent=selectors.history()[:QUEUE_PREVIEW],
            **kwargs,
        )
        for name in self.queue_names:
            context[f"{name}_more"] = len(context[name]) > QUEUE_PREVIEW
            context[name] = context[name][:QUEUE_PREVIEW]
        return context


class PageQueueView(QueueView):
    template_name = "curation/page_queue.html"

    queue_names = ("pages",)


class PaperDuplicatesView(QueueView):
    template_name = "curation/paper_duplicates.html"

    queue_names, context_name = ("paper_pairs",), "pairs"


class AuthorDuplicatesView(QueueView):
    template_name = "curation/author_duplicates.html"

    queue_names, context_name = ("author_pairs",), "pairs"


class MixedProfilesView(QueueView):
    template_name = "curation/mixed_profiles.html"

    queue_names, context_name = ("mixed",), "profiles"
