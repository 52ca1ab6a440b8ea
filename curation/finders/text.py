"""Pure text similarity: words, TF-IDF vectors, cosines, title and abstract likeness.

Holds the word rules (folding, a light plural stemmer, stop words), the
``Vocabulary`` of document frequencies, unit-length TF-IDF vectors and their
cosine, the words two vectors share or a vector is heaviest in, the rarity
weight of a shared paper, and the similarity of two texts or two titles
(a dropped subtitle counts as nearly the same title).

Everything here takes plain values and is unit-tested on its own: no Django, no
``catalog.models``, no queries. The catalogue's word weights
(``catalogue_vocabulary``) are read in :mod:`curation.finders.common`.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from catalog.normalize import fold

# Function words and the boilerplate of abstracts: they tell no two topics apart.
_STOP_WORDS = """
    a about above across after again against all almost along also although among an and
    another any are around as at be because been before being below between both but by can
    cannot could did do does doing done down due during each either et etc even ever every
    few for from further had has have having here how however i if in into is it its itself
    just least less many may might more most much must near neither no nor not of off often
    on once one only onto or other others otherwise our ours out over own per rather same
    several shall should since so some such than that the their theirs them themselves then
    there thereby therefore these they this those though three through thus to together too
    two under until up upon us use used uses using very via was we well were what when where
    whether which while who whom whose why will with within without would yet you your
    abstract approach approaches paper papers present presents propose proposed proposes
    result results show shows shown study studies new novel method methods work
    pre non multi
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
MIN_WORD_LENGTH = 3


def stem(word: str) -> str:
    """A light plural stemmer: 'networks' -> 'network', 'studies' -> 'study',
    'processes' -> 'process'.

    Enough to let a singular and a plural meet; 'process' and 'analysis' stay whole.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _content_word(word: str) -> str:
    """The stem of a folded word, or "" for a stop word, a number or a short word."""
    if len(word) < MIN_WORD_LENGTH or word.isdigit() or word in STOP_WORDS:
        return ""
    return stem(word)


def words(text: str) -> list[str]:
    """The content words of a text: folded, stemmed, without stop words and numbers."""
    return [w for w in map(_content_word, fold(text).split()) if w]


@dataclass(frozen=True)
class Vocabulary:
    """Document frequencies of words in a sample of ``documents`` papers."""

    documents: int
    frequencies: dict[str, int] = field(default_factory=dict, hash=False)
    _idf: dict[str, float] = field(default_factory=dict, hash=False, compare=False, repr=False)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        frequencies: Counter[str] = Counter()
        documents = 0
        for text in texts:
            frequencies.update(set(words(text)))
            documents += 1
        return cls(documents, dict(frequencies))

    def idf(self, word: str) -> float:
        """log((N + 1) / (df + 0.5)): about 0 for a word in every document, highest
        for a word the sample never saw."""
        value = self._idf.get(word)
        if value is None:
            frequency = self.frequencies.get(word, 0)
            value = self._idf[word] = max(0.0, math.log((self.documents + 1) / (frequency + 0.5)))
        return value


Vector = dict[str, float]


def text_vector(texts: Iterable[str], vocabulary: Vocabulary) -> Vector:
    """The TF-IDF vector of some texts taken together, of unit length ({} for no words).

    Term frequency is damped (1 + log count): a word repeated ten times in one
    abstract does not outweigh ten distinct words.
    """
    return counts_vector(Counter(word for text in texts for word in words(text)), vocabulary)


def _weights(counts: Counter[str], vocabulary: Vocabulary) -> Iterator[tuple[str, float]]:
    """The TF-IDF weight of each counted word (not normalized; zero weights left out)."""
    # The hot loop of the matcher (hundreds of papers a page): known weights are read
    # from the vocabulary's table directly, and a word once is the common case.
    known, idf = vocabulary._idf, vocabulary.idf
    for word, count in counts.items():
        if count <= 0:
            continue
        weight = known.get(word)
        if weight is None:
            weight = idf(word)
        if count > 1:
            weight *= 1.0 + math.log(count)
        if weight > 0:
            yield word, weight


def counts_vector(counts: Counter[str], vocabulary: Vocabulary) -> Vector:
    """The TF-IDF vector of word counts (see :func:`text_vector`)."""
    return normalized(dict(_weights(counts, vocabulary)))


def counts_cosine(vector: Vector, counts: Counter[str], vocabulary: Vocabulary) -> float:
    """``cosine(vector, counts_vector(counts, vocabulary))`` without building the
    second vector: the matcher compares a page with each of hundreds of papers."""
    dot = norm = 0.0
    for word, weight in _weights(counts, vocabulary):
        norm += weight * weight
        dot += weight * vector.get(word, 0.0)
    return dot / math.sqrt(norm) if norm else 0.0


def normalized(vector: Vector) -> Vector:
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {w: x / norm for w, x in vector.items()} if norm else {}


def add_vectors(vectors: Iterable[Vector]) -> Vector:
    """The unit-length sum (the centroid's direction) of vectors."""
    total: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for word, weight in vector.items():
            total[word] += weight
    return normalized(total)


def cosine(u: Vector, v: Vector) -> float:
    """Cosine of two unit-length vectors (0 when either is empty)."""
    if len(u) > len(v):
        u, v = v, u
    return sum(weight * v.get(word, 0.0) for word, weight in u.items())


def shared_words(u: Vector, v: Vector, *, limit: int = 5) -> tuple[str, ...]:
    """The words that contribute most to the cosine of u and v, best first."""
    if len(u) > len(v):
        u, v = v, u
    common = ((-(weight * v[word]), word) for word, weight in u.items() if word in v)
    return tuple(word for _, word in heapq.nsmallest(limit, common))


def top_words(vector: Vector, *, limit: int = 8) -> tuple[str, ...]:
    """The heaviest words of a vector: what makes a group of papers distinctive."""
    return tuple(w for _, w in heapq.nsmallest(limit, ((-x, w) for w, x in vector.items())))


def rarity_weight(profiles: int) -> float:
    """What a shared paper says about identity: 1 / log2(1 + profiles listing it).

    1 profile -> 1.0, 2 -> 0.63, 3 -> 0.5, 40 -> 0.19: a paper on many profiles
    (a large collaboration's report) says little about who a page is.
    """
    return 1.0 / math.log2(1 + max(profiles, 1))


def text_similarity(a: str, b: str, *, cutoff: float = 0.0) -> float:
    """Similarity of two folded texts in [0, 1]: the normalized Indel similarity
    (rapidfuzz's ratio), which counts characters inserted and deleted; 0 below
    ``cutoff`` (rapidfuzz then stops early)."""
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b, score_cutoff=cutoff * 100) / 100.0


DROPPED_SUBTITLE = 0.9
MIN_MAIN_TITLE_WORDS = 3
_SUBTITLE_MARKS = (": ", " - ", " \u2013 ", " \u2014 ", "? ", ". ", " (", " [")


def main_title(title: str) -> str:
    """The folded title before its first subtitle mark (': ', ' - ', '? ', ' (' ...)."""
    cut = min((i for i in (title.find(mark) for mark in _SUBTITLE_MARKS) if i > 0), default=-1)
    return fold(title[:cut] if cut > 0 else title)


def dropped_subtitle(a: str, b: str) -> bool:
    """Whether one title is the other without its subtitle ('Anxiety about electronic
    data hacking' / '...: Predictors and relations with ...'), the shorter one
    holding at least MIN_MAIN_TITLE_WORDS content words."""
    short, long_ = sorted((a, b), key=len)
    folded = fold(short)
    return (
        folded != fold(long_)
        and folded == main_title(long_)
        and len(words(folded)) >= MIN_MAIN_TITLE_WORDS
    )


def title_similarity(
    a: str, b: str, key_a: str, key_b: str, *, cutoff: float = 0.0
) -> float | None:
    """Similarity of two titles (as written, and folded), None below ``cutoff``.

    :func:`text_similarity` of the folded titles, except that a title that is the
    other without its subtitle counts DROPPED_SUBTITLE (see :func:`dropped_subtitle`).
    """
    similarity = text_similarity(key_a, key_b, cutoff=cutoff)
    short, long_ = sorted((key_a, key_b), key=len)
    prefix = long_.startswith(short + " ")  # cheap test first: most pairs stop here
    if similarity < DROPPED_SUBTITLE and prefix and dropped_subtitle(a, b):
        similarity = DROPPED_SUBTITLE
    if similarity < cutoff or (cutoff and not similarity):
        return None
    return similarity
