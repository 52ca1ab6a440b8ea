"""The curators' history: the list of actions, one action's changes, and undo."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import DetailView, ListView

from .. import selectors, services
from ..models import ActionTarget, CurationAction
from .base import CuratorRequiredMixin


class HistoryView(CuratorRequiredMixin, ListView):
    template_name = "curation/history.html"
    context_object_name = "actions"
    paginate_by = 50

    def get_queryset(self):
        self.filters = {
            "actor": self.request.GET.get("actor", "")[:150],
            "kind": self.request.GET.get("kind", "")
            if self.request.GET.get("kind") in CurationAction.Kind.values
            else "",
        }
        self.record = None
        model, object_id = "", None
        for parameter, kind, longest in (
            ("author", ActionTarget.Model.AUTHOR, 120),
            ("paper", ActionTarget.Model.PAPER, 120),
            ("source", ActionTarget.Model.PAGE, 255),
        ):
            if key := self.request.GET.get(parameter, "")[:longest]:
                self.record = selectors.record_for_history(kind, key)
                model, object_id = kind, self.record.pk
                break
        return selectors.history(model=model, object_id=object_id, **self.filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters,
            record=self.record,
            kinds=CurationAction.Kind.choices,
            curators=selectors.curator_names(),
            **kwargs,
        )


class ActionDetailView(CuratorRequiredMixin, DetailView):
    template_name = "curation/action_detail.html"
    context_object_name = "action"
    queryset = selectors.actions()

    def get_context_data(self, **kwargs):
        action = self.object
        rows = action.changes.get("rows", [])
        return super().get_context_data(
            changes=selectors.describe_rows(rows),
            counts=selectors.change_counts(rows),
            more=max(0, len(rows) - selectors.MAX_DESCRIBED_ROWS),
            dependents=[] if action.is_undone else services.dependent_actions(action),
            **kwargs,
        )


class UndoView(CuratorRequiredMixin, DetailView):
    """POST only: the action's page is the confirmation (it shows the diff to reverse)."""

    http_method_names = ["post"]
    queryset = selectors.actions()

    def post(self, request, *args, **kwargs):
        action = self.get_object()
        try:
            services.undo_action(action=action, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("curation:action-detail", args=[action.pk]))
        messages.success(request, f"Undone: {action.summary}.")
        return HttpResponseRedirect(reverse("curation:history"))
