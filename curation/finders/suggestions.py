"""Which author an anonymous page may belong to, as the learned matcher judges it:
``page_judgement`` (and ``page_suggestions``, its candidates) for one page,
``pages_to_assign`` for the queue of unassigned anonymous pages.

The facts come from :mod:`.page_facts` (one query per kind of data for all the
pages at once); :mod:`curation.matcher` turns them into features and judges each
page with the model in use: a calibrated probability per candidate, the
probability that the page belongs to nobody in the catalogue yet, and one
recommendation (``assign``, ``new_author`` or ``review``). Each candidate comes
with its evidence, as counts and in a curator's words. Reads only, never writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from catalog.models import Author, SourcePage
from catalog.selectors import page_list

from ..matcher.features import Evidence, evidence, evidence_words, features
from ..matcher.model import ASSIGN, NEW_AUTHOR, REVIEW
from ..matcher.store import current_model
from .common import author_order, authors_by_id
from .page_facts import GatheredPage, gather
from .text import rarity_weight

# The dashboard's groups, in order: confident first, then to review, then new people.
RECOMMENDATIONS = (ASSIGN, REVIEW, NEW_AUTHOR)


@dataclass(frozen=True)
class SharedPaper:
    """A paper on the page that the candidate's profile also lists."""

    paper_id: int
    label: str
    profiles: int  # live authors listing it (this page's own claims left out)
    weight: float  # rarity_weight(profiles)


@dataclass(frozen=True)
class Suggestion:
    """An author the page may belong to: the calibrated ``probability`` that the
    page is theirs (among pages given 0.9, about 9 in 10 are), and the evidence."""

    author: Author
    probability: float
    evidence: Evidence
    shared_papers: tuple[SharedPaper, ...]
    common_coauthors: tuple[Author, ...]  # page authors the candidate wrote other papers with
    shared_words: tuple[str, ...]

    @property
    def reasons(self) -> list[str]:
        """The evidence in a curator's words, strongest first."""
        return evidence_words(self.evidence)


@dataclass(frozen=True)
class PageToAssign:
    """A page, its candidates (best first) and what the matcher recommends.

    ``recommendation``: ``assign`` (the first candidate's probability is above the
    threshold chosen for 98% precision on held-out pages), ``new_author`` (nobody
    plausible) or ``review``; ``new_author_probability``: what the candidates
    leave of 1.
    """

    page: SourcePage
    entry_count: int
    suggestions: tuple[Suggestion, ...]
    recommendation: str = REVIEW
    new_author_probability: float = 1.0

    @property
    def top(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None


def page_order(item: PageToAssign) -> tuple:
    """The queue's order: by recommendation (RECOMMENDATIONS), the most probable
    first within one, then by source."""
    top = item.top.probability if item.top else 0.0
    return (RECOMMENDATIONS.index(item.recommendation), -top, item.page.source)


def page_judgement(page: SourcePage, *, limit: int = 5) -> PageToAssign:
    """The matcher's judgement of one page: its ``limit`` most probable candidates.

    Meant for an unassigned anonymous page, correct for any page: authorships
    that only this page claims are not evidence for it; authors a curator said it
    is not (``RejectedSuggestion``) are never offered. At most 10 queries.
    """
    return _judge([page], limit=limit)[page.pk]


def page_judgements(pages: Sequence[SourcePage], *, limit: int = 5) -> list[PageToAssign]:
    """Several pages judged together (the queries of :func:`page_judgement`, once),
    in the queue's order; each exactly as :func:`page_judgement` judges it alone."""
    return sorted(_judge(pages, limit=limit).values(), key=page_order) if pages else []


def page_suggestions(page: SourcePage, *, limit: int = 5) -> list[Suggestion]:
    """Authors the page may belong to, most probable first (at most ``limit``)."""
    return list(page_judgement(page, limit=limit).suggestions)


def pages_to_assign(
    *, limit: int = 50, suggestions: int = 3, reuse: Mapping[int, PageToAssign] | None = None
) -> list[PageToAssign]:
    """The first ``limit`` unassigned anonymous pages (by source name), judged, in
    the queue's order (:func:`page_order`).

    Every page is worked out together: 11 queries for any number of pages (one
    for the pages, then those of :func:`page_judgement`, once), 1 when none
    waits; one more per 5,000 ids a query would list. Each page gets exactly the
    judgement :func:`page_judgement` gives it alone. ``reuse``: results computed
    before for pages nothing has changed since (page id -> result); those pages
    keep them and are not worked out again.
    """
    reuse = reuse or {}
    pages = list(
        page_list()
        .filter(kind=SourcePage.Kind.ANONYMOUS, author__isnull=True)
        .defer("raw_text")
        .order_by("source")[:limit]
    )
    fresh = [page for page in pages if page.pk not in reuse]
    found = _judge(fresh, limit=suggestions) if fresh else {}
    return sorted((reuse.get(page.pk) or found[page.pk] for page in pages), key=page_order)


def _judge(pages: Sequence[SourcePage], *, limit: int) -> dict[int, PageToAssign]:
    """Several pages judged together: the facts (9 queries), then the authors shown (1)."""
    gathered = gather(pages)
    model = current_model()
    judged = {}
    for page in pages:
        found = gathered[page.pk]
        facts = {a: c.facts for a, c in found.candidates.items()}
        judgement = model.judge(features(found.facts, facts))
        judged[page.pk] = (judgement, list(judgement.probabilities)[:limit])
    shown = {
        a
        for page_id, (_, top) in judged.items()
        for author_id in top
        for a in (author_id, *gathered[page_id].candidates[author_id].common_coauthors)
    }
    authors = authors_by_id(shown)
    result = {}
    for page in pages:
        judgement, top = judged[page.pk]
        result[page.pk] = PageToAssign(
            page=page,
            entry_count=gathered[page.pk].facts.entries,
            suggestions=tuple(
                _suggestion(gathered[page.pk], a, judgement.probabilities[a], authors)
                for a in top
                if a in authors  # not deleted meanwhile (an undone split)
            ),
            recommendation=judgement.recommendation,
            new_author_probability=judgement.new_author_probability,
        )
    return result


def _suggestion(
    page: GatheredPage, author_id: int, probability: float, authors: dict[int, Author]
) -> Suggestion:
    candidate = page.candidates[author_id]
    authors_of = page.facts.authors_of
    shared = []
    for paper_id, label in sorted(page.labels.items(), key=lambda item: item[1]):
        held_by = authors_of.get(paper_id, frozenset())
        if author_id in held_by:
            weight = round(rarity_weight(len(held_by)), 3)
            shared.append(SharedPaper(paper_id, label, len(held_by), weight))
    return Suggestion(
        author=authors[author_id],
        probability=probability,
        evidence=evidence(page.facts, author_id, candidate.facts),
        shared_papers=tuple(shared),
        common_coauthors=tuple(
            sorted(
                (authors[a] for a in candidate.common_coauthors if a in authors), key=author_order
            )
        ),
        shared_words=candidate.shared_words,
    )
