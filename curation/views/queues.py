"""The dashboard and the queue pages: what deserves a curator's look, from the
queues a background worker computed (``curation.queues``). No finder runs here:
"Compute again" asks the worker.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.views.generic import TemplateView

from catalog.selectors import unassigned_pages

from .. import queues, selectors
from ..matcher.model import ASSIGN
from .base import CuratorRequiredMixin

QUEUE_PREVIEW = 8


COMPUTE_ASKED = (
    "The queues are being computed again in the background; this page shows them "
    "when the worker is done (reload it)."
)


class QueueView(CuratorRequiredMixin, TemplateView):
    """A page of queues as the worker last computed them; a POST ("Compute again")
    asks the worker for a full computation and comes back at once."""

    queue_names: tuple[str, ...] = ()
    context_name: str | None = None  # the one queue's name in the template, if not its own

    def post(self, request, *args, **kwargs):
        queues.request_refresh(full=True)
        messages.success(request, COMPUTE_ASKED)
        return HttpResponseRedirect(request.path)

    def get_context_data(self, **kwargs):
        found = queues.queues(*self.queue_names)
        shown = {self.context_name or name: q.items for name, q in found.items()}
        return super().get_context_data(
            queue_status=queues.status(),
            schedule_minutes=settings.QUEUE_SCHEDULE_SECONDS // 60,
            held_back=sum(q.held_back for q in found.values()),
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
            open_reports=selectors.open_reports().count(),
            reports=list(selectors.open_reports()[:QUEUE_PREVIEW]),
            **kwargs,
        )
        # Pages the matcher would assign (from the items in memory: no query).
        context["confident"] = sum(item.recommendation == ASSIGN for item in context["pages"])
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
