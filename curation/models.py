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
        ASSIGN_PAGES = "assign_pages", "accept confident suggestions"
        UNASSIGN_PAGE = "unassign_page", "unassign page"
        MERGE_PAPERS = "merge_papers", "merge papers"
        MERGE_AUTHORS = "merge_authors", "merge authors"
        SPLIT_AUTHOR = "split_author", "split author"
        EDIT_AUTHOR = "edit_author", "edit author"
        EDIT_PAPER = "edit_paper", "edit paper"
        DISMISS_PAIR = "dismiss_pair", "dismiss candidate pair"
        REJECT_SUGGESTION = "reject_suggestion", "not this author"
        RESOLVE_REPORT = "resolve_report", "resolve reader report"
        DISMISS_REPORT = "dismiss_report", "dismiss reader report"

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


class RejectedSuggestion(models.Model):
    """'This page is not this author's': a curator's decision (a "Not this author" on a
    suggestion, or an unassignment). The page's suggestions never offer the author
    again; assigning the page to that author takes the decision back."""

    page = models.ForeignKey(
        "catalog.SourcePage", on_delete=models.CASCADE, related_name="rejected_authors"
    )
    author = models.ForeignKey(
        "catalog.Author", on_delete=models.CASCADE, related_name="rejected_pages"
    )
    action = models.ForeignKey(
        CurationAction, on_delete=models.PROTECT, related_name="rejected_suggestions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "author"], name="rejected_suggestion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.page} is not {self.author}'s"


class ImportJob(models.Model):
    """A curator's upload of page files, imported by the background worker
    (``curation.uploads``): its state, progress, counts, the files the importer
    rejected or skipped (with the reasons) and the summary line. The uploaded bytes
    wait in :class:`ImportFile` rows until the job ends; this record stays."""

    class State(models.TextChoices):
        WAITING = "waiting", "waiting for a worker"
        RUNNING = "running", "importing"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_by_name = models.CharField(max_length=150, help_text="Kept if the user is deleted.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    uploaded = models.CharField(max_length=500, help_text="The names of the files uploaded.")
    uploaded_bytes = models.BigIntegerField(default=0)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, help_text='The rejected and skipped files: {"path", "status", "reason"}.'
    )
    warnings = models.JSONField(default=list, help_text="The importer's first warnings.")
    warnings_total = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True, help_text="Why the job failed.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The worker's task.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.state}): {self.uploaded}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ImportFile(models.Model):
    """One uploaded file (a page file or a zip of them) as sent, kept in the database
    so that a worker on another machine reads it; deleted when its job ends."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_file_unique")
        ]

    def __str__(self) -> str:
        return self.name
