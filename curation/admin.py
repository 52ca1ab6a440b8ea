"""Curation in the admin: who may open it, the audit log (read-only), and the
curation actions on the catalogue's lists.

The admin opens to active staff and to curators (``curation.curate``; the group
``curators`` is enough, no staff flag needed); each model then needs its view
permission. The curation actions ("Merge selected papers…", "Merge selected
authors…", "Assign page…") are offered only to users who may curate.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from catalog.admin import AuthorAdmin, PaperAdmin, ReadOnlyAdminMixin, SourcePageAdmin
from catalog.models import Author, Paper, SourcePage

from .access import is_curator, may_open_admin
from .models import ActionTarget, CurationAction, DismissedPair

ASSIGN_ONE_PAGE = "Select exactly one page to assign."


# --- who may open the admin ------------------------------------------------------------


def admin_site_has_permission(request: HttpRequest) -> bool:
    """Replaces ``AdminSite.has_permission`` (active staff only): curators too."""
    return may_open_admin(request.user)


class CuratorAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, open to curators who are not staff."""

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # refuses inactive users
        if not may_open_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


# The project uses the default site (every admin module registers on it), so its
# check is set here rather than by a site class of our own in the settings.
admin.site.has_permission = admin_site_has_permission
admin.site.login_form = CuratorAdminAuthenticationForm

for model in (Paper, Author, SourcePage):
    admin.site.unregister(model)


class ActionTargetInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ActionTarget
    extra = 0
    can_delete = False


@admin.register(CurationAction)
class CurationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "actor_name", "summary", "undone_at"]
    list_filter = ["kind", "actor_name", ("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["summary", "actor_name"]
    date_hierarchy = "created_at"
    inlines = [ActionTargetInline]


@admin.register(DismissedPair)
class DismissedPairAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "low_id", "high_id", "created_at", "action"]
    list_select_related = ["action"]
    list_filter = ["kind"]
    raw_id_fields = ["action"]


# --- curation actions on the catalogue's admin pages ------------------------------------
# They lead to the curators' own forms: the same confirmation (the exact changes
# shown first) and the same services, so nothing here writes a model.


def _ids_query(queryset) -> str:
    return urlencode([("ids", pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)])


class CurationActionsMixin:
    """``permissions=["curate"]`` on an action asks this: ``curation.curate``."""

    def has_curate_permission(self, request: HttpRequest) -> bool:
        return is_curator(request.user)


@admin.register(Paper)
class CuratedPaperAdmin(CurationActionsMixin, PaperAdmin):
    actions = ["merge_selected"]

    @admin.action(description="Merge selected papers…", permissions=["curate"])
    def merge_selected(self, request, queryset):
        return HttpResponseRedirect(f"{reverse('curation:merge-papers')}?{_ids_query(queryset)}")


@admin.register(Author)
class CuratedAuthorAdmin(CurationActionsMixin, AuthorAdmin):
    actions = ["merge_selected"]

    @admin.action(description="Merge selected authors…", permissions=["curate"])
    def merge_selected(self, request, queryset):
        return HttpResponseRedirect(f"{reverse('curation:merge-authors')}?{_ids_query(queryset)}")


@admin.register(SourcePage)
class CuratedSourcePageAdmin(CurationActionsMixin, SourcePageAdmin):
    actions = ["assign"]

    @admin.action(description="Assign page…", permissions=["curate"])
    def assign(self, request, queryset):
        pages = list(queryset[:2])
        if len(pages) != 1:
            self.message_user(request, ASSIGN_ONE_PAGE, level=messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("curation:page-assign", args=[pages[0].pk]))
