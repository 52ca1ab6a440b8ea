"""The trained page-to-author model: weights in, calibrated probabilities and a
recommendation out.

A model file (JSON, written by ``manage.py train_matcher``; the shipped one is
``curation/matcher/model.json``) holds a logistic regression over the features
of :mod:`.features` (with the mean and scale that standardise them) and an
isotonic calibration of its output, learned on pages held out from the fit.
For one page:

- each candidate gets the calibrated probability that the page is theirs;
- when those add up to more than 1 they are scaled down to 1; what is left is
  the probability that the page belongs to nobody in the catalogue yet (a new
  author);
- the recommendation is ``assign`` when the first candidate's probability
  reaches ``assign_threshold`` (chosen on held-out pages for 98% precision),
  ``new_author`` when the new-author probability reaches
  ``new_author_threshold`` (or there is no candidate at all), ``review``
  otherwise.

Pure: no Django, no scikit-learn (inference is a dot product and a
piecewise-linear lookup), so every web process can load it cheaply.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .features import FEATURES

SHIPPED_MODEL = Path(__file__).with_name("model.json")
ASSIGN, NEW_AUTHOR, REVIEW = "assign", "new_author", "review"
RECOMMENDATIONS = (ASSIGN, NEW_AUTHOR, REVIEW)


class ModelFileError(ValueError):
    """A model file that cannot be used (names the file and what is wrong)."""


@dataclass(frozen=True)
class Judgement:
    """The model's answer for one page: candidates' probabilities (author id ->
    probability, highest first), the new-author probability, the recommendation."""

    probabilities: dict[int, float]
    new_author_probability: float
    recommendation: str


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    calibration_x: tuple[float, ...]
    calibration_y: tuple[float, ...]
    assign_threshold: float
    new_author_threshold: float
    about: dict = field(default_factory=dict, compare=False)
    mixed: dict | None = field(default=None, compare=False)  # the mixed-profile part

    @classmethod
    def from_dict(cls, data: Mapping, *, source: str = "model") -> Model:
        try:
            model = cls(
                **regression_fields(data),
                assign_threshold=float(data["assign_threshold"]),
                new_author_threshold=float(data["new_author_threshold"]),
                about=dict(data.get("about", {})),
                mixed=data.get("mixed"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"{source}: not a matcher model ({error!r})") from error
        if model.features != FEATURES:
            raise ModelFileError(
                f"{source}: made for features {list(model.features)}, this version computes "
                f"{list(FEATURES)}; run manage.py train_matcher"
            )
        sizes = {len(model.mean), len(model.scale), len(model.weights)}
        if sizes != {len(FEATURES)} or len(model.calibration_x) != len(model.calibration_y):
            raise ModelFileError(f"{source}: arrays of the wrong length")
        return model

    @classmethod
    def load(cls, path: Path) -> Model:
        return cls.from_dict(read_model_file(path), source=str(path))

    def score(self, values: tuple[float, ...]) -> float:
        """The regression's log-odds, before calibration."""
        return linear_score(self, values)

    def probability(self, values: tuple[float, ...]) -> float:
        """The calibrated probability that the page belongs to this candidate."""
        return calibrate(self.score(values), self.calibration_x, self.calibration_y)

    def judge(self, rows: Mapping[int, tuple[float, ...]]) -> Judgement:
        """The page's candidates (author id -> feature values) judged together."""
        probabilities, new_author = share_out(
            {author: self.probability(values) for author, values in rows.items()}
        )
        top = next(iter(probabilities.values()), 0.0)
        if top >= self.assign_threshold:
            recommendation = ASSIGN
        elif not probabilities or new_author >= self.new_author_threshold:
            recommendation = NEW_AUTHOR
        else:
            recommendation = REVIEW
        return Judgement(
            {a: round(p, 4) for a, p in probabilities.items()}, round(new_author, 4), recommendation
        )


def share_out(raw: Mapping) -> tuple[dict, float]:
    """A page's candidates' probabilities, highest first (ties by key), scaled down
    when they add up to more than 1; and what they leave of 1: the new-author
    probability."""
    total = sum(raw.values())
    if total > 1.0:
        raw = {key: p / total for key, p in raw.items()}
    probabilities = dict(sorted(raw.items(), key=lambda item: (-item[1], item[0])))
    return probabilities, max(0.0, 1.0 - sum(probabilities.values()))


def regression_fields(data: Mapping) -> dict:
    """The fields every model file part has (a standardised logistic regression and
    its isotonic calibration), as the model classes take them; KeyError, TypeError
    or ValueError when one is missing or malformed."""
    return {
        "features": tuple(data["features"]),
        "mean": tuple(map(float, data["mean"])),
        "scale": tuple(map(float, data["scale"])),
        "weights": tuple(map(float, data["weights"])),
        "intercept": float(data["intercept"]),
        "calibration_x": tuple(map(float, data["calibration"]["x"])),
        "calibration_y": tuple(map(float, data["calibration"]["y"])),
    }


def read_model_file(path: Path) -> dict:
    """A model file's JSON; ModelFileError naming the file when it cannot be read."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelFileError(f"{path}: cannot read ({error})") from error


def linear_score(model, values: tuple[float, ...]) -> float:
    """The log-odds of a logistic regression over standardised features: ``model``
    has ``intercept``, ``weights``, ``mean`` and ``scale``."""
    return model.intercept + sum(
        w * (x - m) / s
        for w, x, m, s in zip(model.weights, values, model.mean, model.scale, strict=True)
    )


def calibrate(score: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    """Piecewise-linear lookup of a log-odds score in the isotonic calibration
    (clipped at both ends, as scikit-learn's ``IsotonicRegression(out_of_bounds="clip")``);
    the logistic function when the model has no calibration."""
    if not xs:
        return 1.0 / (1.0 + math.exp(-score))
    if score <= xs[0]:
        return ys[0]
    if score >= xs[-1]:
        return ys[-1]
    right = bisect.bisect_right(xs, score)
    x0, x1, y0, y1 = xs[right - 1], xs[right], ys[right - 1], ys[right]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (score - x0) / (x1 - x0)
