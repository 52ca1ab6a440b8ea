"""The audit log in the admin: visible to staff, never editable."""

from django.contrib import admin

from catalog.admin import ReadOnlyAdminMixin

from .models import ActionTarget, CurationAction, DismissedPair


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
