"""Django admin for the catalogue: browse, search and filter everything, fast at any size.

Catalogue rows change only through ``catalog.importing`` and ``curation.services``
(every curator change is audited and undoable), so these admins are read-only:
the curation actions reach the same services.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.db.models.functions import Length, Substr
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from . import models
from .normalize import fold


class ReadOnlyAdminMixin:
    """View permission only: rows change through the importer and curation services."""

    show_full_result_count = False  # no second COUNT(*) over a large table

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


TEXT_SHOWN = 20_000  # characters of a page file's text on its admin page
INLINE_ROWS_SHOWN = 20  # a screenful; the rest are one click away, in their own list


class FirstRowsFormSet(BaseInlineFormSet):
    """Only the first rows of a long inline: a page with 12,000 entries renders 20."""

    def get_queryset(self):
        if not hasattr(self, "_first_rows"):  # asked for once per row: fetch once
            self._first_rows = list(super().get_queryset()[:INLINE_ROWS_SHOWN])
        return self._first_rows


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A read-only inline of at most :data:`INLINE_ROWS_SHOWN` rows; when there are
    more, it says how many and links to the full list, filtered to this record."""

    extra = 0
    can_delete = False
    show_change_link = True
    formset = FirstRowsFormSet
    template = "admin/catalog/first_rows_tabular.html"
    rows_shown = INLINE_ROWS_SHOWN

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_formset(self, request, obj=None, **kwargs):
        # A new inline instance serves each request, so these belong to this page.
        self.row_count, self.all_rows_url = 0, ""
        if obj is not None:
            fk_name = self.fk_name or self.model._meta.get_field(obj._meta.model_name).name
            self.row_count = self.model._default_manager.filter(**{fk_name: obj}).count()
            if self.row_count > INLINE_ROWS_SHOWN:
                opts = self.model._meta
                self.all_rows_url = (
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                    + f"?{fk_name}__id__exact={obj.pk}"
                )
        return super().get_formset(request, obj, **kwargs)


class YesNoFilter(admin.SimpleListFilter):
    """A two-way filter: rows matching ``condition``, or the others."""

    condition: Q
    yes_label = "yes"
    no_label = "no"

    def lookups(self, request, model_admin):
        return [("yes", self.yes_label), ("no", self.no_label)]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition)
        if self.value() == "no":
            return queryset.exclude(self.condition)
        return queryset


class MergedFilter(YesNoFilter):
    title = "merged"
    parameter_name = "merged"
    condition = Q(merged_into__isnull=False)
    yes_label, no_label = "merged (tombstones)", "live records"


class HasTitleFilter(YesNoFilter):
    title = "title"
    parameter_name = "has_title"
    condition = ~Q(title="")
    yes_label, no_label = "titled", "abstract only"


class HasOrcidFilter(YesNoFilter):
    title = "ORCID"
    parameter_name = "has_orcid"
    condition = ~Q(orcid="")
    yes_label, no_label = "known", "unknown"


class AssignedFilter(YesNoFilter):
    title = "assignment"
    parameter_name = "assigned"
    condition = Q(author__isnull=False)
    yes_label, no_label = "assigned to an author", "waiting for a curator"


class AuthorNameInline(ReadOnlyInline):
    model = models.AuthorName
    fields = ["name", "search_key", "added_by", "created_at"]
    show_change_link = False


class AuthorshipOfAuthorInline(ReadOnlyInline):
    model = models.Authorship
    fk_name = "author"
    fields = ["paper", "decided_by", "curated", "created_at"]
    raw_id_fields = ["paper"]
    verbose_name_plural = "papers (authorships)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "paper")


@admin.register(models.Author)
class AuthorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "inverted_name", "slug", "orcid", "merged_into"]
    list_select_related = ["merged_into"]
    list_filter = [MergedFilter, HasOrcidFilter]
    search_fields = ["display_name", "slug", "orcid", "names__name"]
    search_help_text = "Any name variant, any order, with or without accents; slug; ORCID."
    raw_id_fields = ["merged_into"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AuthorNameInline, AuthorshipOfAuthorInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Also match every word of the folded term against one name variant:
        'lukasz', 'ilya sutskever' and 'Sutskever, Ilya' all find their author."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        if words:
            names = models.AuthorName.objects.filter(
                *[Q(search_key__contains=word) for word in words]
            )
            by_sort_key = Q(*[Q(sort_key__contains=word) for word in words])
            queryset |= self.model.objects.filter(Q(id__in=names.values("author_id")) | by_sort_key)
        return queryset, may_have_duplicates


class AuthorshipOfPaperInline(ReadOnlyInline):
    model = models.Authorship
    fk_name = "paper"
    fields = ["author", "decided_by", "curated", "created_at"]
    raw_id_fields = ["author"]
    verbose_name_plural = "authors (authorships)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "paper")


class AppearanceInline(ReadOnlyInline):
    model = models.Appearance
    fields = ["venue"]
    raw_id_fields = ["venue"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("venue")


class EntryOfPaperInline(ReadOnlyInline):
    model = models.SourceEntry
    fk_name = "paper"
    fields = ["page", "line", "title", "venue_name", "authorship"]
    raw_id_fields = ["page", "authorship"]
    verbose_name_plural = "provenance (page entries)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("page", "authorship__author", "authorship__paper")
            .defer("page__raw_text")
        )


@admin.register(models.Paper)
class PaperAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["shown_title", "slug", "venue_names", "merged_into"]
    list_select_related = ["merged_into"]
    list_filter = [
        MergedFilter,
        HasTitleFilter,
        ("appearances__venue", admin.RelatedFieldListFilter),
    ]
    search_fields = ["title", "abstract", "slug"]
    search_help_text = "Words of the title or abstract, or the slug."
    raw_id_fields = ["merged_into"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AuthorshipOfPaperInline, AppearanceInline, EntryOfPaperInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("appearances__venue")

    @admin.display(description="title", ordering="title_key")
    def shown_title(self, paper: models.Paper) -> str:
        if paper.title:
            return paper.title
        return format_html("<em>abstract only:</em> {}…", paper.abstract[:80])

    @admin.display(description="venues")
    def venue_names(self, paper: models.Paper) -> str:
        return "; ".join(sorted(a.venue.name for a in paper.appearances.all()))


@admin.register(models.Venue)
class VenueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "key"]
    search_fields = ["name", "key"]


class EntryOfPageInline(ReadOnlyInline):
    model = models.SourceEntry
    fk_name = "page"
    fields = ["position", "line", "title", "venue_name", "paper", "authorship"]
    raw_id_fields = ["paper", "authorship"]
    ordering = ["position"]
    verbose_name_plural = "entries, in page order"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("page", "paper", "authorship__author", "authorship__paper")
            .defer("page__raw_text")
        )


@admin.register(models.SourcePage)
class SourcePageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["source", "kind", "label", "author", "assigned_by", "updated_at"]
    list_select_related = ["author"]
    list_filter = ["kind", AssignedFilter, "assigned_by"]
    search_fields = ["source", "label"]
    raw_id_fields = ["author"]
    readonly_fields = ["content_hash", "imported_at", "updated_at", "text_start"]
    exclude = ["raw_text"]
    inlines = [EntryOfPageInline]

    def get_queryset(self, request):
        # The file's text (up to the import's size limit) is read only where shown.
        return super().get_queryset(request).defer("raw_text")

    @admin.display(description="text of the file")
    def text_start(self, page: models.SourcePage) -> str:
        start, length = (
            models.SourcePage.objects.filter(pk=page.pk)
            .values_list(Substr("raw_text", 1, TEXT_SHOWN), Length("raw_text"))
            .get()
        )
        if length <= TEXT_SHOWN:
            return start
        return f"{start}\n\n[... the first {TEXT_SHOWN:,} of {length:,} characters]"


@admin.register(models.SourceEntry)
class SourceEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["page", "position", "line", "title", "venue_name", "paper"]
    list_select_related = ["page", "paper"]
    list_filter = [("venue", admin.RelatedFieldListFilter)]
    search_fields = ["title", "page__source"]
    raw_id_fields = ["page", "paper", "venue", "authorship"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("page__raw_text")


class EntryOfAuthorshipInline(ReadOnlyInline):
    model = models.SourceEntry
    fk_name = "authorship"
    fields = ["page", "line", "title", "venue_name"]
    raw_id_fields = ["page"]
    verbose_name_plural = "provenance (page entries)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page").defer("page__raw_text")


@admin.register(models.Authorship)
class AuthorshipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["author", "paper", "decided_by", "curated", "created_at"]
    list_select_related = ["author", "paper"]
    list_filter = ["decided_by", "curated"]
    search_fields = ["author__display_name", "paper__title"]
    raw_id_fields = ["author", "paper"]
    inlines = [EntryOfAuthorshipInline]


@admin.register(models.Appearance)
class AppearanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["paper", "venue"]
    list_select_related = ["paper", "venue"]
    list_filter = [("venue", admin.RelatedFieldListFilter)]
    raw_id_fields = ["paper", "venue"]


@admin.register(models.AuthorName)
class AuthorNameAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "author", "added_by", "created_at"]
    list_select_related = ["author"]
    list_filter = ["added_by"]
    search_fields = ["name", "search_key"]
    raw_id_fields = ["author"]


@admin.register(models.AuthorSlugAlias, models.PaperSlugAlias)
class SlugAliasAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "__str__"]
    search_fields = ["slug"]

    def get_raw_id_fields(self, request):
        return ["author"] if self.model is models.AuthorSlugAlias else ["paper"]
