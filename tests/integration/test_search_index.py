"""Search indexes: paper search counts live papers only (a merged paper leaves the
full-text index, SQLite's FTS5 kept by triggers; PostgreSQL filters in the query)
and an undone merge brings it back; ranking reads a bounded set of candidates;
author name search goes through a trigram index kept in step with the names."""

import pytest
from django.db import connection

from catalog.models import Author, Paper
from catalog.selectors import search_authors, search_paper_ids
from curation import services
from tests.factories import AuthorFactory, PaperFactory


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


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sutskever", {"sutskever-ilya"}),
        ("y sutskever", {"sutskever-ilya"}),  # a short word first crashed SQLite 3.40's trigram
        ("sutskever y", {"sutskever-ilya"}),
        ("ilya su", {"sutskever-ilya"}),
        ("tskev", {"sutskever-ilya"}),
        ("u", {"sutskever-ilya", "kaiser-lukasz"}),
        ("zzz sutskever", set()),
    ],
)
def test_author_name_search_finds_words_anywhere_in_a_name(db, query, expected):
    AuthorFactory(
        family_name="Sutskever", given_name="Ilya", slug="sutskever-ilya", shown_name=True
    )
    AuthorFactory(family_name="Kaiser", given_name="Łukasz", slug="kaiser-lukasz", shown_name=True)
    AuthorFactory(family_name="Wo", given_name="Jeff", slug="wo-jeff", shown_name=True)

    found = set(search_authors(Author.objects.all(), query).values_list("slug", flat=True))

    assert found == expected


def test_author_name_search_follows_renamed_and_removed_names(db, curator):
    author = AuthorFactory(
        family_name="Sutskever", given_name="Ilya", slug="sutskever-ilya", shown_name=True
    )

    services.edit_author(
        author=author,
        actor=curator,
        family_name="Quixote",
        given_name="Ilya",
        drop_names=["Sutskever, Ilya"],
    )

    assert (
        list(search_authors(Author.objects.all(), "quixote").values_list("slug", flat=True)),
        list(search_authors(Author.objects.all(), "sutskever").values_list("slug", flat=True)),
    ) == (["sutskever-ilya"], [])


def test_search_ranks_only_the_newest_candidates_when_too_many_match(db):
    papers = [PaperFactory(title=f"Quokka study {n}", abstract="Quokka counts.") for n in range(6)]

    ranked = search_paper_ids("quokka", candidates=3)

    assert set(ranked) == {p.pk for p in papers[3:]}


def test_paper_search_index_follows_titles_after_the_page_version_migration(db, curator):
    paper = PaperFactory(title="Quokka Gradients", abstract="About quokkas.")

    services.edit_paper(paper=paper, actor=curator, title="Wombat Gradients", abstract="")

    assert (search_paper_ids("wombat"), search_paper_ids("quokka")) == ([paper.pk], [])
