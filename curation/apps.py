"""The curation app: curators' operations, their journal, queues and pages."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _curators_group_after_flush(sender, **kwargs) -> None:
    """The group ``curators`` (with ``curation.curate``) when it is missing.

    Migration 0002 creates it; this brings it back after ``flush`` (which empties
    every table and then sends ``post_migrate``, as tests that commit do). A group
    that exists is left as administrators made it."""
    from django.contrib.auth.models import Group

    from .access import CURATORS_GROUP, ensure_curators_group

    if not Group.objects.filter(name=CURATORS_GROUP).exists():
        ensure_curators_group()


def _queues_after_change(sender, **kwargs) -> None:
    """The catalogue changed (and committed): compute the curators' queues again."""
    from .queues import request_refresh

    request_refresh()


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation"

    def ready(self) -> None:
        from catalog.signals import catalogue_changed

        post_migrate.connect(_curators_group_after_flush, sender=self)
        catalogue_changed.connect(_queues_after_change, dispatch_uid="curation-queues")
