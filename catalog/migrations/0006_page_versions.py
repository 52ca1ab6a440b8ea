"""Each author and paper carries the version of its public page (page_changed_at),
starting from its last change.

On SQLite, adding a column with a default rebuilds the table, which drops its
triggers: the full-text index's triggers (migration 0005) are made again.
"""

import importlib

import django.utils.timezone
from django.db import migrations, models

_search = importlib.import_module("catalog.migrations.0005_paper_search_live_only")
TRIGGERS = [s for s in _search.SQLITE_UP if s.startswith(("DROP TRIGGER", "CREATE TRIGGER"))]


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_paper_search_live_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='author',
            name='page_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name='paper',
            name='page_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunSQL(
            "UPDATE catalog_author SET page_changed_at = updated_at",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE catalog_paper SET page_changed_at = updated_at",
            migrations.RunSQL.noop,
        ),
        migrations.RunPython(_search._run(TRIGGERS), migrations.RunPython.noop),
    ]
