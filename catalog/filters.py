"""Query-string filters of the API (django-filter).

Every parameter is validated before any query runs: a malformed value (a boolean
that is not true/false, an unknown kind or ordering, a slug with characters no
slug has, a NUL byte) answers 400 with a message per parameter, never 500. A
well-formed slug that names nothing simply matches nothing.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import validate_slug
from django.template import loader
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import BaseCSVField
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter

from . import selectors
from .models import Author, Paper, SourcePage, Venue


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not "no filter"."""

    default_error_messages = {"invalid": "Enter true or false."}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        """None means "not given"; True and False are both values."""


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class SlugField(forms.CharField):
    default_validators = [validate_slug]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("strip", False)  # " abc" is not a slug: refuse, don't repair
        super().__init__(*args, **kwargs)


class SlugFilter(django_filters.CharFilter):
    field_class = SlugField


def slug_filter(description: str, **kwargs) -> SlugFilter:
    """A slug parameter; its pattern is in the schema, so clients know the shape."""
    schema = {
        "type": "string",
        "pattern": r"^[-a-zA-Z0-9_]*$",  # empty: no filter
        "maxLength": 120,
        "description": description,
    }
    return extend_schema_field(schema)(SlugFilter(help_text=description, **kwargs))


def text_filter(method: str, max_length: int, description: str) -> django_filters.CharFilter:
    schema = {"type": "string", "maxLength": max_length, "description": description}
    return extend_schema_field(schema)(
        django_filters.CharFilter(
            method=method, max_length=max_length, strip=False, help_text=description
        )
    )


class OrderingCSVField(BaseCSVField):
    """Comma-separated names; an empty name (``ordering=,``) is an error."""

    def clean(self, value):
        if value and any(item in ("", None) for item in value):
            raise forms.ValidationError("Separate field names by single commas.", code="invalid")
        return super().clean(value)


class StableOrderingFilter(django_filters.OrderingFilter):
    """``ordering=`` with a tie-breaker, so pages of equal keys never overlap."""

    base_field_class = OrderingCSVField

    def __init__(self, *args, tie_breaker: str, **kwargs):
        self.tie_breaker = tie_breaker
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], self.tie_breaker)


class AuthorFilter(django_filters.FilterSet):
    name = text_filter(
        "filter_name",
        200,
        "Words of a name, any order, ignoring case and accents ('lukasz kaiser').",
    )
    has_orcid = StrictBooleanFilter(method="filter_has_orcid", help_text="Has an ORCID iD.")
    venue = slug_filter("Slug of a venue the author published in.", method="filter_venue")
    status = django_filters.ChoiceFilter(
        choices=Author.Status.choices,
        method="filter_status",
        help_text="confirmed (by a curator) or imported (as the pages gave it).",
    )
    ordering = StableOrderingFilter(
        fields=(("sort_key", "name"),),
        tie_breaker="slug",
        help_text="name (family name first) or -name; default name.",
    )

    class Meta:
        model = Author
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return selectors.search_authors(queryset, value)

    def filter_has_orcid(self, queryset, name, value):
        return queryset.exclude(orcid="") if value else queryset.filter(orcid="")

    def filter_venue(self, queryset, name, value):
        return selectors.authors_in_venue(queryset, value)

    def filter_status(self, queryset, name, value):
        return selectors.authors_with_status(queryset, value)


class PaperFilter(django_filters.FilterSet):
    venue = slug_filter("Slug of a venue the paper is listed in.", method="filter_venue")
    author = slug_filter(
        "Slug of an author (an old slug or a merged author's leads to the survivor).",
        method="filter_author",
    )
    has_title = StrictBooleanFilter(
        method="filter_has_title", help_text="false: abstract-only papers."
    )
    q = text_filter(
        "filter_words",
        500,
        "Words that must all appear in the title or the abstract (full-text index: "
        "word forms match, e.g. summarize finds summarizing; parts of words do not).",
    )
    ordering = StableOrderingFilter(
        fields=(("title_key", "title"), ("created_at", "created")),
        tie_breaker="slug",
        help_text="title, created (when added to the catalogue), or either with -; default title.",
    )

    class Meta:
        model = Paper
        fields: list[str] = []

    def filter_venue(self, queryset, name, value):
        return selectors.papers_in_venue(queryset, value)

    def filter_author(self, queryset, name, value):
        return selectors.papers_by_author(queryset, value)

    def filter_has_title(self, queryset, name, value):
        return queryset.exclude(title="") if value else queryset.filter(title="")

    def filter_words(self, queryset, name, value):
        return selectors.papers_with_words(queryset, value)


class VenueFilter(django_filters.FilterSet):
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("paper_count", "papers")),
        tie_breaker="slug",
        help_text="name, papers (how many), or either with -; default name.",
    )

    class Meta:
        model = Venue
        fields: list[str] = []


class PageFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SourcePage.Kind.choices, help_text="Page shape.")
    assigned = StrictBooleanFilter(
        field_name="author",
        lookup_expr="isnull",
        exclude=True,
        help_text="false: anonymous pages waiting for a curator.",
    )
    author = slug_filter(
        "Slug of the page's author (an old slug or a merged author's leads to the survivor).",
        method="filter_author",
    )

    class Meta:
        model = SourcePage
        fields: list[str] = []

    def filter_author(self, queryset, name, value):
        return selectors.pages_of_author(queryset, value)


# --- search= ------------------------------------------------------------------------


class SelectorSearchFilter(SearchFilter):
    """``search=``: the view's ``search_selector(queryset, text)`` over the words given.

    The same selectors serve the filters (``name=`` on authors, ``q=`` on papers), so
    ``search=`` and its filter never disagree. The text is checked like any filter
    value (no NUL, at most ``max_length`` characters, at most 12 words used): an
    unbounded text would make SQLite refuse the query (a 500).
    """

    max_length = 500

    def get_search_text(self, request) -> str:
        value = request.query_params.get(self.search_param, "")
        field = forms.CharField(max_length=self.max_length, required=False, strip=False)
        try:
            field.clean(value)
        except forms.ValidationError as error:
            raise ValidationError({self.search_param: error.messages}) from None
        return " ".join(self.get_search_terms(request))  # commas and quotes as DRF reads them

    def filter_queryset(self, request, queryset, view):
        text = self.get_search_text(request)
        return view.search_selector(queryset, text) if text.strip() else queryset

    def get_schema_operation_parameters(self, view):
        [parameter] = super().get_schema_operation_parameters(view)
        parameter["description"] = view.search_description
        parameter["schema"]["maxLength"] = self.max_length
        return [parameter]

    def to_html(self, request, queryset, view):
        """The browsable API's search box (the base class shows it only for search_fields)."""
        context = {"param": self.search_param, "term": request.query_params.get(self.search_param)}
        return loader.get_template(self.template).render(context)
