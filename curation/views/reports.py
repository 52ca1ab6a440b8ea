"""Readers' reports: the queue (open ones, then the last decided) and one report,
where a curator follows the links to the ordinary tools (split, merge, edit) and
then resolves it, or dismisses it with a reason (``curation.services``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.views.generic import TemplateView

from catalog.models import ReaderReport

from .. import selectors, services
from .base import CuratorRequiredMixin

REPORTS_SHOWN = 100
DECIDED_SHOWN = 20


class ReportQueueView(CuratorRequiredMixin, TemplateView):
    template_name = "curation/reports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            open_count=selectors.open_reports().count(),
            reports=list(selectors.open_reports()[:REPORTS_SHOWN]),
            decided=list(selectors.decided_reports()[:DECIDED_SHOWN]),
            **kwargs,
        )


class ReportView(CuratorRequiredMixin, TemplateView):
    """One report; POST ``decision`` = resolve (``note`` optional) or dismiss
    (``note``: the reason, required)."""

    template_name = "curation/report.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(selectors.reports(), pk=self.kwargs["pk"])
        return super().get_context_data(
            report=report, live=selectors.report_records(report), **kwargs
        )

    def post(self, request, *args, **kwargs):
        report = get_object_or_404(ReaderReport, pk=kwargs["pk"])
        note = request.POST.get("note", "")[:500]
        decide = {"resolve": services.resolve_report, "dismiss": services.dismiss_report}.get(
            request.POST.get("decision", "")
        )
        if decide is None:
            return self._refused(["Choose to resolve or to dismiss the report."], note)
        try:
            if decide is services.dismiss_report:
                action = decide(report=report, actor=request.user, reason=note)
            else:
                action = decide(report=report, actor=request.user, note=note)
        except ValidationError as error:
            return self._refused(error.messages, note)
        messages.success(
            request,
            format_html(
                '{} <a href="{}">See or undo it in the history.</a>',
                action.summary,
                reverse("curation:action-detail", args=[action.pk]),
            ),
        )
        return HttpResponseRedirect(reverse("curation:reports"))

    def _refused(self, errors: list[str], note: str):
        context = self.get_context_data(errors=errors, note=note)
        return self.render_to_response(context, status=400)
