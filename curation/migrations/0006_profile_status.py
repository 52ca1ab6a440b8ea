"""Fill the new profile status (catalog 0010) from the actions already recorded."""

from django.db import migrations
from django.db.models import Max, Q

CONFIRMING = ("assign_page", "assign_pages", "merge_authors", "split_author", "edit_author")
NOT_CHANGES = ("dismiss_pair", "reject_suggestion", "resolve_report", "dismiss_report")


def fill(apps, schema_editor):
    ActionTarget = apps.get_model("curation", "ActionTarget")
    Author = apps.get_model("catalog", "Author")
    rows = (
        ActionTarget.objects.filter(model="author", action__undone_at__isnull=True)
        .exclude(action__kind__in=NOT_CHANGES)
        .values("object_id")
        .annotate(
            confirmed=Max("action__created_at", filter=Q(action__kind__in=CONFIRMING)),
            changed=Max("action__created_at"),
        )
        .order_by()
    )
    for row in rows:
        Author.objects.filter(pk=row["object_id"]).update(
            confirmed_at=row["confirmed"], curator_changed_at=row["changed"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_author_status"),
        ("curation", "0005_curationaction_assign_pages"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
