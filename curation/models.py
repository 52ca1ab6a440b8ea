"""The curators' audit trail. Services in ``curation.services`` write these rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class CurationAction(models.Model):
    """One curator operation: who, when, what changed, and whether it was undone.

    ``changes`` is the precise record the undo needs: for each touched row, the
    fields before and after.
    """

    class Kind(models.TextChoices):
        ASSIGN_PAGE = "assign_page", "assign page"
        UNASSIGN_PAGE = "unassign_page", "unassign page"
        MERGE_PAPERS = "merge_papers", "merge papers"
        MERGE_AUTHORS = "merge_authors", "merge authors"
        SPLIT_AUTHOR = "split_author", "split author"
        EDIT_AUTHOR = "edit_author", "edit author"
        EDIT_PAPER = "edit_paper", "edit paper"
        DISMISS_PAIR = "dismiss_pair", "dismiss candidate pair"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="curation_actions",
    )
    actor_name = models.CharField(max_length=150, help_text="Kept if the user is deleted.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    summary = models.CharField(max_length=500)
    changes = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="undone_curation_actions",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"], name="action_kind_created_idx")]
        # Every curation write needs it (curation.access.is_curator); the group
        # ``curators`` has it.
        permissions = [
            ("curate", "Can curate the catalogue (assign, merge, split, edit, dismiss, undo)")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor_name}: {self.summary}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class ActionTarget(models.Model):
    """A record an action touched: history filters by record, undo finds later actions."""

    class Model(models.TextChoices):
        AUTHOR = "author", "author"
        PAPER = "paper", "paper"
        PAGE = "page", "page"

    action = models.ForeignKey(CurationAction, on_delete=models.CASCADE, related_name="targets")
    model = models.CharField(max_length=10, choices=Model.choices)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "model", "object_id"], name="action_target_unique"
            )
        ]
        indexes = [models.Index(fields=["model", "object_id"], name="action_target_record_idx")]

    def __str__(self) -> str:
        return f"{self.model}:{self.object_id}"


class DismissedPair(models.Model):
    """'These two are not duplicates': the candidate queue never shows the pair again."""

    class Kind(models.TextChoices):
        PAPER = "paper", "papers"
        AUTHOR = "author", "authors"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    low_id = models.BigIntegerField(help_text="The smaller of the two record ids.")
    high_id = models.BigIntegerField(help_text="The larger of the two record ids.")
    action = models.ForeignKey(
        CurationAction, on_delete=models.PROTECT, related_name="dismissed_pairs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "low_id", "high_id"], name="dismissed_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(low_id__lt=F("high_id")), name="dismissed_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.low_id} / {self.high_id}"
