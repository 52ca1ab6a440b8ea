"""Models of what happens around the catalogue rather than in it: readers'
problem reports (``ReaderReport``) and the change feed (``ChangeEvent``).
Imported by ``catalog.models``; written by ``catalog.reports`` and
``catalog.changes``."""

from __future__ import annotations

from django.db import models


class ReaderReport(models.Model):
    """A reader's "Report a problem" about a profile or a paper, filed without an
    account (``catalog.reports``); curators resolve or dismiss it
    (``curation.services``), and that decision is audited and undoable."""

    class Kind(models.TextChoices):
        NOT_BY_AUTHOR = "not_by_author", "This paper is not by this author"
        SAME_PERSON = "same_person", "These two profiles are one person"
        WRONG_NAME = "wrong_name", "The name is wrong"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "open"
        RESOLVED = "resolved", "resolved"
        DISMISSED = "dismissed", "dismissed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        "catalog.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    paper = models.ForeignKey(
        "catalog.Paper", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    other_author = models.ForeignKey(
        "catalog.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True, help_text="What the reader wrote.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=500, blank=True, help_text="The curator's note.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="report_state_created_idx")]

    def __str__(self) -> str:
        about = self.author or self.paper or "the catalogue"
        return f"{self.get_kind_display()} ({about})"


class ChangeEvent(models.Model):
    """One entry of the change feed (``/api/changes/``, ``/changes.atom``): an import
    batch or a curator's action (or its undo), written in the same transaction as
    the change it describes (``catalog.changes``). ``records``: the slugs (sources
    for pages) whose API representation changed, for a mirror to read again;
    ``data``: what the change means (see ``Kind``)."""

    class Kind(models.TextChoices):
        IMPORTED = "imported", "imported"
        MERGED = "merged", "merged"
        SPLIT = "split", "split"
        ASSIGNED = "assigned", "assigned"
        UNASSIGNED = "unassigned", "unassigned"
        EDITED = "edited", "edited"
        UNDONE = "undone", "undone"

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict)
    records = models.JSONField(default=dict)
    # The curator's action this event describes (curation.CurationAction), if any.
    action_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}: {self.summary}"
