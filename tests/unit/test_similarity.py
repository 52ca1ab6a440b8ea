"""The finders' pure helpers: words, vectors, similarities, name rules, clustering."""

import pytest

from catalog.normalize import fold
from curation import finders
from curation.finders import (
    CASE_OR_ACCENTS,
    INITIALS,
    MIDDLE_NAME,
    SAME_NAME,
    SHORT_GIVEN,
    SWAPPED,
    WORD_ORDER,
    NameForm,
    PaperFeatures,
    Vocabulary,
    author_pair_score,
    cluster_papers,
    cosine,
    dropped_subtitle,
    main_title,
    name_candidate_pairs,
    name_rule,
    paper_pair_score,
    rarity_weight,
    shared_words,
    stem,
    text_similarity,
    text_vector,
    title_similarity,
    top_words,
    words,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("networks", "network"),
        ("studies", "study"),
        ("processes", "process"),
        ("analysis", "analysis"),
        ("process", "process"),
        ("gas", "gas"),
    ],
)
def test_stem_drops_plural_endings_only(word, expected):
    assert stem(word) == expected


def test_words_fold_and_drop_stop_words_numbers_and_short_words():
    assert words("The 2 Łukasz's GPT-4 models, in 2010!") == ["lukasz", "gpt", "model"]


def test_vocabulary_weighs_rare_words_more():
    vocabulary = Vocabulary.from_texts(["language model", "language robot", "language agent"])

    assert vocabulary.documents == 3
    assert vocabulary.idf("robot") > vocabulary.idf("language") > 0
    assert vocabulary.idf("unseen") > vocabulary.idf("robot")


def test_text_vector_is_of_unit_length_and_cosine_compares_words():
    vocabulary = Vocabulary.from_texts(["alpha beta", "gamma delta", "alpha gamma"])
    u = text_vector(["alpha beta beta"], vocabulary)

    assert cosine(u, u) == pytest.approx(1.0)
    assert cosine(u, text_vector(["gamma delta"], vocabulary)) == 0.0
    assert 0 < cosine(u, text_vector(["alpha delta"], vocabulary)) < 1
    assert text_vector(["the of and"], vocabulary) == {}


def test_shared_words_and_top_words_come_heaviest_first():
    u = {"pde": 0.8, "gaussian": 0.5, "model": 0.3}
    v = {"pde": 0.6, "model": 0.8, "robot": 0.1}

    assert shared_words(u, v) == ("pde", "model")
    assert top_words(u, limit=2) == ("pde", "gaussian")


@pytest.mark.parametrize(("profiles", "weight"), [(0, 1.0), (1, 1.0), (2, 0.631), (40, 0.187)])
def test_rarity_weight_falls_with_the_profiles_listing_a_paper(profiles, weight):
    assert round(rarity_weight(profiles), 3) == weight


def test_text_similarity_counts_edits_and_honours_the_cutoff():
    assert text_similarity("causal mechanisms", "causal mechanisms") == 1.0
    assert round(text_similarity("causal mechanisms", "casual mechanisms"), 3) == 0.941
    assert text_similarity("causal mechanisms", "speech recognition", cutoff=0.8) == 0.0
    assert text_similarity("", "anything") == 0.0


def test_main_title_stops_at_the_first_subtitle_mark():
    assert (
        main_title("Anxiety about data hacking: Predictors (a study)")
        == "anxiety about data hacking"
    )
    assert main_title("Plain title") == "plain title"


def test_dropped_subtitle_needs_the_main_title_and_three_content_words():
    assert dropped_subtitle("Anxiety about data hacking", "Anxiety about data hacking: a study")
    assert not dropped_subtitle("Syndrome", "Syndrome: a review")
    assert not dropped_subtitle("Anxiety about data hacking", "Anxiety about data hacking in kids")


def _title_similarity(a: str, b: str, **kwargs) -> float | None:
    return title_similarity(a, b, fold(a), fold(b), **kwargs)


def test_title_similarity_counts_a_dropped_subtitle_as_0_9():
    short, long_ = "Anxiety about data hacking", "Anxiety about data hacking: Predictors"

    assert _title_similarity(short, long_, cutoff=0.85) == 0.9
    assert round(_title_similarity(short, "Anxiety about data hacking!"), 3) == 1.0
    assert _title_similarity("Deep nets", "Speech", cutoff=0.85) is None


@pytest.mark.parametrize(
    ("title", "abstract", "common", "score"),
    [
        (0.9, None, False, 0.9),
        (0.9, 0.7, False, 0.8),
        (1.0, 0.3, False, 0.0),  # same title, unrelated abstracts
        (None, 0.95, False, 0.95),  # abstract-only paper and its titled twin
        (0.4, 0.9, False, 0.65),  # renamed paper
        (0.8, None, False, 0.0),
        (1.0, None, True, 0.5),  # "editorial notes"
        (1.0, 0.9, True, 0.95),
    ],
)
def test_paper_pair_score_rules(title, abstract, common, score):
    assert paper_pair_score(title, abstract, common_title=common) == score


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        ("Ilya Sutskever", "Ilya Sutskever", SAME_NAME),
        ("Łukasz Kaiser", "Lukasz Kaiser", CASE_OR_ACCENTS),
        ("ILYA SUTSKEVER", "Ilya Sutskever", CASE_OR_ACCENTS),
        ("Sutskever, Ilya", "Ilya Sutskever", WORD_ORDER),
        ("I. Sutskever", "Ilya Sutskever", INITIALS),
        ("J. M. Garcia", "Jose Maria Garcia", INITIALS),
        ("Jose Garcia", "Jose M. Garcia", MIDDLE_NAME),
        ("Jeff Wu", "Jeffrey Wu", SHORT_GIVEN),
        ("Lei, Wang", "Wang, Lei", SWAPPED),
        ("J. Sutskever", "Ilya Sutskever", None),
        ("John A. Smith", "John B. Smith", None),
        ("Jo Wu", "Joe Wu", None),
        ("Ilya Sutskever", "Ilya Sutskevar", None),
    ],
)
def test_name_rule(a, b, rule):
    assert name_rule(NameForm.parse(a), NameForm.parse(b)) == rule
    assert name_rule(NameForm.parse(b), NameForm.parse(a)) == rule


def test_name_form_blocks_on_family_and_initial_both_ways_round():
    assert NameForm.parse("Van der Berg, Jan").blocking_keys() == {
        ("vanderberg", "j"),
        ("jan", "v"),
    }


def test_name_candidate_pairs_keep_the_strongest_rule_over_variants():
    forms = {
        1: {NameForm.parse("Ilya Sutskever")},
        2: {NameForm.parse("I. Sutskever"), NameForm.parse("Sutskever, Ilya")},
        3: {NameForm.parse("Jane Doe")},
    }

    assert {pair: rule for pair, (rule, _, _) in name_candidate_pairs(forms).items()} == {
        (1, 2): WORD_ORDER
    }


def test_name_candidate_pairs_drop_an_initial_matching_too_many_authors(monkeypatch):
    monkeypatch.setattr(finders.name_rules, "MAX_INITIAL_MATCHES", 2)
    forms = {n: {NameForm.parse(f"L{'eiaou'[n]}n Wang")} for n in range(3)}
    forms[9] = {NameForm.parse("L. Wang")}

    assert name_candidate_pairs(forms) == {}


def test_author_pair_score_adds_evidence_to_the_name():
    assert author_pair_score(SAME_NAME, 0, 0) == 0.4
    assert author_pair_score(INITIALS, 0, 0) == 0.32
    assert author_pair_score(SAME_NAME, 2, 1) == 0.779


def _paper(paper_id, text, vocabulary, *, coauthors=(), venues=("arXiv",), abstract=True):
    return PaperFeatures(
        paper_id,
        text_vector([text], vocabulary),
        frozenset(coauthors),
        frozenset(venues),
        has_abstract=abstract,
    )


def test_cluster_papers_keep_papers_of_one_topic_together_and_set_the_odd_one_apart():
    texts = [
        "reinforcement learning from human feedback for language model alignment",
        "human feedback reward model for language model summarization",
        "language model alignment with human preference and reward",
        "gaussian process inference of nonlinear partial differential equations",
    ]
    vocabulary = Vocabulary.from_texts(texts + ["robot arm", "speech audio"])
    papers = [_paper(i, t, vocabulary) for i, t in enumerate(texts, start=1)]

    groups = cluster_papers(papers)

    assert [[p.id for p in g] for g in groups] == [[1, 2, 3], [4]]


def test_cluster_papers_link_through_a_coauthor_whatever_the_words():
    vocabulary = Vocabulary.from_texts(["robot arm", "speech audio", "graph theory"])
    papers = [
        _paper(1, "robot arm", vocabulary, coauthors=[7]),
        _paper(2, "speech audio", vocabulary, coauthors=[7], venues=("AAAI",)),
        _paper(3, "graph theory", vocabulary, venues=("Nature",)),
    ]

    assert [[p.id for p in g] for g in cluster_papers(papers)] == [[1, 2], [3]]


def test_cluster_papers_of_one_paper_or_none():
    vocabulary = Vocabulary.from_texts(["robot arm"])

    assert cluster_papers([]) == []
    assert [[p.id for p in g] for g in cluster_papers([_paper(5, "robot", vocabulary)])] == [[5]]
