"""The curators' finders on the seed pages and on crafted catalogues.

Seeds: the two anonymous pages (001, 004, both labelled "Tony") hold abstracts of
OpenAI o1 and GPT-4o system cards (also on Sutskever's page, o1 on
Parascandolo's) next to eight abstracts found on no named page (Codex,
Performers, SimPLe... on 001; HELM, BREEDS... on 004): neither page is any of
the three catalogued authors, and the suggestions can only rank who the evidence
points to. Sutskever lists both system cards, Parascandolo one, Wu none but
wrote with both of them.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Author, Authorship, DecidedBy, Paper, SourceEntry, SourcePage
from curation import finders
from curation.finders import (
    CASE_OR_ACCENTS,
    INITIALS,
    MIDDLE_NAME,
    SHORT_GIVEN,
    catalogue_vocabulary,
    duplicate_author_candidates,
    duplicate_paper_candidates,
    mixed_profiles,
    page_judgement,
    page_suggestions,
    pages_to_assign,
    profile_clusters,
)
from curation.matcher.model import NEW_AUTHOR
from tests.factories import (
    AppearanceFactory,
    AuthorFactory,
    AuthorNameFactory,
    AuthorshipFactory,
    DismissedPairFactory,
    PaperFactory,
    SourceEntryFactory,
    SourcePageFactory,
    VenueFactory,
)

SEED_TONY_PAGES = ["001_fa869cb8beed8520.txt", "004_ecb8618afa550e8b.txt"]
CAUSAL_ABSTRACT = (
    "Statistical learning relies upon data sampled from a distribution, and we usually do "
    "not care what actually generated it in the first place. From the point of view of "
    "causal modeling, the structure of each distribution is induced by physical mechanisms "
    "that give rise to dependences between observables."
)


def author_named(family: str) -> Author:
    return Author.objects.get(family_name=family)


def names(suggestions) -> list[str]:
    return [s.author.display_name for s in suggestions]


# --- page suggestions ---------------------------------------------------------------


@pytest.mark.parametrize("source", SEED_TONY_PAGES)
def test_page_suggestions_rank_the_seed_authors_by_shared_papers(imported_seeds, source):
    page = SourcePage.objects.get(source=source)

    suggestions = page_suggestions(page)

    assert names(suggestions) == ["Ilya Sutskever", "Giambattista Parascandolo", "Jeff Wu"]
    assert [(s.evidence.held, s.evidence.known) for s in suggestions] == [(2, 2), (1, 2), (0, 2)]
    assert suggestions[0].probability > suggestions[1].probability


@pytest.mark.parametrize("source", SEED_TONY_PAGES)
def test_page_judgement_calls_the_seed_tony_pages_a_new_author(imported_seeds, source):
    # Two of ten papers known, both system cards of hundreds of authors: the
    # page's author (not among the seeds) is nobody in the catalogue.
    judgement = page_judgement(SourcePage.objects.get(source=source))

    assert judgement.recommendation == NEW_AUTHOR
    assert judgement.new_author_probability > 0.5
    assert judgement.entry_count == 10
    assert judgement.new_author_probability + sum(
        s.probability for s in judgement.suggestions
    ) == pytest.approx(1.0, abs=1e-3)


def test_page_suggestions_show_shared_papers_with_their_profile_counts(imported_seeds):
    page = SourcePage.objects.get(source=SEED_TONY_PAGES[0])

    top, second, third = page_suggestions(page)

    assert [(p.label, p.profiles, p.weight) for p in top.shared_papers] == [
        ("GPT-4o System Card", 1, 1.0),
        ("OpenAI o1 System Card", 2, 0.631),
    ]
    assert [(p.label, p.profiles) for p in second.shared_papers] == [("OpenAI o1 System Card", 2)]
    assert third.shared_papers == ()


def test_page_suggestions_show_common_coauthors_and_shared_words(imported_seeds):
    page = SourcePage.objects.get(source=SEED_TONY_PAGES[0])

    top, second, third = page_suggestions(page)

    assert [a.display_name for a in top.common_coauthors] == ["Giambattista Parascandolo"]
    assert [a.display_name for a in third.common_coauthors] == [
        "Giambattista Parascandolo",
        "Ilya Sutskever",
    ]
    assert top.shared_words == ("speech", "generation", "audio", "translation", "text")
    assert top.reasons == [
        "holds 2 of the page's 2 known papers; 1 of them on no other profile",
        "abstracts and titles close to 0 of the author's 8 other papers",
        "profile of 10 papers",
    ]
    assert third.reasons[:2] == [
        "holds 0 of the page's 2 known papers",
        "wrote other papers with the authors of 2 more of the page's papers",
    ]


def test_page_suggestions_leave_out_tombstones(imported_seeds):
    sutskever = author_named("Sutskever")
    sutskever.merged_into = author_named("Wu")
    sutskever.save()

    suggestions = page_suggestions(SourcePage.objects.get(source=SEED_TONY_PAGES[0]))

    assert names(suggestions) == ["Giambattista Parascandolo", "Jeff Wu"]


def test_page_suggestions_ignore_authorships_only_the_page_itself_claims(imported_seeds):
    page = SourcePage.objects.get(source=SEED_TONY_PAGES[0])
    claimed = AuthorFactory(family_name="Claimed", given_name="Tony")
    page.author, page.assigned_by = claimed, DecidedBy.CURATOR
    page.save()
    for entry in page.entries.all():
        entry.authorship = Authorship.objects.create(
            paper=entry.paper, author=claimed, decided_by=DecidedBy.CURATOR, curated=True
        )
        entry.save()

    suggestions = page_suggestions(page)

    assert names(suggestions) == ["Ilya Sutskever", "Giambattista Parascandolo", "Jeff Wu"]


def test_page_suggestions_are_empty_for_a_page_of_unknown_papers(db):
    page = SourcePageFactory()
    SourceEntryFactory(page=page)

    assert page_suggestions(page) == []


def test_page_suggestions_rank_the_profile_listing_most_of_the_page_first(db):
    owner, colleague = AuthorFactory(), AuthorFactory()
    papers = PaperFactory.create_batch(4)
    for paper in papers:
        AuthorshipFactory(author=owner, paper=paper)
    AuthorshipFactory(author=colleague, paper=papers[0])
    page = SourcePageFactory()
    for paper in papers:
        SourceEntryFactory(page=page, paper=paper)

    top, second = page_suggestions(page)

    assert (top.author, top.evidence.held, top.evidence.known) == (owner, 4, 4)
    assert top.probability > second.probability
    assert (second.author, len(second.shared_papers)) == (colleague, 1)


def test_pages_to_assign_list_both_tony_pages_with_their_top_suggestions(imported_seeds):
    rows = pages_to_assign(suggestions=2)

    assert [(r.page.source, r.entry_count) for r in rows] == [(s, 10) for s in SEED_TONY_PAGES]
    assert [names(r.suggestions) for r in rows] == [
        ["Ilya Sutskever", "Giambattista Parascandolo"]
    ] * 2


def test_pages_to_assign_give_the_scores_page_suggestions_gives(imported_seeds):
    rows = pages_to_assign()

    assert [list(r.suggestions) for r in rows] == [
        page_suggestions(SourcePage.objects.get(source=s)) for s in SEED_TONY_PAGES
    ]


def _waiting_pages(count: int) -> None:
    """``count`` anonymous pages, each sharing a paper with an author who has a
    co-author elsewhere."""
    for _ in range(count):
        author, coauthor = AuthorFactory(), AuthorFactory()
        shared, elsewhere = PaperFactory(), PaperFactory()
        AuthorshipFactory(author=author, paper=shared)
        AuthorshipFactory(author=author, paper=elsewhere)
        AuthorshipFactory(author=coauthor, paper=elsewhere)
        page = SourcePageFactory()
        SourceEntryFactory(page=page, paper=shared)
        SourceEntryFactory(page=page)


@pytest.mark.parametrize("pages", [1, 4])
def test_pages_to_assign_run_11_queries_however_many_pages(db, django_assert_num_queries, pages):
    _waiting_pages(pages)

    with django_assert_num_queries(11):
        rows = pages_to_assign()

    assert [len(r.suggestions) for r in rows] == [2] * pages


def test_page_suggestions_run_10_queries(imported_seeds, django_assert_num_queries):
    page = SourcePage.objects.get(source=SEED_TONY_PAGES[1])

    with django_assert_num_queries(10):
        page_suggestions(page)


# --- duplicate papers ----------------------------------------------------------------


def test_duplicate_paper_candidates_find_nothing_left_in_the_seeds(imported_seeds):
    assert duplicate_paper_candidates() == []


def test_duplicate_paper_candidates_pair_an_abstract_only_paper_with_its_titled_twin(db):
    titled = PaperFactory(title="Learning Independent Causal Mechanisms", abstract=CAUSAL_ABSTRACT)
    untitled = PaperFactory(
        title="", abstract=CAUSAL_ABSTRACT.replace("observables.", "the observed variables.")
    )
    PaperFactory(title="", abstract="Something else entirely, about robots and their arms.")

    (pair,) = duplicate_paper_candidates()

    assert (pair.first.id, pair.second.id) == (titled.id, untitled.id)
    assert (pair.title_similarity, pair.abstract_similarity, pair.score) == (None, 0.982, 0.982)
    assert pair.blocks == ("abstract start",)


def test_duplicate_paper_candidates_pair_titles_with_a_typo_or_a_dropped_subtitle(db):
    typo = PaperFactory(title="Learning Independant Causal Mechanisms", abstract="")
    right = PaperFactory(title="Learning Independent Causal Mechanisms", abstract="")
    short = PaperFactory(title="Anxiety about electronic data hacking", abstract="")
    long_ = PaperFactory(
        title="Anxiety about electronic data hacking: Predictors and relations", abstract=""
    )

    pairs = duplicate_paper_candidates()

    assert {(p.first.id, p.second.id): p.title_similarity for p in pairs} == {
        (typo.id, right.id): 0.974,
        (short.id, long_.id): 0.9,
    }


def test_duplicate_paper_candidates_skip_same_title_with_unrelated_abstracts(db):
    PaperFactory(title="Consistency Models", abstract=CAUSAL_ABSTRACT)
    PaperFactory(title="Consistency Models", abstract="Diffusion models generate images " * 5)

    assert duplicate_paper_candidates() == []


def test_duplicate_paper_candidates_rank_a_title_many_papers_share_last(db):
    editorials = [PaperFactory(title="Editorial Notes", abstract="") for _ in range(4)]
    typo = PaperFactory(title="Learning Independant Causal Mechanisms", abstract="")
    right = PaperFactory(title="Learning Independent Causal Mechanisms", abstract="")

    pairs = duplicate_paper_candidates()

    assert (pairs[0].first.id, pairs[0].second.id) == (typo.id, right.id)
    assert {p.score for p in pairs[1:]} == {0.5}
    assert len(pairs) == 1 + 6
    assert {p.first.id for p in pairs[1:]} | {p.second.id for p in pairs[1:]} == {
        e.id for e in editorials
    }


def test_duplicate_paper_candidates_leave_out_dismissed_pairs_and_tombstones(db):
    a = PaperFactory(title="Learning Independent Causal Mechanisms", abstract="")
    b = PaperFactory(title="Learning Independent Casual Mechanisms", abstract="")
    c = PaperFactory(title="Learning Independent Causal Mechanism", abstract="")
    PaperFactory(title="Learning Independent Causal Mechanisms!", abstract="", merged_into=a)
    DismissedPairFactory(kind="paper", low_id=a.id, high_id=b.id)

    pairs = duplicate_paper_candidates()

    assert {(p.first.id, p.second.id) for p in pairs} == {(a.id, c.id), (b.id, c.id)}


def test_duplicate_paper_candidates_show_venues_and_shared_authors(db):
    a = PaperFactory(title="Adaptive Skip Intervals for Recurrent Models", abstract="")
    b = PaperFactory(title="Adaptive Skip Intervals for Recurrent Model", abstract="")
    AppearanceFactory(paper=a, venue=VenueFactory(name="NeurIPS"))
    AppearanceFactory(paper=b, venue=VenueFactory(name="arXiv"))
    both, only_a = AuthorFactory(given_name="Both"), AuthorFactory(given_name="Only")
    AuthorshipFactory(paper=a, author=both)
    AuthorshipFactory(paper=b, author=both)
    AuthorshipFactory(paper=a, author=only_a)

    (pair,) = duplicate_paper_candidates()

    assert (pair.first.venues, pair.second.venues) == (("NeurIPS",), ("arXiv",))
    assert pair.shared_authors == (both.display_name,)


@pytest.mark.parametrize("pairs", [1, 5])
def test_duplicate_paper_candidates_run_5_queries(db, django_assert_num_queries, pairs):
    titles = [
        "Learning Independent Causal Mechanisms",
        "Adaptive Skip Intervals for Recurrent Models",
        "Robust Speech Recognition via Weak Supervision",
        "Formal Mathematics Statement Curriculum Learning",
        "Scaling and Evaluating Sparse Autoencoders",
    ]
    for title in titles[:pairs]:
        paper = PaperFactory(title=title, abstract="")
        PaperFactory(title=title.replace("e", "a", 1), abstract="")
        AuthorshipFactory(paper=paper)
        AppearanceFactory(paper=paper)

    with django_assert_num_queries(5):
        found = duplicate_paper_candidates()

    assert len(found) == pairs


# --- duplicate authors -----------------------------------------------------------------


def _author(given: str, family: str, *, display: str | None = None, **kwargs) -> Author:
    return AuthorFactory(
        given_name=given,
        family_name=family,
        display_name=display or f"{given} {family}",
        **kwargs,
    )


def test_duplicate_author_candidates_find_nothing_in_the_seeds(imported_seeds):
    assert duplicate_author_candidates() == []


def test_duplicate_author_candidates_match_accents_initials_and_short_names(db):
    lukasz, lukasz_plain = _author("Łukasz", "Kaiser"), _author("Lukasz", "Kaiser")
    ilya, initial = _author("Ilya", "Sutskever"), _author("I.", "Sutskever")
    jeff, jeffrey = _author("Jeff", "Wu"), _author("Jeffrey", "Wu")
    jose, jose_m = _author("Jose", "Garcia"), _author("Jose M.", "Garcia")
    _author("Jane", "Doe"), _author("John", "Doe")

    pairs = duplicate_author_candidates()

    assert {(p.first, p.second): p.rule for p in pairs} == {
        (lukasz, lukasz_plain): CASE_OR_ACCENTS,
        (ilya, initial): INITIALS,
        (jeff, jeffrey): SHORT_GIVEN,
        (jose, jose_m): MIDDLE_NAME,
    }


def test_duplicate_author_candidates_use_every_name_variant(db):
    first = _author("Ilya", "Sutskever")
    second = _author("Ilia", "Sutskever")
    AuthorNameFactory(author=second, name="Sutskever, Ilya")

    (pair,) = duplicate_author_candidates()

    assert (pair.first, pair.second, pair.rule) == (first, second, "same name in another order")
    assert (pair.first_name, pair.second_name) == ("Ilya Sutskever", "Sutskever, Ilya")


def test_duplicate_author_candidates_show_shared_coauthors_and_papers(db):
    first, second = _author("Ilya", "Sutskever"), _author("I.", "Sutskever")
    colleague = _author("Wojciech", "Zaremba")
    for author in (first, second):
        paper = PaperFactory()
        AuthorshipFactory(author=author, paper=paper)
        AuthorshipFactory(author=colleague, paper=paper)
    shared = PaperFactory()
    AuthorshipFactory(author=first, paper=shared)
    AuthorshipFactory(author=second, paper=shared)

    (pair,) = duplicate_author_candidates()

    assert [(c.author, c.with_first, c.with_second) for c in pair.shared_coauthors] == [
        (colleague, 1, 1)
    ]
    assert (pair.shared_papers, pair.score) == (1, 0.604)


def test_duplicate_author_candidates_rank_evidence_above_bare_names(db):
    _author("Lei", "Wang"), _author("Lei", "Wang")
    first, second = _author("Ilya", "Sutskever"), _author("I.", "Sutskever")
    shared = PaperFactory()
    AuthorshipFactory(author=first, paper=shared)
    AuthorshipFactory(author=second, paper=shared)

    pairs = duplicate_author_candidates()

    assert [p.first.family_name for p in pairs] == ["Sutskever", "Wang"]


def test_duplicate_author_candidates_leave_out_dismissed_pairs_and_tombstones(db):
    a, b, c = _author("Lei", "Wang"), _author("Lei", "Wang"), _author("Lei", "Wang")
    _author("Lei", "Wang", merged_into=a)
    DismissedPairFactory(kind="author", low_id=a.id, high_id=b.id)

    pairs = duplicate_author_candidates()

    assert {(p.first, p.second) for p in pairs} == {(a, c), (b, c)}


@pytest.mark.parametrize("pairs", [1, 4])
def test_duplicate_author_candidates_run_7_queries(db, django_assert_num_queries, pairs):
    for n in range(pairs):
        first, second = _author("Ilya", f"Family{n}x"), _author("I.", f"Family{n}x")
        AuthorshipFactory(author=first)
        AuthorshipFactory(author=second)

    with django_assert_num_queries(7):
        found = duplicate_author_candidates()

    assert len(found) == pairs


# --- mixed profiles -----------------------------------------------------------------


def test_mixed_profiles_flag_wu_alone_in_the_seeds(imported_seeds):
    # Sutskever's and Parascandolo's papers hold together: some through a
    # co-author, the rest through words they share with the main group, helped by
    # a venue in common (all of Sutskever's are arXiv AI). Wu's Gaussian-process
    # PDE paper (arXiv ML) and 2010 AAAI control paper share neither.
    profiles = mixed_profiles()

    assert [(m.author.display_name, m.paper_count) for m in profiles] == [("Jeff Wu", 9)]
    assert profiles[0].separation == 0.957


def test_profile_clusters_split_wus_odd_papers_with_their_words(imported_seeds):
    clusters = profile_clusters(author_named("Wu"))

    assert [len(c.papers) for c in clusters] == [7, 1, 1]
    assert [c.papers[0].label for c in clusters[1:]] == [
        "Inference of Nonlinear Partial Differential Equations via Constrained Gaussian Processes",
        "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov Decision "
        "Process",
    ]
    assert [c.words[:3] for c in clusters[1:]] == [
        ("pde", "nonlinear", "pigpi"),
        ("player", "markov", "decision"),
    ]
    assert [c.venues for c in clusters] == [
        ("arXiv.org Artificial Intelligence",),
        ("arXiv.org Machine Learning",),
        ("AAAI Conferences",),
    ]
    assert [a.display_name for a in clusters[0].coauthors] == [
        "Giambattista Parascandolo",
        "Ilya Sutskever",
    ]
    assert [c.similarity for c in clusters] == [1.0, 0.043, 0.04]


@pytest.mark.parametrize("family", ["Sutskever", "Parascandolo"])
def test_profile_clusters_keep_a_coherent_seed_profile_whole(imported_seeds, family):
    author = author_named(family)

    clusters = profile_clusters(author)

    assert [len(c.papers) for c in clusters] == [author.authorships.count()]


def test_profile_clusters_link_papers_through_a_coauthor(db):
    author, colleague = AuthorFactory(), AuthorFactory()
    first = PaperFactory(title="Partial differential equations", abstract="")
    second = PaperFactory(title="Speech recognition at scale", abstract="")
    for paper in (first, second):
        AuthorshipFactory(author=author, paper=paper)
        AuthorshipFactory(author=colleague, paper=paper)

    clusters = profile_clusters(author)

    assert [c.paper_ids for c in clusters] == [(first.id, second.id)]
    assert clusters[0].coauthors == (colleague,)


def test_mixed_profiles_consider_only_profiles_of_min_papers(imported_seeds):
    assert mixed_profiles(min_papers=10) == []


def test_mixed_profiles_run_8_queries(imported_seeds, django_assert_num_queries):
    with django_assert_num_queries(8):
        mixed_profiles()


def test_profile_clusters_run_7_queries(imported_seeds, django_assert_num_queries):
    author = author_named("Wu")

    with django_assert_num_queries(7):
        profile_clusters(author)


# --- all finders -----------------------------------------------------------------------


def test_finders_never_write(imported_seeds):
    page = SourcePage.objects.get(source=SEED_TONY_PAGES[0])
    finders_to_run = [
        lambda: page_suggestions(page),
        pages_to_assign,
        duplicate_paper_candidates,
        duplicate_author_candidates,
        mixed_profiles,
        lambda: profile_clusters(author_named("Wu")),
        finders.catalogue_vocabulary,
    ]

    with CaptureQueriesContext(connection) as queries:
        for finder in finders_to_run:
            finder()

    # PostgreSQL reads a long result through a server-side cursor (DECLARE ... SELECT).
    statements = {q["sql"].split(None, 1)[0].upper() for q in queries}
    assert statements - {"DECLARE"} == {"SELECT"}
    assert (Paper.objects.count(), SourceEntry.objects.count()) == (40, 49)


def test_catalogue_vocabulary_is_counted_once_while_the_queues_are_kept(
    db, django_assert_num_queries, settings
):
    settings.QUEUE_CACHE_SECONDS = 900
    PaperFactory(title="Quokka gradients", abstract="Quokkas count gradients.")
    first = catalogue_vocabulary()

    with django_assert_num_queries(0):
        again = catalogue_vocabulary()

    assert (again.documents, again.frequencies) == (first.documents, first.frequencies)
