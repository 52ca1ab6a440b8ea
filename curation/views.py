"""The curators' pages. Each operation is a form that shows what will change
(the service run and rolled back), then does it on confirmation.

Views parse input and call ``curation.services`` or the selectors and finders;
none writes a model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, TemplateView

from catalog.models import Author, Paper, SourcePage
from catalog.selectors import author_by_slug, paper_by_slug

from . import finders, forms, selectors, services
from .access import is_curator
from .models import ActionTarget, CurationAction

QUEUE_PREVIEW = 8


class CuratorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors go to the login page; signed-in non-curators get 403."""

    def test_func(self) -> bool:
        return is_curator(self.request.user)


MAX_ID = 2**63 - 1


def _ids(request, name: str = "ids") -> list[int]:
    """Record ids from the address or the form; one beyond any row names nothing."""
    values = request.GET.getlist(name) or request.POST.getlist(name)
    try:
        ids = [int(v) for v in values]
    except ValueError as error:
        raise Http404("Bad record id.") from error
    return list(dict.fromkeys(i for i in ids if 0 < i <= MAX_ID))


def _typed_new_author(request) -> dict[str, str]:
    """The new author's fields as typed before a picker search (static/js/picker.js)."""
    return {
        name: request.GET[name][:200]
        for name in ("family_name", "given_name", "orcid")
        if name in request.GET
    }


class OperationView(CuratorRequiredMixin, FormView):
    """Form → preview of the exact changes → confirm → the service does it."""

    def operation(self, form) -> tuple[Callable[..., CurationAction], dict[str, Any]]:
        raise NotImplementedError

    def success_url_for(self, action: CurationAction) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        if "back" in self.request.POST:  # from the preview: the form, as filled in
            return self.render_to_response(self.get_context_data(form=form))
        try:
            operation, arguments = self.operation(form)
            arguments["actor"] = self.request.user
            if "confirm" not in self.request.POST:
                preview = services.preview(operation, selectors.describe_rows, **arguments)
                return self.render_to_response(
                    self.get_context_data(
                        form=form,
                        preview=preview,
                        preview_counts=selectors.change_counts(preview.rows),
                    )
                )
            action = operation(**arguments)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, f"Done: {action.summary}. The history can undo it.")
        return HttpResponseRedirect(self.success_url_for(action))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("preview", None)
        # What the confirmation step posts again: the form exactly as filled in.
        context["posted"] = [
            (key, value)
            for key, values in self.request.POST.lists()
            if key not in ("csrfmiddlewaretoken", "confirm", "back")
            for value in values
        ]
        return context


class FollowAddressMixin:
    """A form opened by an old or merged-away address goes to the live record's form."""

    follow = staticmethod(author_by_slug)  # slug -> live record; Http404 when unknown

    def get(self, request, *args, **kwargs):
        live = self.follow(kwargs["slug"])
        if live.slug != kwargs["slug"]:
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "slug": live.slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{url}?{query}" if query else url)
        return super().get(request, *args, **kwargs)


# --- dashboard and queues --------------------------------------------------------------------


class QueueView(CuratorRequiredMixin, TemplateView):
    """A page of queues; ``?refresh`` computes them again, then comes back without it."""

    queue_names: tuple[str, ...] = ()
    context_name: str | None = None  # the one queue's name in the template, if not its own

    def get(self, request, *args, **kwargs):
        if "refresh" in request.GET:
            selectors.queues(*self.queue_names, refresh=True)
            messages.success(request, "The queues were computed again just now.")
            return HttpResponseRedirect(request.path)
        return super().get(request, *args, **kwargs)

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
            waiting=SourcePage.objects.filter(author__isnull=True).count(),
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


# --- 1. assign / unassign a page -----------------------------------------------------------


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
        return {"version": services.record_version(self.page), **_typed_new_author(self.request)}

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        suggestions = finders.page_suggestions(self.page) if self.page.author_id is None else []
        return super().get_context_data(
            page=self.page,
            query=query,
            choices=selectors.author_choices(query, exclude=[s.author.pk for s in suggestions]),
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


class PageUnassignView(OperationView):
    template_name = "curation/page_unassign.html"
    form_class = forms.VersionForm

    @cached_property
    def page(self) -> SourcePage:
        return get_object_or_404(SourcePage.objects.select_related("author"), pk=self.kwargs["pk"])

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


# --- 2. and 3. merges ----------------------------------------------------------------------------


class MergePapersView(OperationView):
    template_name = "curation/merge_papers.html"
    form_class = forms.MergePapersForm

    @cached_property
    def papers(self) -> list[Paper]:
        ids = _ids(self.request)
        found = Paper.objects.prefetch_related("appearances__venue", "authorships__author")
        found = found.in_bulk(ids)
        return [found[i] for i in ids if i in found]

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
        return paper_by_slug(
            Paper.objects.get(pk=int(self.request.POST["survivor"])).slug
        ).get_absolute_url()


class MergeAuthorsView(OperationView):
    template_name = "curation/merge_authors.html"
    form_class = forms.MergeAuthorsForm

    @cached_property
    def authors(self) -> list[Author]:
        ids = _ids(self.request)
        found = Author.objects.prefetch_related("names").in_bulk(ids)
        return [found[i] for i in ids if i in found]

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
        return Author.objects.get(pk=int(self.request.POST["survivor"])).get_absolute_url()


# --- 4. split ------------------------------------------------------------------------------------


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
            "papers": _ids(self.request, "papers"),
            "family_name": self.author.family_name,
            "given_name": self.author.given_name,
            **_typed_new_author(self.request),
        }

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        selected = _ids(self.request, "papers")
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
        moved_to = (
            action.targets.filter(model=ActionTarget.Model.AUTHOR)
            .exclude(object_id=self.author.pk)
            .values_list("object_id", flat=True)
            .first()
        )
        return Author.objects.get(pk=moved_to).get_absolute_url()


# --- 5. edits ------------------------------------------------------------------------------------


class EditAuthorView(FollowAddressMixin, OperationView):
    template_name = "curation/edit_author.html"
    form_class = forms.EditAuthorForm

    @cached_property
    def author(self) -> Author:
        return get_object_or_404(Author, slug=self.kwargs["slug"], merged_into__isnull=True)

    def get_form_kwargs(self):
        names = sorted(set(self.author.names.values_list("name", flat=True)))
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
        return get_object_or_404(Paper, slug=self.kwargs["slug"], merged_into__isnull=True)

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
        return Paper.objects.get(pk=self.paper.pk).get_absolute_url()


# --- 6. dismiss -----------------------------------------------------------------------------------


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


# --- 7. history and undo ----------------------------------------------------------------------


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
        # A record's own slug (tombstones included), else an old one it answers to.
        if slug := self.request.GET.get("author", "")[:120]:
            self.record = Author.objects.filter(slug=slug).first() or author_by_slug(slug)
            model, object_id = ActionTarget.Model.AUTHOR, self.record.pk
        elif slug := self.request.GET.get("paper", "")[:120]:
            self.record = Paper.objects.filter(slug=slug).first() or paper_by_slug(slug)
            model, object_id = ActionTarget.Model.PAPER, self.record.pk
        elif source := self.request.GET.get("source", "")[:255]:
            self.record = get_object_or_404(SourcePage, source=source)
            model, object_id = ActionTarget.Model.PAGE, self.record.pk
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
    queryset = CurationAction.objects.select_related("actor", "undone_by")

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
    queryset = CurationAction.objects.all()

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
