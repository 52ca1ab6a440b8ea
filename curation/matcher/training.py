"""Fitting the page-to-author model from labelled examples (scikit-learn).

An example is one (page, candidate) pair: its feature values (in the order of
:data:`.features.FEATURES`), whether the candidate is the page's author, the
page, and the group the page's owner belongs to (a person, or a name: homonyms
stay together). Every candidate of a page is an example; a page whose author
has no profile has only negative examples, which teaches the new-author outcome.

:func:`fit` standardises the features, fits a logistic regression, and
calibrates its output with isotonic regression on out-of-fold scores
(``GroupKFold`` by owner group: no person is in both the fold fitted and the
fold scored); the assign threshold is the lowest probability at which the
out-of-fold ``assign`` recommendations are right at least ASSIGN_PRECISION of
the time. :func:`evaluate` gives the figures a curator cares about. Only
``manage.py train_matcher`` and the benchmarks import this module.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .features import FEATURES
from .model import ASSIGN, NEW_AUTHOR, Model, calibrate, share_out

SHIPPED_EXAMPLES = Path(__file__).with_name("examples.csv.gz")
SHIPPED_MIXED_EXAMPLES = Path(__file__).with_name("mixed_examples.csv.gz")
MAX_FALSE_ALARMS = 0.03  # of single-person profiles flagged, out of fold
ASSIGN_PRECISION = 0.98
NEW_AUTHOR_THRESHOLD = 0.5
FOLDS = 5
REGULARISATION = 1.0  # scikit-learn's C


@dataclass(frozen=True)
class Example:
    group: str  # the page owner's person or name: never split across folds
    page: str
    author: str
    label: int  # 1: the candidate is the page's author
    values: tuple[float, ...]


def read_examples(path: Path, *, features: Sequence[str] = FEATURES) -> list[Example]:
    """Examples from a CSV file (gzip when the name ends in .gz): columns group,
    page, author, label, then one per feature, named as in ``features``."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(features) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: no column {sorted(missing)[0]!r}")
        return [
            Example(
                row["group"],
                row["page"],
                row["author"],
                int(row["label"]),
                tuple(float(row[name]) for name in features),
            )
            for row in reader
        ]


def write_examples(
    path: Path, examples: Iterable[Example], *, features: Sequence[str] = FEATURES
) -> int:
    """Write examples as :func:`read_examples` reads them (deterministic bytes: the
    gzip header carries no time and no file name); returns how many."""
    count = 0
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("group", "page", "author", "label", *features))
    for e in examples:
        writer.writerow((e.group, e.page, e.author, e.label, *(f"{v:.4g}" for v in e.values)))
        count += 1
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as zipped,
    ):
        zipped.write(text.getvalue().encode())
    return count


def _arrays(examples: Sequence[Example]):
    import numpy as np

    x = np.array([e.values for e in examples], dtype=float)
    y = np.array([e.label for e in examples], dtype=int)
    return x, y


def _logistic(seed: int):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(), LogisticRegression(C=REGULARISATION, max_iter=2000, random_state=seed)
    )


def out_of_fold_scores(examples: Sequence[Example], *, seed: int = 0) -> list[float]:
    """Each example's log-odds from a regression fitted without its owner's group."""
    from sklearn.model_selection import GroupKFold

    x, y = _arrays(examples)
    groups = [e.group for e in examples]
    scores = [0.0] * len(examples)
    folds = min(FOLDS, len(set(groups)))
    for fitted, scored in GroupKFold(n_splits=folds).split(x, y, groups):
        pipeline = _logistic(seed).fit(x[fitted], y[fitted])
        for index, value in zip(scored, pipeline.decision_function(x[scored]), strict=True):
            scores[index] = float(value)
    return scores


def _calibrated_regression(
    examples: Sequence[Example], features: Sequence[str], *, seed: int
) -> tuple[dict, list[float]]:
    """The regression part of a model file (features, standardisation, weights,
    isotonic calibration of out-of-fold scores) and those out-of-fold scores."""
    from sklearn.isotonic import IsotonicRegression

    x, y = _arrays(examples)
    oof = out_of_fold_scores(examples, seed=seed)
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof, y)
    pipeline = _logistic(seed).fit(x, y)
    scaler, regression = pipeline[0], pipeline[1]
    content = {
        "features": list(features),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "weights": [round(float(v), 6) for v in regression.coef_[0]],
        "intercept": round(float(regression.intercept_[0]), 6),
        "calibration": {
            "x": [round(float(v), 6) for v in isotonic.X_thresholds_],
            "y": [round(float(v), 6) for v in isotonic.y_thresholds_],
        },
    }
    return content, oof


def fit(examples: Sequence[Example], *, seed: int = 0, about: dict | None = None) -> dict:
    """A model file's content (see :class:`.model.Model`) learned from ``examples``."""
    if len({e.label for e in examples}) < 2:
        raise ValueError("the examples need both authors and non-authors")
    regression, oof = _calibrated_regression(examples, FEATURES, seed=seed)
    content = {
        **regression,
        "assign_threshold": 1.0,
        "new_author_threshold": NEW_AUTHOR_THRESHOLD,
        "about": dict(about or {}),
    }
    # The assign threshold, from out-of-fold judgements of whole pages.
    xs, ys = tuple(content["calibration"]["x"]), tuple(content["calibration"]["y"])
    judged = _judge_pages(examples, [calibrate(score, xs, ys) for score in oof])
    content["assign_threshold"] = assign_threshold(judged)
    return content


def _judge_pages(examples: Sequence[Example], probabilities: Sequence[float]):
    """Page -> (top probability, top is right, owner among candidates, new-author prob)."""
    pages: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for example, p in zip(examples, probabilities, strict=True):
        pages[example.page].append((p, example.label))
    judged = {}
    for page, rows in pages.items():
        probabilities, new_author = share_out(dict(enumerate(p for p, _ in rows)))
        first, top = next(iter(probabilities.items()))
        judged[page] = (top, rows[first][1], any(label for _, label in rows), new_author)
    return judged


def assign_threshold(judged: dict, *, precision: float = ASSIGN_PRECISION) -> float:
    """The lowest top probability above which the first candidate is right at
    least ``precision`` of the time (1.0 when no threshold reaches it)."""
    ranked = sorted(((top, right) for top, right, _, _ in judged.values()), reverse=True)
    best, right_so_far = 1.0, 0
    for count, (top, right) in enumerate(ranked, start=1):
        right_so_far += right
        if right_so_far / count >= precision and count >= 20:
            best = top
    return round(min(1.0, best), 4)


def evaluate(model: Model, pages: dict[str, dict[str, tuple[int, tuple[float, ...]]]]) -> dict:
    """Figures of a model on labelled pages (page -> author -> (label, values)):
    top-1 and top-3 among pages whose author is a candidate, recommendations of
    pages whose author has none, calibration (expected calibration error of the
    first candidate's probability, 10 bins)."""
    outcomes = []
    for candidates in pages.values():
        judgement = model.judge({a: values for a, (_, values) in candidates.items()})
        ranked = list(judgement.probabilities)
        owner = next((a for a, (label, _) in candidates.items() if label), None)
        top = judgement.probabilities[ranked[0]] if ranked else 0.0
        outcomes.append((owner, ranked, top, judgement.recommendation))
    return summarise(outcomes)


def summarise(outcomes: Sequence[tuple]) -> dict:
    """(owner or None, ranked candidates, top probability, recommendation) per page."""
    with_owner = [o for o in outcomes if o[0] is not None]
    without = [o for o in outcomes if o[0] is None]
    top1 = sum(r[:1] == [owner] for owner, r, _, _ in with_owner)
    top3 = sum(owner in r[:3] for owner, r, _, _ in with_owner)
    assigned = [o for o in outcomes if o[3] == ASSIGN]
    wrong = sum(r[:1] != [owner] for owner, r, _, _ in assigned)
    ece, reliability = calibration_error(
        [(top, int(r[0] == owner)) for owner, r, top, _ in outcomes if r]
    )
    return {
        "pages": len(outcomes),
        "with_owner": len(with_owner),
        "top1": top1 / len(with_owner) if with_owner else math.nan,
        "top3": top3 / len(with_owner) if with_owner else math.nan,
        "without_owner": len(without),
        "new_or_review": (
            sum(o[3] != ASSIGN for o in without) / len(without) if without else math.nan
        ),
        "new_author": sum(o[3] == NEW_AUTHOR for o in without) / len(without)
        if without
        else math.nan,
        "assigned": len(assigned),
        "wrong_assign_share": wrong / len(outcomes) if outcomes else math.nan,
        "assign_precision": (len(assigned) - wrong) / len(assigned) if assigned else math.nan,
        "ece": ece,
        "reliability": reliability,
    }


def calibration_error(pairs: Sequence[tuple[float, int]]) -> tuple[float, list]:
    """(probability, outcome 0/1) pairs -> the expected calibration error over 10
    equal-width bins (nan for no pair), and per bin (mean probability, share right,
    count) or None for an empty bin."""
    bins: list[list[tuple[float, int]]] = [[] for _ in range(10)]
    for p, y in pairs:
        bins[min(9, int(p * 10))].append((p, y))
    reliability = [
        (sum(p for p, _ in b) / len(b), sum(y for _, y in b) / len(b), len(b)) if b else None
        for b in bins
    ]
    if not pairs:
        return math.nan, reliability
    ece = sum(count / len(pairs) * abs(p - y) for p, y, count in filter(None, reliability))
    return ece, reliability


def cross_validate(examples: Sequence[Example], *, seed: int = 0) -> dict:
    """Figures of :func:`fit` on pages it did not see: each fold's owners judged by a
    model fitted (and calibrated, and thresholded) on the other folds only."""
    from sklearn.model_selection import GroupKFold

    groups = [e.group for e in examples]
    outcomes = []
    folds = min(FOLDS, len(set(groups)))
    for fitted, judged in GroupKFold(n_splits=folds).split(examples, groups=groups):
        model = Model.from_dict(fit([examples[i] for i in fitted], seed=seed))
        pages: dict[str, dict[str, tuple[int, tuple[float, ...]]]] = defaultdict(dict)
        for i in judged:
            pages[examples[i].page][examples[i].author] = (examples[i].label, examples[i].values)
        outcomes.append(evaluate(model, pages))
    total = sum(o["pages"] for o in outcomes)

    def mean(key: str, weight: str = "pages") -> float:
        weights = [(o[key], o[weight]) for o in outcomes if o[weight] and not math.isnan(o[key])]
        size = sum(w for _, w in weights)
        return sum(v * w for v, w in weights) / size if size else math.nan

    return {
        "pages": total,
        "top1": mean("top1", "with_owner"),
        "top3": mean("top3", "with_owner"),
        "new_or_review": mean("new_or_review", "without_owner"),
        "assign_precision": mean("assign_precision", "assigned"),
        "assigned": sum(o["assigned"] for o in outcomes) / total if total else math.nan,
        "wrong_assign_share": mean("wrong_assign_share"),
        "ece": mean("ece"),
    }


def fit_mixed(examples: Sequence[Example], *, seed: int = 0) -> dict:
    """A mixed-profile model file's content (see :class:`.mixed.MixedModel`): a
    logistic regression over the profile features, isotonic calibration on
    out-of-fold scores (folds by name), and the flag threshold: the lowest
    probability at which at most MAX_FALSE_ALARMS of the single-person profiles
    (out of fold) would be flagged, and never below 0.5."""
    from .mixed import MIXED_FEATURES

    if len({e.label for e in examples}) < 2:
        raise ValueError("the examples need both mixed and single-person profiles")
    regression, oof = _calibrated_regression(examples, MIXED_FEATURES, seed=seed)
    xs, ys = regression["calibration"]["x"], regression["calibration"]["y"]
    singles = sorted(
        (
            calibrate(score, tuple(xs), tuple(ys))
            for score, e in zip(oof, examples, strict=True)
            if not e.label
        ),
        reverse=True,
    )
    allowed = int(len(singles) * MAX_FALSE_ALARMS)
    threshold = max(0.5, singles[allowed] + 1e-4 if allowed < len(singles) else 0.5)
    return {**regression, "flag_threshold": round(min(1.0, threshold), 4)}


def cross_validate_mixed(examples: Sequence[Example], *, seed: int = 0) -> dict:
    """Figures of :func:`fit_mixed` on names it did not see (folds by name): the
    share of mixed profiles flagged, of single-person ones flagged, and the
    expected calibration error (10 bins)."""
    from sklearn.model_selection import GroupKFold

    from .mixed import MixedModel

    groups = [e.group for e in examples]
    judged: list[tuple[float, bool, int]] = []
    for fitted, scored in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(
        examples, groups=groups
    ):
        model = MixedModel.from_dict(fit_mixed([examples[i] for i in fitted], seed=seed))
        for i in scored:
            p = model.probability(examples[i].values)
            judged.append((p, p >= model.flag_threshold, examples[i].label))
    mixed = [j for j in judged if j[2]]
    single = [j for j in judged if not j[2]]
    ece, _ = calibration_error([(p, y) for p, _, y in judged])
    return {
        "profiles": len(judged),
        "mixed": len(mixed),
        "recall": sum(f for _, f, _ in mixed) / len(mixed) if mixed else math.nan,
        "false_alarms": sum(f for _, f, _ in single) / len(single) if single else math.nan,
        "ece": ece,
    }
