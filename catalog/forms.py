"""The one form of the public site: a reader's "Report a problem"
(``catalog.reports`` stores it). Addresses typed by readers are read here into
records; what a report must hold is checked by ``file_report``."""

from __future__ import annotations

import re
from contextlib import suppress

from django import forms
from django.http import Http404

from .models import Author, Paper, ReaderReport
from .selectors import author_by_slug, paper_by_slug

Kind = ReaderReport.Kind
_ADDRESS = re.compile(r"/(?:authors|papers)/([-\w]+)/?(?:[?#].*)?$")


def slug_in(text: str) -> str:
    """The slug of a profile or paper address ("https://…/authors/wu-jeff/"), or the
    text itself when it is a bare slug ("" otherwise)."""
    text = text.strip()
    if found := _ADDRESS.search(text):
        return found[1]
    return text if re.fullmatch(r"[-\w]+", text) else ""


class ReportForm(forms.Form):
    """``author`` or ``paper``: what the report is about (the page it came from).
    On a profile a reader names the paper or the other profile by address; on a
    paper they pick the author among its authors."""

    kind = forms.ChoiceField(label="What is wrong?", widget=forms.RadioSelect)
    paper = forms.CharField(
        label="Which paper is not by this author? (its address or its exact title)",
        max_length=500,
        required=False,
    )
    paper_author = forms.ModelChoiceField(
        label="Which author did not write this paper?",
        queryset=Author.objects.none(),
        required=False,
    )
    other_profile = forms.CharField(
        label="The other profile of the same person (its address)",
        max_length=500,
        required=False,
    )
    text = forms.CharField(
        label="Tell us more (the right name, or what else is wrong)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    # A field people never see (hidden by CSS, skipped by the keyboard); robots fill it.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, author: Author | None, paper: Paper | None, authors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.author_about, self.paper_about = author, paper
        if author is not None:
            kinds = [Kind.NOT_BY_AUTHOR, Kind.SAME_PERSON, Kind.WRONG_NAME, Kind.OTHER]
            del self.fields["paper_author"]
        else:
            kinds = [Kind.NOT_BY_AUTHOR, Kind.OTHER]
            self.fields["paper_author"].queryset = Author.objects.filter(
                pk__in=[a.pk for a in authors]
            )
            self.fields["paper_author"].label_from_instance = lambda a: a.display_name
            for name in ("paper", "other_profile"):
                del self.fields[name]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_paper(self) -> Paper | None:
        typed = self.cleaned_data.get("paper", "").strip()
        if not typed or self.author_about is None:
            return None
        papers = Paper.objects.filter(authorships__author=self.author_about)
        found = None
        if slug := slug_in(typed):
            with suppress(Http404):  # an old or merged paper's address names its survivor
                found = papers.filter(pk=paper_by_slug(slug).pk).first()
        found = found or papers.filter(title__iexact=typed).first()
        if found is None:
            raise forms.ValidationError(
                "No paper of this profile has this address or title.", code="unknown"
            )
        return found

    def clean_other_profile(self) -> Author | None:
        typed = self.cleaned_data.get("other_profile", "").strip()
        if not typed:
            return None
        slug = slug_in(typed)
        try:  # an old or merged profile's address names its survivor
            return author_by_slug(slug) if slug else self._unknown_profile()
        except Http404:
            return self._unknown_profile()

    def _unknown_profile(self):
        raise forms.ValidationError("No profile has this address.", code="unknown")
