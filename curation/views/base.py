"""What every curator page shares: the curator check, the operation form flow
(form -> preview of the exact changes -> confirm -> the service does it),
following an old address to the live record, and reading ids from a request.

No page of its own lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from catalog.selectors import author_by_slug

from .. import selectors, services
from ..access import is_curator
from ..models import CurationAction


class CuratorRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors go to the login page; signed-in non-curators get 403."""

    def test_func(self) -> bool:
        return is_curator(self.request.user)


MAX_ID = 2**63 - 1


def ids_from(request, name: str = "ids") -> list[int]:
    """Record ids from the address or the form; one beyond any row names nothing."""
    values = request.GET.getlist(name) or request.POST.getlist(name)
    try:
        ids = [int(v) for v in values]
    except ValueError as error:
        raise Http404("Bad record id.") from error
    return list(dict.fromkeys(i for i in ids if 0 < i <= MAX_ID))


def typed_new_author(request) -> dict[str, str]:
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
