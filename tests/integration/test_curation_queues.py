"""The curators' queues are computed by the finders, kept in the cache, and what
curators did since is taken out at once (curation.selectors.queues)."""

from __future__ import annotations

import pytest

from catalog.importing import import_pages
from catalog.models import Author, Paper, SourcePage
from curation import selectors, services
from tests.factories import AuthorFactory, PaperFactory
from tests.pages import anonymous_page, write_page

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
TWIN_TITLE = "Sparse Attention Revisited for Tiny Corpora of Handwritten Letters"


@pytest.fixture
def twin_papers(db) -> tuple[Paper, Paper]:
    """Two records of one paper: same title, abstracts one word apart."""
    return (
        PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters."),
        PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters!"),
    )


@pytest.fixture
def twin_authors(db) -> tuple[Author, Author]:
    return (
        AuthorFactory(family_name="Quillfeather", given_name="Oona", display_name="Oona Q"),
        AuthorFactory(family_name="Quillfeather", given_name="Oona", display_name="Oona Q"),
    )


def _pairs(queue: selectors.Queue) -> set[tuple[int, int]]:
    return {(pair.first.id, pair.second.id) for pair in queue.items}


def _page_sources(queue: selectors.Queue) -> set[str]:
    return {item.page.source for item in queue.items}


def test_queues_come_from_the_cache_until_refreshed(twin_papers, django_assert_num_queries):
    first, second = twin_papers
    computed = selectors.queues("paper_pairs")["paper_pairs"]
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    with django_assert_num_queries(3):  # newest page, merged papers, dismissals
        cached = selectors.queues("paper_pairs")["paper_pairs"]
    refreshed = selectors.queues("paper_pairs", refresh=True)["paper_pairs"]

    assert _pairs(computed) == {(first.pk, second.pk)}
    assert (_pairs(cached), cached.computed_at) == ({(first.pk, second.pk)}, computed.computed_at)
    assert len(_pairs(refreshed)) == 3  # the third record pairs with both
    assert refreshed.computed_at > computed.computed_at


def test_queue_takes_out_a_pair_merged_since_and_brings_it_back_on_undo(twin_papers, curator):
    first, second = twin_papers
    selectors.queues("paper_pairs")
    action = services.merge_papers(survivor=first, others=[second], actor=curator)

    after_merge = selectors.queues("paper_pairs")["paper_pairs"]
    services.undo_action(action=action, actor=curator)
    after_undo = selectors.queues("paper_pairs")["paper_pairs"]

    assert (_pairs(after_merge), after_merge.held_back) == (set(), 1)
    assert (_pairs(after_undo), after_undo.held_back) == ({(first.pk, second.pk)}, 0)


def test_queue_takes_out_a_pair_dismissed_since(twin_authors, curator):
    first, second = twin_authors
    before = selectors.queues("author_pairs")["author_pairs"]

    services.dismiss_pair(kind="author", first=second, second=first, actor=curator)
    after = selectors.queues("author_pairs")["author_pairs"]

    assert _pairs(before) == {(first.pk, second.pk)}
    assert (_pairs(after), after.held_back) == (set(), 1)


def test_queue_takes_out_a_page_assigned_since_but_keeps_its_suggestions_elsewhere(
    imported_seeds, curator
):
    ilya = Author.objects.get(slug="sutskever-ilya")
    page = SourcePage.objects.get(source=PAGE_001)
    selectors.queues("pages")

    services.assign_page(page=page, author=ilya, actor=curator)
    queue = selectors.queues("pages")["pages"]

    assert (_page_sources(queue), queue.held_back) == ({PAGE_004}, 1)
    # Ilya changed (he has a new page) but is still the first suggestion for 004.
    assert queue.items[0].suggestions[0].author.slug == "sutskever-ilya"


def test_queue_drops_a_suggested_author_merged_away(imported_seeds, curator):
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")
    before = selectors.queues("pages")["pages"]

    services.merge_authors(survivor=wu, others=[ilya], actor=curator)
    after = selectors.queues("pages")["pages"]

    suggested_before = {s.author.slug for i in before.items for s in i.suggestions}
    suggested_after = {s.author.slug for i in after.items for s in i.suggestions}
    assert "sutskever-ilya" in suggested_before
    assert suggested_after == suggested_before - {"sutskever-ilya"}
    assert _page_sources(after) == {PAGE_001, PAGE_004}


def test_queue_takes_out_a_profile_split_since(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")
    before = selectors.queues("mixed")["mixed"]
    paper = Paper.objects.filter(authorships__author=wu).order_by("pk").first()

    services.split_author(
        author=wu,
        papers=[paper],
        actor=curator,
        new_author=services.NewAuthor(family_name="Wu", given_name="Jeffrey"),
    )
    after = selectors.queues("mixed")["mixed"]

    assert [i.author.slug for i in before.items] == ["wu-jeff"]
    assert (after.items, after.held_back) == ([], 1)


def test_import_of_a_new_page_computes_the_queues_again(imported_seeds, tmp_path):
    before = selectors.queues("pages")["pages"]
    new_page = write_page(
        tmp_path, "900_new.txt", anonymous_page("Tony", ["A fresh abstract on bees."])
    )

    import_pages([new_page])
    after = selectors.queues("pages")["pages"]

    assert _page_sources(before) == {PAGE_001, PAGE_004}
    assert _page_sources(after) == {PAGE_001, PAGE_004, "900_new.txt"}


def test_queue_cache_off_computes_on_every_call(twin_papers, settings):
    settings.QUEUE_CACHE_SECONDS = 0
    selectors.queues("paper_pairs")
    third = PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    queue = selectors.queues("paper_pairs")["paper_pairs"]

    assert third.pk in {side for pair in _pairs(queue) for side in pair}


# --- the pages ------------------------------------------------------------------------------


def test_dashboard_refresh_computes_again_and_comes_back_without_it(
    client, curator, imported_seeds, twin_papers
):
    client.force_login(curator)
    client.get("/curation/")
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")
    stale = client.get("/curation/papers/duplicates/").context["pairs"]

    refresh = client.post("/curation/papers/duplicates/")
    fresh = client.get("/curation/papers/duplicates/")

    assert (len(stale), len(fresh.context["pairs"])) == (1, 3)
    assert (refresh.status_code, refresh["Location"]) == (302, "/curation/papers/duplicates/")
    assert "Compute again" in fresh.content.decode()


def test_queue_refresh_by_get_computes_nothing(client, curator, imported_seeds, twin_papers):
    client.force_login(curator)
    client.get("/curation/papers/duplicates/")
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    response = client.get("/curation/papers/duplicates/?refresh=1")

    assert (response.status_code, len(response.context["pairs"])) == (200, 1)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("reader", 403), ("curator", 302)],
)
def test_queue_refresh_is_for_curators_only(client, curator, reader, db, who, expected):
    if who != "anonymous":
        client.force_login(curator if who == "curator" else reader)

    response = client.post("/curation/")

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
