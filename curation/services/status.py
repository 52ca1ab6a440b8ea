"""Profile status: whether a curator has confirmed an author's profile
(``Author.confirmed_at``) and when a curator last changed it
(``Author.curator_changed_at``), kept from the actions that are not undone.

Every action's recording calls :func:`refresh_profile_status` for the authors it
concerns, and so does undo, so an undone action takes its confirmation away with
it. The importer never sets either: an imported profile is "as imported".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, Q

from catalog.models import Author

from ..models import ActionTarget, CurationAction

Kind = CurationAction.Kind
# What confirms a profile: a curator assigned it a page, merged it, split it or
# edited its name or ORCID.
CONFIRMING = (
    Kind.ASSIGN_PAGE,
    Kind.ASSIGN_PAGES,
    Kind.MERGE_AUTHORS,
    Kind.SPLIT_AUTHOR,
    Kind.EDIT_AUTHOR,
)
# Decisions about candidates ("not duplicates", "not this author"), not changes of the profile.
NOT_CHANGES = (Kind.DISMISS_PAIR, Kind.REJECT_SUGGESTION, Kind.RESOLVE_REPORT, Kind.DISMISS_REPORT)


def refresh_profile_status(author_ids: Iterable[int]) -> None:
    """Set the authors' ``confirmed_at`` and ``curator_changed_at`` from the actions
    not undone that concern them: two queries, plus one write when any changed."""
    ids = sorted(set(author_ids))
    if not ids:
        return
    found = {
        row["object_id"]: (row["confirmed"], row["changed"])
        for row in ActionTarget.objects.filter(
            model=ActionTarget.Model.AUTHOR,
            object_id__in=ids,
            action__undone_at__isnull=True,
        )
        .exclude(action__kind__in=NOT_CHANGES)
        .values("object_id")
        .annotate(
            confirmed=Max("action__created_at", filter=Q(action__kind__in=CONFIRMING)),
            changed=Max("action__created_at"),
        )
        .order_by()
    }
    changed = []
    for author in Author.objects.filter(pk__in=ids).only("confirmed_at", "curator_changed_at"):
        status = found.get(author.pk, (None, None))
        if (author.confirmed_at, author.curator_changed_at) != status:
            author.confirmed_at, author.curator_changed_at = status
            changed.append(author)
    Author.objects.bulk_update(changed, ["confirmed_at", "curator_changed_at"])
