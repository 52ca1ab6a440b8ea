"""The curators' read-only JSON (``curation.api``): a page's candidate authors and an
author's mixed-profile judgement. Who may read them, their shape and values (as the
finders give them), redirects and errors, cache headers, the schema a curator sees,
and constant query counts.

Seeds: the two anonymous pages 001 and 004 ("Tony") are judged against the three
catalogued authors; Jeff Wu's profile falls into three groups (his PDE and MDP
papers apart), Parascandolo's holds together.
"""

import base64

import jsonschema
import pytest

from catalog.models import Author, Authorship, AuthorSlugAlias, SourcePage
from curation import finders
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    PaperFactory,
    SourceEntryFactory,
    SourcePageFactory,
)

SEED_TONY_PAGES = ["001_fa869cb8beed8520.txt", "004_ecb8618afa550e8b.txt"]
WU = "wu-jeff"
PARASCANDOLO = "parascandolo-giambattista"
SUTSKEVER = "sutskever-ilya"
SUGGESTIONS = f"/api/pages/{SEED_TONY_PAGES[0]}/suggestions/"
MIXED = f"/api/authors/{WU}/mixed/"
RECOMMENDATIONS = {"assign", "new_author", "review"}


def _suggestions_url(source: str) -> str:
    return f"/api/pages/{source}/suggestions/"


def _mixed_url(slug: str) -> str:
    return f"/api/authors/{slug}/mixed/"


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def _page_with_candidates(count: int) -> SourcePage:
    """An anonymous page of ``count`` entries, each paper on a profile of its own."""
    page = SourcePageFactory()
    for _ in range(count):
        paper = PaperFactory()
        AuthorshipFactory(paper=paper, author=AuthorFactory())
        SourceEntryFactory(page=page, paper=paper)
    return page


def _profile_with_groups(count: int) -> Author:
    """An author of ``count`` papers, each with a co-author of its own and words of
    its own: ``count`` groups."""
    author = AuthorFactory()
    for index in range(count):
        paper = PaperFactory(
            title=f"Topic{index} subject{index} matter{index}",
            abstract=f"Words{index} about theme{index} and question{index} only.",
        )
        AuthorshipFactory(author=author, paper=paper)
        AuthorshipFactory(paper=paper)
    return author


# --- who may read ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SUGGESTIONS, MIXED])
@pytest.mark.parametrize(
    ("user", "status"), [("curator", 200), ("reader", 403), ("staff_only", 403), (None, 401)]
)
def test_curator_api_answers_curators_only(client, imported_seeds, request, url, user, status):
    if user is not None:
        client.force_login(request.getfixturevalue(user))

    response = client.get(url)

    assert response.status_code == status


@pytest.mark.parametrize("url", [SUGGESTIONS, MIXED])
def test_curator_api_challenges_anonymous_requests_with_basic(client, imported_seeds, url):
    response = client.get(url)

    assert (response.status_code, response["WWW-Authenticate"], response.json()) == (
        401,
        'Basic realm="api"',
        {"detail": "Authentication credentials were not provided."},
    )


@pytest.mark.parametrize("url", [SUGGESTIONS, MIXED])
def test_curator_api_refuses_a_non_curator_with_a_reason(client, imported_seeds, reader, url):
    client.force_login(reader)

    response = client.get(url)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only curators may read this."},
    )


def test_curator_api_accepts_a_curator_signing_in_with_basic(client, imported_seeds, curator):
    token = base64.b64encode(b"carla:curator-pass-1").decode()

    response = client.get(MIXED, HTTP_AUTHORIZATION=f"Basic {token}")

    assert response.status_code == 200


@pytest.mark.parametrize("url", [SUGGESTIONS, MIXED])
@pytest.mark.parametrize("user", ["curator", "reader", None])
def test_curator_api_answers_are_never_kept_by_a_shared_cache(
    client, imported_seeds, request, url, user
):
    if user is not None:
        client.force_login(request.getfixturevalue(user))

    response = client.get(url)

    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("url", [SUGGESTIONS, MIXED])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_curator_api_is_read_only(curator_client, imported_seeds, url, method):
    response = getattr(curator_client, method)(url)

    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


@pytest.mark.parametrize("url", [SUGGESTIONS, MIXED])
def test_curator_api_answers_head_without_a_body(curator_client, imported_seeds, url):
    response = curator_client.head(url)

    assert (response.status_code, response.content) == (200, b"")


# --- a page's candidates -------------------------------------------------------------------


def test_page_suggestions_hold_exactly_the_documented_keys(curator_client, imported_seeds):
    payload = _get(curator_client, SUGGESTIONS)

    candidate = payload["candidates"][0]
    assert set(payload) == {"page", "recommendation", "new_author_probability", "candidates"}
    assert set(candidate) == {"author", "probability", "evidence", "reasons"}
    assert set(candidate["author"]) == {"slug", "name", "url"}
    assert set(candidate["evidence"]) == {
        "known",
        "held",
        "only_here",
        "linked",
        "close_papers",
        "other_papers",
        "venues_shared",
        "page_venues",
        "profile_papers",
        "text",
    }


def test_page_suggestions_judge_seed_page_001(curator_client, imported_seeds):
    payload = _get(curator_client, SUGGESTIONS)

    top = payload["candidates"][0]
    assert (payload["page"], payload["recommendation"], payload["new_author_probability"]) == (
        "001_fa869cb8beed8520.txt",
        "new_author",
        0.8951,
    )
    assert [c["author"]["slug"] for c in payload["candidates"]] == [SUTSKEVER, PARASCANDOLO, WU]
    assert top["author"] == {
        "slug": SUTSKEVER,
        "name": "Ilya Sutskever",
        "url": f"http://testserver/authors/{SUTSKEVER}/",
    }
    assert (top["probability"], top["evidence"]["held"], top["evidence"]["known"]) == (
        0.1049,
        2,
        2,
    )
    assert top["reasons"] == [
        "holds 2 of the page's 2 known papers; 1 of them on no other profile",
        "abstracts and titles close to 0 of the author's 8 other papers",
        "profile of 10 papers",
    ]


@pytest.mark.parametrize("source", SEED_TONY_PAGES)
def test_page_suggestions_are_the_finders_judgement(curator_client, imported_seeds, source):
    judgement = finders.page_judgement(SourcePage.objects.get(source=source), limit=10)

    payload = _get(curator_client, _suggestions_url(source))

    assert payload["candidates"][0]["author"]["slug"] == (
        finders.page_suggestions(SourcePage.objects.get(source=source))[0].author.slug
    )
    assert [
        (c["author"]["slug"], c["probability"], c["evidence"], c["reasons"])
        for c in payload["candidates"]
    ] == [
        (s.author.slug, s.probability, s.evidence.as_dict(), s.reasons)
        for s in judgement.suggestions
    ]
    assert (payload["recommendation"], payload["new_author_probability"]) == (
        judgement.recommendation,
        judgement.new_author_probability,
    )


@pytest.mark.parametrize("source", [*SEED_TONY_PAGES, "000_66da5a788456bc5b.txt"])
def test_page_suggestions_rank_candidates_with_probabilities_that_add_up(
    curator_client, imported_seeds, source
):
    payload = _get(curator_client, _suggestions_url(source))

    probabilities = [c["probability"] for c in payload["candidates"]]
    assert payload["recommendation"] in RECOMMENDATIONS
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in [*probabilities, payload["new_author_probability"]])
    assert sum(probabilities) + payload["new_author_probability"] <= 1.0 + 1e-3


def test_page_suggestions_judge_a_page_that_has_an_author_too(curator_client, imported_seeds):
    # Parascandolo's named page: the papers only it claims are no evidence for him.
    page = SourcePage.objects.get(source="000_66da5a788456bc5b.txt")

    payload = _get(curator_client, _suggestions_url(page.source))

    assert page.author.slug == PARASCANDOLO
    assert (
        payload["recommendation"],
        payload["new_author_probability"],
        [c["author"]["slug"] for c in payload["candidates"]],
    ) == ("new_author", 0.8951, [SUTSKEVER, WU])


def test_page_suggestions_offer_nobody_for_papers_on_no_profile(curator_client, db):
    page = SourcePageFactory(source="lonely_page.v2.txt")
    SourceEntryFactory(page=page)
    SourceEntryFactory(page=page)

    payload = _get(curator_client, _suggestions_url(page.source))

    assert payload == {
        "page": "lonely_page.v2.txt",
        "recommendation": "new_author",
        "new_author_probability": 1.0,
        "candidates": [],
    }


def test_page_suggestions_of_an_unknown_page_are_404(curator_client, db):
    response = curator_client.get(_suggestions_url("no_such_page.txt"))

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No page has this source name."},
    )


def test_page_suggestions_of_a_source_with_a_nul_byte_are_404(curator_client, db):
    response = curator_client.get("/api/pages/a%00.txt/suggestions/")

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("entries", [2, 8])
def test_page_suggestions_run_at_most_14_queries_however_many_candidates(
    curator_client, db, django_assert_max_num_queries, entries
):
    page = _page_with_candidates(entries)

    # The session, the user, the curator check, the page, the judgement (9).
    with django_assert_max_num_queries(14):
        payload = _get(curator_client, _suggestions_url(page.source))

    assert len(payload["candidates"]) == entries


# --- an author's mixed-profile judgement ---------------------------------------------------


def test_mixed_profile_holds_exactly_the_documented_keys(curator_client, imported_seeds):
    payload = _get(curator_client, MIXED)

    assert set(payload) == {"author", "mixed_probability", "flagged", "groups"}
    assert set(payload["author"]) == {"slug", "name", "url"}
    assert {key for group in payload["groups"] for key in group} == {"papers", "reason"}


def test_mixed_profile_splits_wus_papers_into_groups_covering_the_profile(
    curator_client, imported_seeds
):
    profile = set(Authorship.objects.filter(author__slug=WU).values_list("paper__slug", flat=True))

    payload = _get(curator_client, MIXED)

    listed = [slug for group in payload["groups"] for slug in group["papers"]]
    assert payload["author"] == {
        "slug": WU,
        "name": "Jeff Wu",
        "url": f"http://testserver/authors/{WU}/",
    }
    assert [len(group["papers"]) for group in payload["groups"]] == [7, 1, 1]
    assert (len(listed), set(listed)) == (len(profile), profile)
    assert len(profile) <= finders.MAX_PROFILE_PAPERS


def test_mixed_profile_gives_the_finders_judgement_and_reasons(curator_client, imported_seeds):
    judged = finders.profile_judgement(Author.objects.get(slug=WU))

    payload = _get(curator_client, MIXED)

    assert (payload["mixed_probability"], payload["flagged"]) == (
        judged.probability,
        judged.flagged,
    )
    assert [group["reason"] for group in payload["groups"]] == [
        "main group: 7 papers; words: summary, feedback, gpt, human, question and 3 more; "
        "venues: arXiv.org Artificial Intelligence",
        "1 paper sharing no co-author with the main group; words: pde, nonlinear, pigpi, "
        "gaussian, physical and 3 more; venues: arXiv.org Machine Learning; "
        "similarity 0.043 to the main group",
        "1 paper sharing no co-author with the main group; words: player, markov, decision, "
        "decentralized, dynamic and 3 more; venues: AAAI Conferences; "
        "similarity 0.04 to the main group",
    ]
    assert payload["groups"][1]["papers"] == [
        "inference-of-nonlinear-partial-differential-equations-via-constrained-gaussian"
    ]


def test_mixed_profile_keeps_a_coherent_profile_in_one_group(curator_client, imported_seeds):
    profile = set(
        Authorship.objects.filter(author__slug=PARASCANDOLO).values_list("paper__slug", flat=True)
    )

    payload = _get(curator_client, _mixed_url(PARASCANDOLO))

    (group,) = payload["groups"]
    assert (len(group["papers"]), set(group["papers"])) == (len(profile), profile)
    assert group["reason"].startswith(f"main group: {len(profile)} papers; words: ")


def test_mixed_profile_of_a_merged_author_redirects_to_the_survivors(
    curator_client, imported_seeds
):
    AuthorFactory(slug="jeff-wu-duplicate", merged_into=Author.objects.get(slug=WU))

    response = curator_client.get("/api/authors/jeff-wu-duplicate/mixed/?format=json")

    assert (response.status_code, response["Location"]) == (
        301,
        f"/api/authors/{WU}/mixed/?format=json",
    )


def test_mixed_profile_of_an_old_slug_redirects_to_the_current_one(curator_client, imported_seeds):
    AuthorSlugAlias.objects.create(author=Author.objects.get(slug=WU), slug="j-wu")

    response = curator_client.get("/api/authors/j-wu/mixed/")

    assert (response.status_code, response["Location"]) == (301, f"/api/authors/{WU}/mixed/")


def test_mixed_profile_of_an_author_without_papers_is_gone(curator_client, db):
    author = AuthorFactory(has_papers=False)

    response = curator_client.get(_mixed_url(author.slug))

    assert (response.status_code, response.json()) == (
        410,
        {"detail": "This author holds no papers any more and is no longer listed."},
    )


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/authors/nobody/mixed/", "No author has this address."),
        ("/api/authors/not.a.slug/mixed/", "Not found."),
    ],
)
def test_mixed_profile_of_an_unknown_author_is_404(curator_client, db, url, detail):
    response = curator_client.get(url)

    assert (response.status_code, response.json()) == (404, {"detail": detail})


@pytest.mark.parametrize("papers", [2, 8])
def test_mixed_profile_runs_at_most_11_queries_however_many_papers(
    curator_client, db, django_assert_max_num_queries, papers
):
    author = _profile_with_groups(papers)

    # The session, the user, the curator check, the author, the judgement (6).
    with django_assert_max_num_queries(11):
        payload = _get(curator_client, _mixed_url(author.slug))

    assert [len(group["papers"]) for group in payload["groups"]] == [1] * papers


# --- schema --------------------------------------------------------------------------------

CURATOR_PATHS = {"/api/pages/{source}/suggestions/", "/api/authors/{slug}/mixed/"}


def test_schema_documents_the_curator_api_for_curators(curator_client):
    schema = curator_client.get("/api/schema/?format=json").json()

    suggestions = schema["paths"]["/api/pages/{source}/suggestions/"]["get"]
    mixed = schema["paths"]["/api/authors/{slug}/mixed/"]["get"]
    assert set(suggestions["responses"]) == {"200", "401", "403", "404", "429"}
    assert set(mixed["responses"]) == {"200", "301", "401", "403", "404", "410", "429"}
    assert set(schema["components"]["schemas"]["PageSuggestions"]["properties"]) == {
        "page",
        "recommendation",
        "new_author_probability",
        "candidates",
    }
    assert set(schema["components"]["schemas"]["MixedProfile"]["properties"]) == {
        "author",
        "mixed_probability",
        "flagged",
        "groups",
    }


@pytest.mark.parametrize("user", ["reader", None])
def test_schema_leaves_the_curator_api_out_for_everyone_else(client, request, user):
    if user is not None:
        client.force_login(request.getfixturevalue(user))

    schema = client.get("/api/schema/?format=json").json()

    assert set(schema["paths"]) & CURATOR_PATHS == set()


@pytest.mark.parametrize(
    ("url", "component"), [(SUGGESTIONS, "PageSuggestions"), (MIXED, "MixedProfile")]
)
def test_curator_api_answers_as_the_schema_says(curator_client, imported_seeds, url, component):
    schema = curator_client.get("/api/schema/?format=json").json()
    document = {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}

    payload = _get(curator_client, url)

    jsonschema.validate(payload, document)  # raises when the answer strays from the schema
