"""Paper search counts live papers only: a merged paper leaves the full-text index
(SQLite's FTS5, kept by triggers; PostgreSQL filters in the query) and an undone
merge brings it back."""

import pytest
from django.db import connection

from catalog.models import Paper
from catalog.selectors import search_paper_ids
from curation import services
from tests.factories import PaperFactory


@pytest.fixture
def twins(db) -> tuple[Paper, Paper]:
    return (
        PaperFactory(title="Quokka Gradients", abstract="We count quokkas with gradients."),
        PaperFactory(title="Quokka gradients", abstract="We count quokkas with gradients!"),
    )


def _check_fts_index() -> None:
    """FTS5's own check of its index structure; raises when it is corrupt (rank 0: not
    against the content table, which also holds the tombstones left out on purpose)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_paper_fts(catalog_paper_fts, rank) VALUES ('integrity-check', 0)"
        )


def test_search_leaves_out_a_merged_paper_and_finds_it_again_after_undo(twins, curator):
    first, second = twins
    before = set(search_paper_ids("quokka"))

    merge = services.merge_papers(survivor=first, others=[second], actor=curator)
    merged = search_paper_ids("quokka")
    services.undo_action(action=merge, actor=curator)

    assert before == {first.pk, second.pk}
    assert merged == [first.pk]
    assert set(search_paper_ids("quokka")) == {first.pk, second.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers are SQLite's")
def test_fts_index_stays_sound_when_tombstones_change_or_go(twins, curator):
    first, second = twins
    services.merge_papers(survivor=first, others=[second], actor=curator)

    Paper.objects.filter(pk=second.pk).update(title="Wombat Gradients")  # a tombstone edited
    wombats = search_paper_ids("wombat")
    Paper.objects.filter(pk=second.pk).delete()  # and deleted

    assert wombats == []
    _check_fts_index()
    assert search_paper_ids("quokka") == [first.pk]
