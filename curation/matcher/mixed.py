"""Whether a profile holds more than one person: features of its clustering and a
calibrated model (``mixed_model.json``, written by ``manage.py train_matcher``).

A profile's papers are grouped by :func:`curation.finders.clustering.cluster_papers`
(co-authors, words, venues). One person's papers seldom all link up (papers
without a co-author in common, short titles): most single-person profiles leave
a few papers outside the main group. What marks two people is how much lies
outside it, in groups of their own size, unlike the main group in words and
venues. (Not its size: merging two people makes a profile larger, but a small
profile can mix two as well as a large one.) The model weighs these facts
(learned on synthetic homonym profiles, calibrated on folds by name), so that a
profile would be flagged for its probability, not for falling into two groups.
Not used by the queue yet: tests/benchmarks/bench_finders.py measures it.

Pure: plain values, no Django, no scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import (
    ModelFileError,
    calibrate,
    linear_score,
    read_model_file,
    regression_fields,
)

SHIPPED_MIXED_MODEL = Path(__file__).with_name("mixed_model.json")

MIXED_FEATURES = (
    "outside_share",  # share of the papers outside the main group
    "second_share",  # share of the papers in the second group
    "groups",  # log(number of groups)
    "similarity",  # highest centroid cosine of another group with the main one
    "venue_overlap",  # share of the other groups' venues the main group also uses
)


def mixed_features(
    sizes: Sequence[int], similarity: float, venue_overlap: float
) -> tuple[float, ...]:
    """The features of a clustering: group sizes (main first), the highest
    similarity of another group with the main one, the venue overlap."""
    papers = sum(sizes)
    if papers == 0 or len(sizes) < 2:
        return (0.0, 0.0, 0.0, 1.0, 1.0)
    return tuple(
        round(v, 4)
        for v in (
            (papers - sizes[0]) / papers,
            sizes[1] / papers,
            math.log(len(sizes)),
            similarity,
            venue_overlap,
        )
    )


@dataclass(frozen=True)
class MixedModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    calibration_x: tuple[float, ...]
    calibration_y: tuple[float, ...]
    flag_threshold: float

    @classmethod
    def from_dict(cls, data: Mapping, *, source: str = "mixed model") -> MixedModel:
        try:
            model = cls(**regression_fields(data), flag_threshold=float(data["flag_threshold"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"{source}: not a mixed-profile model ({error!r})") from error
        if model.features != MIXED_FEATURES:
            raise ModelFileError(f"{source}: made for other features; run manage.py train_matcher")
        return model

    @classmethod
    def load(cls, path: Path) -> MixedModel:
        return cls.from_dict(read_model_file(path), source=str(path))

    def probability(self, values: tuple[float, ...]) -> float:
        """The calibrated probability that the profile holds more than one person."""
        score = linear_score(self, values)
        return round(calibrate(score, self.calibration_x, self.calibration_y), 4)
