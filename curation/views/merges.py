"""Merge papers, merge authors, and dismiss a duplicate candidate ("not the same")."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property

from catalog.models import Author, Paper
from catalog.selectors import author_by_pk, paper_by_pk

from .. import forms, selectors, services
from .base import OperationView, ids_from


class MergePapersView(OperationView):
    template_name = "curation/merge_papers.html"
    form_class = forms.MergePapersForm

    @cached_property
    def papers(self) -> list[Paper]:
        return selectors.papers_to_merge(ids_from(self.request))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "records": self.papers}

    def get_initial(self):
        first = self.papers[0] if self.papers else None
        titled = next((p for p in self.papers if p.title), first)
        with_abstract = next((p for p in self.papers if p.abstract), first)
        return {
            "version": services.record_version(*self.papers),
            "survivor": titled.pk if titled else None,
            "title_from": titled.pk if titled else None,
            "abstract_from": with_abstract.pk if with_abstract else None,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            papers=self.papers, merge_needs_two=services.MERGE_NEEDS_TWO, **kwargs
        )

    def operation(self, form):
        survivor, others = form.survivor_and_others()
        return services.merge_papers, {
            "survivor": survivor,
            "others": others,
            "title_from": form.chosen("title_from"),
            "abstract_from": form.chosen("abstract_from"),
            "version": form.version_value(),
        }

    def success_url_for(self, action):
        return paper_by_pk(int(self.request.POST["survivor"])).get_absolute_url()


class MergeAuthorsView(OperationView):
    template_name = "curation/merge_authors.html"
    form_class = forms.MergeAuthorsForm

    @cached_property
    def authors(self) -> list[Author]:
        return selectors.authors_to_merge(ids_from(self.request))

    def names(self) -> list[str]:
        names = {a.inverted_name for a in self.authors} | {
            n.name for a in self.authors for n in a.names.all()
        }
        return sorted(names)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "records": self.authors, "names": self.names()}

    def get_initial(self):
        first = self.authors[0] if self.authors else None
        return {
            "version": services.record_version(*self.authors),
            "survivor": first.pk if first else None,
            "display_name": first.inverted_name if first else None,
        }

    def get_context_data(self, **kwargs):
        counts = selectors.paper_counts([a.pk for a in self.authors])
        for author in self.authors:
            author.paper_count = counts.get(author.pk, 0)
        return super().get_context_data(
            authors=self.authors, merge_needs_two=services.MERGE_NEEDS_TWO, **kwargs
        )

    def operation(self, form):
        survivor, others = form.survivor_and_others()
        return services.merge_authors, {
            "survivor": survivor,
            "others": others,
            "display_name": form.cleaned_data["display_name"],
            "version": form.version_value(),
        }

    def success_url_for(self, action):
        return author_by_pk(int(self.request.POST["survivor"])).get_absolute_url()


class DismissView(OperationView):
    template_name = "curation/dismiss.html"
    form_class = forms.DismissForm
    http_method_names = ["post"]

    def operation(self, form):
        first, second = form.records()
        return services.dismiss_pair, {
            "kind": form.cleaned_data["kind"],
            "first": first,
            "second": second,
        }

    def success_url_for(self, action):
        if action.dismissed_pairs.get().kind == "author":
            return reverse("curation:author-duplicates")
        return reverse("curation:paper-duplicates")
