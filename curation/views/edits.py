"""Split papers off a profile; edit an author's name and ORCID or a paper's text."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from catalog.models import Author, Paper
from catalog.selectors import author_by_slug, live_authors, live_papers, paper_by_pk, paper_by_slug

from .. import finders, forms, selectors, services
from .base import FollowAddressMixin, OperationView, ids_from, typed_new_author


class SplitAuthorView(FollowAddressMixin, OperationView):
    template_name = "curation/split_author.html"
    form_class = forms.SplitAuthorForm

    @cached_property
    def author(self) -> Author:
        author = author_by_slug(self.kwargs["slug"])
        if author.slug != self.kwargs["slug"]:
            raise Http404("This author was merged; split the record it redirects to.")
        return author

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "author": self.author}

    def get_initial(self):
        return {
            "version": services.record_version(self.author),
            "papers": ids_from(self.request, "papers"),
            "family_name": self.author.family_name,
            "given_name": self.author.given_name,
            **typed_new_author(self.request),
        }

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        selected = ids_from(self.request, "papers")
        return super().get_context_data(
            author=self.author,
            clusters=finders.profile_clusters(self.author),
            selected=selected,
            form_papers=[("papers", i) for i in selected],
            query=query,
            choices=selectors.author_choices(query, exclude=[self.author.pk]),
            **kwargs,
        )

    def operation(self, form):
        target = form.target()
        return services.split_author, {
            "author": self.author,
            "papers": list(form.cleaned_data["papers"]),
            "to_author": target.get("existing"),
            "new_author": target.get("new"),
            "version": form.version_value(),
        }

    def success_url_for(self, action):
        return selectors.split_destination(action, source=self.author).get_absolute_url()


class EditAuthorView(FollowAddressMixin, OperationView):
    template_name = "curation/edit_author.html"
    form_class = forms.EditAuthorForm

    @cached_property
    def author(self) -> Author:
        return get_object_or_404(live_authors(), slug=self.kwargs["slug"])

    def get_form_kwargs(self):
        names = selectors.name_variants(self.author)
        return {**super().get_form_kwargs(), "names": names}

    def get_initial(self):
        a = self.author
        return {
            "version": services.record_version(a),
            "family_name": a.family_name,
            "given_name": a.given_name,
            "orcid": a.orcid,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)

    def operation(self, form):
        data = form.cleaned_data
        return services.edit_author, {
            "author": self.author,
            "family_name": data["family_name"],
            "given_name": data["given_name"],
            "orcid": data["orcid"],
            "drop_names": data["drop_names"],
            "version": form.version_value(),
        }

    def success_url_for(self, action):
        return self.author.get_absolute_url()


class EditPaperView(FollowAddressMixin, OperationView):
    template_name = "curation/edit_paper.html"
    form_class = forms.EditPaperForm
    follow = staticmethod(paper_by_slug)

    @cached_property
    def paper(self) -> Paper:
        return get_object_or_404(live_papers(), slug=self.kwargs["slug"])

    def get_initial(self):
        p = self.paper
        return {"version": services.record_version(p), "title": p.title, "abstract": p.abstract}

    def get_context_data(self, **kwargs):
        return super().get_context_data(paper=self.paper, **kwargs)

    def operation(self, form):
        return services.edit_paper, {
            "paper": self.paper,
            "title": form.cleaned_data["title"],
            "abstract": form.cleaned_data["abstract"],
            "version": form.version_value(),
        }

    def success_url_for(self, action):
        return paper_by_pk(self.paper.pk).get_absolute_url()
