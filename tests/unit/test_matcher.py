"""The page-to-author matcher's pure parts: features, the model file, training."""

from __future__ import annotations

import json

import pytest

from curation.matcher.features import (
    FEATURES,
    CandidateFacts,
    PageFacts,
    evidence,
    evidence_words,
    features,
)
from curation.matcher.model import (
    ASSIGN,
    NEW_AUTHOR,
    REVIEW,
    SHIPPED_MODEL,
    Model,
    ModelFileError,
    calibrate,
)
from curation.matcher.training import (
    Example,
    assign_threshold,
    fit,
    read_examples,
    write_examples,
)

OWNER, COAUTHOR, STRANGER = 1, 2, 3


def _page() -> PageFacts:
    """Four known papers: the owner holds three (one alone), the co-author two; the
    fourth is the co-author's and a stranger's, whom the owner wrote with elsewhere."""
    return PageFacts(
        entries=5,
        authors_of={
            10: frozenset({OWNER}),
            11: frozenset({OWNER, COAUTHOR}),
            12: frozenset({OWNER}),
            13: frozenset({COAUTHOR, STRANGER}),
            14: frozenset(),
        },
        venues=frozenset({100, 101}),
    )


def _candidates() -> dict[int, CandidateFacts]:
    return {
        OWNER: CandidateFacts(
            profile_papers=20,
            links=frozenset({STRANGER}),
            text=0.4,
            close_papers=6,
            other_papers=17,
            venues=frozenset({100}),
        ),
        COAUTHOR: CandidateFacts(profile_papers=3, text=0.1, other_papers=1),
    }


def _values(author: int) -> dict[str, float]:
    return dict(zip(FEATURES, features(_page(), _candidates())[author], strict=True))


def test_features_compare_each_candidate_with_the_best_other():
    owner, coauthor = _values(OWNER), _values(COAUTHOR)

    assert (owner["cover_gap"], coauthor["cover_gap"]) == (0.25, -0.25)
    assert (owner["explained"], coauthor["explained"]) == (1.0, 0.5)
    assert (owner["text_gap"], coauthor["text_gap"]) == (0.3, -0.3)
    assert (owner["reach"], coauthor["reach"]) == (0.6667, 0.3333)
    assert (owner["reach_gap"], coauthor["reach_gap"]) == (0.3333, -0.3333)
    # 3 of the owner's 20 papers are on the page, 2 of the co-author's 3
    assert (owner["reach_gap_outside"], coauthor["reach_gap_outside"]) == (0.2833, -0.1111)


def test_features_weigh_rare_papers_and_read_the_venues_and_the_page():
    owner = _values(OWNER)

    assert owner["weighted_cover"] == round((1 + 0.6309 + 1) / (1 + 0.6309 * 2 + 1), 4)
    assert (owner["venue"], owner["close_share"], owner["known_share"]) == (0.5, 0.3529, 0.8)


def test_evidence_words_say_what_the_numbers_mean():
    found = evidence(_page(), OWNER, _candidates()[OWNER])

    assert evidence_words(found) == [
        "holds 3 of the page's 4 known papers; 2 of them on no other profile",
        "wrote other papers with the authors of 1 more of the page's papers",
        "abstracts and titles close to 6 of the author's 17 other papers",
        "1 of the page's 2 venues among the author's other papers",
        "profile of 20 papers",
    ]


def _model(**changes) -> dict:
    """A model file that weighs cover_gap only, calibrated as the logistic."""
    content = {
        "features": list(FEATURES),
        "mean": [0.0] * len(FEATURES),
        "scale": [1.0] * len(FEATURES),
        "weights": [8.0 if f == "cover_gap" else 0.0 for f in FEATURES],
        "intercept": -1.0,
        "calibration": {"x": [], "y": []},
        "assign_threshold": 0.6,
        "new_author_threshold": 0.5,
    }
    return {**content, **changes}


def test_model_judges_a_clear_owner_assign():
    judgement = Model.from_dict(_model()).judge(features(_page(), _candidates()))

    assert list(judgement.probabilities) == [OWNER, COAUTHOR]
    assert judgement.recommendation == ASSIGN
    assert judgement.new_author_probability == round(1 - sum(judgement.probabilities.values()), 4)


def test_model_judges_a_page_without_candidates_new_author():
    judgement = Model.from_dict(_model()).judge({})

    assert (judgement.probabilities, judgement.new_author_probability) == ({}, 1.0)
    assert judgement.recommendation == NEW_AUTHOR


def test_model_judges_an_unsure_page_review():
    model = Model.from_dict(_model(assign_threshold=0.99, new_author_threshold=0.9))

    assert model.judge(features(_page(), _candidates())).recommendation == REVIEW


def test_model_scales_probabilities_that_add_up_past_one():
    model = Model.from_dict(_model(calibration={"x": [-10.0, 10.0], "y": [0.9, 0.9]}))

    judgement = model.judge(features(_page(), _candidates()))

    assert judgement.probabilities == {OWNER: 0.5, COAUTHOR: 0.5}
    assert judgement.new_author_probability == 0.0


def test_model_file_for_other_features_is_refused_by_name():
    with pytest.raises(ModelFileError, match="run manage.py train_matcher"):
        Model.from_dict(_model(features=["cover"]), source="old.json")


def test_model_file_that_is_not_json_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")

    with pytest.raises(ModelFileError, match="broken.json: cannot read"):
        Model.load(path)


def test_shipped_model_loads_and_is_calibrated():
    model = Model.load(SHIPPED_MODEL)

    assert model.features == FEATURES
    assert list(model.calibration_y) == sorted(model.calibration_y)
    assert 0.5 < model.assign_threshold <= 1.0


def test_calibrate_interpolates_and_clips():
    xs, ys = (0.0, 1.0, 3.0), (0.1, 0.5, 0.9)

    assert [round(calibrate(s, xs, ys), 6) for s in (-5.0, 0.5, 2.0, 9.0)] == [0.1, 0.3, 0.7, 0.9]
    assert calibrate(0.0, (), ()) == 0.5


def _examples(pages: int = 60) -> list[Example]:
    """Pages of three candidates each: the owner has the largest cover gap, except on
    every fifth page, whose owner has no profile (no positive)."""
    examples = []
    for page in range(pages):
        no_owner = page % 5 == 0
        for rank in range(3):
            gap = round([0.3, -0.3, -0.5][rank] + (page % 7) / 100, 2)
            values = tuple(gap if f == "cover_gap" else 0.1 * rank for f in FEATURES)
            label = int(rank == 0 and not no_owner)
            if no_owner:
                values = tuple(-0.4 if f == "cover_gap" else 0.0 for f in FEATURES)
            examples.append(Example(f"person{page}", f"page{page}", f"a{rank}", label, values))
    return examples


def test_examples_round_trip_through_their_file(tmp_path):
    path = tmp_path / "examples.csv.gz"
    examples = [*_examples(3), Example("Wu, Jeff", "p", "a", 1, (0.5,) * len(FEATURES))]

    write_examples(path, examples)

    assert read_examples(path) == examples


def test_examples_file_is_the_same_bytes_each_time(tmp_path):
    first, second = tmp_path / "1.csv.gz", tmp_path / "2.csv.gz"

    write_examples(first, _examples(5))
    write_examples(second, _examples(5))

    assert first.read_bytes() == second.read_bytes()


def test_examples_file_without_a_feature_column_is_refused(tmp_path):
    path = tmp_path / "examples.csv"
    path.write_text("group,page,author,label,cover_gap\n", encoding="utf-8")

    with pytest.raises(ValueError, match="no column 'close_share'"):
        read_examples(path)


def test_fit_learns_the_owner_and_is_deterministic():
    first, second = fit(_examples()), fit(_examples())

    model = Model.from_dict(first)

    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert model.weights[FEATURES.index("cover_gap")] > 0
    assert (
        list(model.judge({1: _examples()[3].values, 2: _examples()[4].values}).probabilities)[0]
        == 1
    )


def test_fit_refuses_examples_of_one_label():
    examples = [e for e in _examples() if e.label == 0]

    with pytest.raises(ValueError, match="both authors and non-authors"):
        fit(examples)


def test_assign_threshold_is_the_lowest_probability_kept_precise():
    right = {f"r{i}": (0.9 - i / 1000, 1, True, 0.0) for i in range(40)}
    wrong = {"w": (0.5, 0, True, 0.0)}

    assert assign_threshold({**right, **wrong}, precision=0.97) == 0.5  # 40 of 41 right
    assert assign_threshold({**right, **wrong}, precision=0.98) == 0.861


def test_mixed_features_of_one_group_and_of_a_split():
    from curation.matcher.mixed import mixed_features

    assert mixed_features([9], 1.0, 1.0) == (0.0, 0.0, 0.0, 1.0, 1.0)
    assert mixed_features([6, 3, 1], 0.05, 0.25) == (0.4, 0.3, 1.0986, 0.05, 0.25)


def test_mixed_model_file_for_other_features_is_refused():
    from curation.matcher.mixed import MixedModel

    with pytest.raises(ModelFileError, match="made for other features"):
        MixedModel.from_dict(
            {
                "features": ["size"],
                "mean": [0],
                "scale": [1],
                "weights": [1],
                "intercept": 0,
                "calibration": {"x": [], "y": []},
                "flag_threshold": 0.5,
            }
        )


def test_shipped_model_holds_a_mixed_profile_part():
    from curation.matcher.mixed import MIXED_FEATURES, MixedModel

    mixed = MixedModel.from_dict(Model.load(SHIPPED_MODEL).mixed)

    assert mixed.features == MIXED_FEATURES
    assert mixed.probability((0.0, 0.0, 0.0, 1.0, 1.0)) < mixed.flag_threshold
