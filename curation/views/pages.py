"""Assign an anonymous page to an author, and take it back (unassign)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property

from catalog.models import SourcePage

from .. import finders, forms, selectors, services
from .base import OperationView, typed_new_author


class PageAssignView(OperationView):
    template_name = "curation/page_assign.html"
    form_class = forms.AssignPageForm

    @cached_property
    def page(self) -> SourcePage:
        try:
            return selectors.page_for_curation(self.kwargs["pk"])
        except SourcePage.DoesNotExist as error:
            raise Http404("No such page.") from error

    def get_initial(self):
        return {"version": services.record_version(self.page), **typed_new_author(self.request)}

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        judgement = finders.page_judgement(self.page) if self.page.author_id is None else None
        suggestions = list(judgement.suggestions) if judgement else []
        selectors.with_hints([s.author for s in suggestions])
        return super().get_context_data(
            page=self.page,
            query=query,
            choices=selectors.author_choices(query, exclude=[s.author.pk for s in suggestions]),
            judgement=judgement,
            suggestions=suggestions,
            **kwargs,
        )

    def operation(self, form):
        target = form.target()
        return services.assign_page, {
            "page": self.page,
            "author": target.get("existing"),
            "new_author": target.get("new"),
            "version": form.version_value(),
        }

    def success_url_for(self, action):
        self.page.refresh_from_db()
        return self.page.author.get_absolute_url()


class PageRejectView(OperationView):
    """'Not this author' on one of a page's suggestions: previewed, then recorded."""

    template_name = "curation/page_reject.html"
    form_class = forms.RejectSuggestionForm
    http_method_names = ["post"]

    @cached_property
    def page(self) -> SourcePage:
        return get_object_or_404(SourcePage, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page, **kwargs)

    def operation(self, form):
        return services.reject_suggestion, {
            "page": self.page,
            "author": form.cleaned_data["author"],
        }

    def success_url_for(self, action):
        return reverse("curation:page-assign", kwargs={"pk": self.page.pk})


class PageUnassignView(OperationView):
    template_name = "curation/page_unassign.html"
    form_class = forms.VersionForm

    @cached_property
    def page(self) -> SourcePage:
        return get_object_or_404(selectors.pages_with_author(), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"version": services.record_version(self.page)}

    def get_context_data(self, **kwargs):
        refusal = None  # said when the form opens, not after a submit
        try:
            services.check_unassignable(self.page)
        except ValidationError as error:
            refusal = error.messages[0]
        return super().get_context_data(page=self.page, refusal=refusal, **kwargs)

    def operation(self, form):
        return services.unassign_page, {"page": self.page, "version": form.version_value()}

    def success_url_for(self, action):
        return reverse("curation:page-assign", kwargs={"pk": self.page.pk})
