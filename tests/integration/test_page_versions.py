"""Each public profile and paper page is cached under its own record's page version:
a change renews the pages that show the changed records, and only those."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.importing import import_pages
from catalog.models import Author, Paper
from curation import services
from tests.pages import named_page, write_page

CACHED_QUERIES = 1  # the record's lookup, for its version


def _get(client, url: str) -> tuple[int, int, str, str]:
    """Status, queries, ETag, Last-Modified."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries), response.get("ETag"), response.get("Last-Modified")


@pytest.fixture
def scene(db, tmp_path) -> dict[str, str]:
    """Two pages of one person (Alpha), a co-author of one of Alpha's papers
    (Delta), and an unrelated author (Gamma); every page version an hour old."""
    shared = ("Shared paper of Alpha and Delta", "Venue A", "Abstract shared by two.")
    import_pages(
        [
            write_page(
                tmp_path,
                "alpha-1.txt",
                named_page("Alpha, Ann", [shared, ("Alpha alone", "Venue A", "Abstract one.")]),
            ),
            write_page(
                tmp_path,
                "alpha-2.txt",
                named_page("Alpha, A.", [("Alpha again", "Venue B", "Abstract two.")]),
            ),
            write_page(tmp_path, "delta.txt", named_page("Delta, Dan", [shared])),
            write_page(
                tmp_path,
                "gamma.txt",
                named_page("Gamma, Gil", [("Gamma's own paper", "Venue C", "Abstract g.")]),
            ),
        ]
    )
    hour_ago = timezone.now() - timedelta(hours=1)
    Author.objects.update(page_changed_at=hour_ago)
    Paper.objects.update(page_changed_at=hour_ago)
    return {
        "alpha": Author.objects.get(slug="alpha-ann").get_absolute_url(),
        "alpha_2": Author.objects.get(slug="alpha-a").get_absolute_url(),
        "delta": Author.objects.get(slug="delta-dan").get_absolute_url(),
        "gamma": Author.objects.get(slug="gamma-gil").get_absolute_url(),
        "shared_paper": Paper.objects.get(title__startswith="Shared").get_absolute_url(),
        "gamma_paper": Paper.objects.get(title__startswith="Gamma").get_absolute_url(),
    }


def _warm(client, scene: dict[str, str]) -> dict[str, tuple[int, int, str, str]]:
    """Each page rendered once and then read from the cache."""
    for url in scene.values():
        client.get(url)
    return {name: _get(client, url) for name, url in scene.items()}


def _rendered_queries(client, url: str) -> int:
    """The queries of a full render of ``url`` (the page cache cleared first)."""
    from django.core.cache import cache

    cache.clear()
    return _get(client, url)[1]


def test_merge_renews_the_merged_profiles_and_leaves_an_unrelated_one_cached(
    client, scene, curator
):
    before = _warm(client, scene)
    alpha, alpha_2 = Author.objects.get(slug="alpha-ann"), Author.objects.get(slug="alpha-a")

    services.merge_authors(survivor=alpha, others=[alpha_2], actor=curator)
    after = {name: _get(client, url) for name, url in scene.items()}

    assert {name: queries for name, (_, queries, _, _) in before.items()} == dict.fromkeys(
        scene, CACHED_QUERIES
    )
    assert after["gamma"] == before["gamma"]
    assert after["gamma_paper"] == before["gamma_paper"]
    assert after["alpha"][:2] == (200, _rendered_queries(client, scene["alpha"]))
    assert after["alpha_2"][0] == 301
    live = set(scene) - {"alpha_2"}
    assert {name for name in live if after[name][2] != before[name][2]} == {"alpha"}
    assert {name for name in live if after[name][3] != before[name][3]} == {"alpha"}


def test_merge_under_a_new_name_renews_the_pages_that_show_the_name(client, scene, curator):
    before = _warm(client, scene)
    alpha, alpha_2 = Author.objects.get(slug="alpha-ann"), Author.objects.get(slug="alpha-a")

    services.merge_authors(
        survivor=alpha, others=[alpha_2], actor=curator, display_name="Alpha, Anna"
    )
    after = {name: _get(client, url) for name, url in scene.items()}

    live = set(scene) - {"alpha_2"}
    assert {name for name in live if after[name][2] != before[name][2]} == {
        "alpha",
        "delta",
        "shared_paper",
    }
    assert "Anna Alpha" in client.get(scene["delta"]).content.decode()


def test_unrelated_page_answers_304_to_its_old_etag_after_a_merge(client, scene, curator):
    before = _warm(client, scene)
    alpha, alpha_2 = Author.objects.get(slug="alpha-ann"), Author.objects.get(slug="alpha-a")
    services.merge_authors(survivor=alpha, others=[alpha_2], actor=curator)

    unrelated = client.get(scene["gamma"], HTTP_IF_NONE_MATCH=before["gamma"][2])
    changed = client.get(scene["alpha"], HTTP_IF_NONE_MATCH=before["alpha"][2])

    assert (unrelated.status_code, changed.status_code) == (304, 200)


def test_renaming_an_author_renews_the_pages_that_show_the_name(client, scene, curator):
    before = _warm(client, scene)

    services.edit_author(
        author=Author.objects.get(slug="delta-dan"),
        actor=curator,
        family_name="Delta-Smith",
        given_name="Dan",
    )
    after = {name: _get(client, url) for name, url in scene.items()}

    changed = {name for name in scene if after[name][2] != before[name][2]}
    assert changed == {"delta", "alpha", "shared_paper"}
    assert "Delta-Smith" in client.get(scene["alpha"]).content.decode()


def test_undo_renews_the_pages_the_action_had_renewed(client, scene, curator):
    alpha, alpha_2 = Author.objects.get(slug="alpha-ann"), Author.objects.get(slug="alpha-a")
    action = services.merge_authors(survivor=alpha, others=[alpha_2], actor=curator)
    before = _warm(client, scene)

    services.undo_action(action=action, actor=curator)
    after = {name: _get(client, url) for name, url in scene.items()}

    changed = {name for name in scene if after[name][2] != before[name][2]}
    assert changed == {"alpha", "alpha_2"}


def test_import_renews_only_the_pages_of_what_it_changed(client, scene, tmp_path):
    before = _warm(client, scene)

    import_pages(
        [
            write_page(
                tmp_path,
                "gamma.txt",
                named_page(
                    "Gamma, Gil",
                    [
                        ("Gamma's own paper", "Venue C", "Abstract g."),
                        ("Gamma's second paper", "Venue C", "Abstract g2."),
                    ],
                ),
            )
        ]
    )
    after = {name: _get(client, url) for name, url in scene.items()}

    changed = {name for name in scene if after[name][2] != before[name][2]}
    assert changed == {"gamma", "gamma_paper"}
    assert "Gamma&#x27;s second paper" in client.get(scene["gamma"]).content.decode()


def test_cacheable_pages_say_whether_the_cache_served_them(client, scene):
    first = client.get(scene["gamma"])
    second = client.get(scene["gamma"])

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")


def test_catalogue_key_renews_every_page_after_any_change(client, scene, curator, settings):
    settings.PAGE_CACHE_KEY = "catalogue"
    _warm(client, scene)
    alpha, alpha_2 = Author.objects.get(slug="alpha-ann"), Author.objects.get(slug="alpha-a")

    services.merge_authors(survivor=alpha, others=[alpha_2], actor=curator)

    assert client.get(scene["gamma"])["X-Page-Cache"] == "miss"


def test_a_signed_in_curator_does_not_get_the_readers_page_as_not_modified(client, scene, curator):
    reader = client.get(scene["gamma"])
    client.force_login(curator)

    signed_in = client.get(scene["gamma"], HTTP_IF_NONE_MATCH=reader["ETag"])

    assert (signed_in.status_code, "Edit name / ORCID" in signed_in.content.decode()) == (
        200,
        True,
    )
