"""The curators' forms: they check input and hand plain values to the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import Author, Paper
from catalog.selectors import live_authors
from curation.models import DismissedPair

from . import services

NEW_OR_EXISTING = "Choose an author from the list, or type the family name of a new author."


def live_author_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=live_authors(),
        error_messages={"invalid_choice": "That author no longer exists or was merged."},
        **kwargs,
    )


class VersionForm(forms.Form):
    """Every operation form carries the version of the records it showed."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def version_value(self) -> str | None:
        return self.cleaned_data.get("version") or None


class AuthorTargetForm(VersionForm):
    """An existing author (from the picker) or a new one named here."""

    author = live_author_field(required=False, widget=forms.HiddenInput)
    family_name = forms.CharField(max_length=200, required=False, label="Family name")
    given_name = forms.CharField(max_length=200, required=False, label="Given names")
    orcid = forms.CharField(
        max_length=60, required=False, label="ORCID (optional)", help_text="0000-0002-1825-0097"
    )

    def clean(self):
        """An author picked from the list wins; otherwise the new name is needed."""
        data = super().clean()
        if "author" in self.errors:  # a pick that no longer exists says so itself
            return data
        if not data.get("author") and not (data.get("family_name") or "").strip():
            raise ValidationError(NEW_OR_EXISTING)
        return data

    def target(self) -> dict:
        """``author=`` or ``new_author=`` for the services (their own argument names)."""
        data = self.cleaned_data
        if data.get("author"):
            return {"existing": data["author"]}
        return {
            "new": services.NewAuthor(
                family_name=data["family_name"],
                given_name=data.get("given_name", ""),
                orcid=data.get("orcid", ""),
            )
        }


class AssignPageForm(AuthorTargetForm):
    pass


class SplitAuthorForm(AuthorTargetForm):
    papers = forms.ModelMultipleChoiceField(
        queryset=Paper.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": services.SPLIT_NEEDS_PAPERS},
    )

    def __init__(self, *args, author: Author, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["papers"].queryset = Paper.objects.filter(authorships__author=author)


class MergeForm(VersionForm):
    """The records come from the address (?ids=...); the form picks the survivor."""

    survivor = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Keep")

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = list(records)
        self.fields["survivor"].choices = [(r.pk, str(r)) for r in self.records]

    def survivor_and_others(self):
        chosen = self.cleaned_data["survivor"]
        survivor = next(r for r in self.records if r.pk == chosen)
        return survivor, [r for r in self.records if r.pk != chosen]


class MergePapersForm(MergeForm):
    title_from = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Title")
    abstract_from = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Abstract")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        titles = [(p.pk, p.title or "(no title)") for p in self.records]
        abstracts = [(p.pk, (p.abstract or "(no abstract)")[:200]) for p in self.records]
        self.fields["title_from"].choices = titles
        self.fields["abstract_from"].choices = abstracts

    def chosen(self, name: str) -> Paper:
        return next(p for p in self.records if p.pk == self.cleaned_data[name])


class MergeAuthorsForm(MergeForm):
    display_name = forms.ChoiceField(widget=forms.RadioSelect, label="Name shown")

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].choices = [(n, n) for n in names]


class EditAuthorForm(VersionForm):
    family_name = forms.CharField(max_length=200, label="Family name")
    given_name = forms.CharField(max_length=200, required=False, label="Given names")
    orcid = forms.CharField(max_length=60, required=False, label="ORCID")
    drop_names = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Remove these name variants (wrong names that find this profile)",
    )

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drop_names"].choices = [(n, n) for n in names]


class EditPaperForm(VersionForm):
    title = forms.CharField(max_length=1000, required=False)
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)


class RejectSuggestionForm(forms.Form):
    """'Not this author', for one suggestion of a page."""

    author = live_author_field(widget=forms.HiddenInput)


class DismissForm(forms.Form):
    kind = forms.ChoiceField(choices=DismissedPair.Kind.choices, widget=forms.HiddenInput)
    first = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    second = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def records(self):
        if self.cleaned_data["first"] == self.cleaned_data["second"]:
            raise ValidationError(services.PAIR_SAME_RECORD)
        model = Author if self.cleaned_data["kind"] == DismissedPair.Kind.AUTHOR else Paper
        found = model.objects.in_bulk([self.cleaned_data["first"], self.cleaned_data["second"]])
        if len(found) != 2:
            raise ValidationError("One of these records no longer exists.")
        return found[self.cleaned_data["first"]], found[self.cleaned_data["second"]]
