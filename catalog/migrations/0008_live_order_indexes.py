"""Partial indexes that give live authors and papers in list order: a list page reads
50 rows from the index instead of sorting every live row (20 ms at 32,000 authors,
250 ms at 100,000 papers). ``merged_into`` is indexed for tombstones only: with
every live row under NULL in its index, SQLite took ``merged_into IS NULL`` for a
selective condition and chose that index over the ordered one.

On SQLite the altered field rebuilds the paper table, which drops its triggers:
the full-text index's triggers (migration 0005) are made again.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_search = importlib.import_module("catalog.migrations.0005_paper_search_live_only")
TRIGGERS = [s for s in _search.SQLITE_UP if s.startswith(("DROP TRIGGER", "CREATE TRIGGER"))]


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_search_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='author',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, help_text='Set when this record was merged: it is a tombstone that redirects.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_from', to='catalog.author'),
        ),
        migrations.AlterField(
            model_name='paper',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, help_text='Set when this record was merged: it is a tombstone that redirects.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_from', to='catalog.paper'),
        ),
        migrations.AddIndex(
            model_name='author',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='author_tombstones_idx'),
        ),
        migrations.AddIndex(
            model_name='author',
            index=models.Index(condition=models.Q(('merged_into__isnull', True)), fields=['sort_key', 'slug'], name='author_live_order_idx'),
        ),
        migrations.AddIndex(
            model_name='paper',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='paper_tombstones_idx'),
        ),
        migrations.AddIndex(
            model_name='paper',
            index=models.Index(condition=models.Q(('merged_into__isnull', True)), fields=['title_key', 'slug'], name='paper_live_order_idx'),
        ),
        migrations.RunPython(_search._run(TRIGGERS), migrations.RunPython.noop),
    ]
