"""Pure name rules: when two written names may be one person's.

Holds the rules (same name, case or accents, word order, a middle name missing,
initials, a shortened given name, family and given names swapped) and their
strength, ``NameForm`` (a name as compared, with its blocking keys),
``name_rule`` and ``name_candidate_pairs`` (the pairs of authors one of whose
names may be the other's, compared within blocks only).

Takes plain values: no Django, no ``catalog.models``, no queries (it uses the
pure ``catalog.names`` and ``catalog.normalize``). Reading the names from the
catalogue and scoring the pairs is :mod:`.author_pairs`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from itertools import combinations

from catalog.names import PersonName, parse_name
from catalog.normalize import clean_text, fold

SAME_NAME = "same name"
CASE_OR_ACCENTS = "same name up to case, accents or punctuation"
WORD_ORDER = "same name in another order"
MIDDLE_NAME = "a middle name missing"
INITIALS = "initials"
SHORT_GIVEN = "shortened given name"
SWAPPED = "family and given names swapped"
NAME_RULE_STRENGTH = {
    SAME_NAME: 1.0,
    CASE_OR_ACCENTS: 1.0,
    WORD_ORDER: 0.95,
    MIDDLE_NAME: 0.85,
    INITIALS: 0.8,
    SHORT_GIVEN: 0.7,
    SWAPPED: 0.6,
}
# An initial-only name ("L. Wang") compatible with more authors than this says
# nothing about which one it is: it is not paired at all.
MAX_INITIAL_MATCHES = 20
# A block of more names than this (a very common family name and initial) is cut
# by first given name: inside it, only names with the same first given name meet.
MAX_NAME_BLOCK = 2000


@dataclass(frozen=True)
class NameForm:
    """A name as compared: as written, folded family name (no spaces), folded given names."""

    written: str
    family: str
    given: tuple[str, ...]

    @classmethod
    def of(cls, name: PersonName, written: str) -> NameForm:
        return cls(
            clean_text(written), fold(name.family).replace(" ", ""), tuple(fold(name.given).split())
        )

    @classmethod
    def parse(cls, written: str) -> NameForm:
        return cls.of(parse_name(written), written)

    def blocking_keys(self) -> set[tuple[str, str]]:
        """(family, first initial), and the same for the name read the other way
        round, so that a swapped name lands in the block of its twin."""
        keys = {(self.family, self.given[0][0] if self.given else "")}
        if self.given and self.family:
            keys.add(("".join(self.given), self.family[0]))
        return keys


def _given_compatible(x: str, y: str) -> str | None:
    """How two given-name words can be one: 'same', 'initial' (I / Ilya), 'prefix'
    (Jeff / Jeffrey, at least three letters), or None."""
    if x == y:
        return "same"
    short, long_ = sorted((x, y), key=len)
    if not long_.startswith(short):
        return None
    if len(short) == 1:
        return "initial"
    return "prefix" if len(short) >= 3 else None


def _given_rule(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """The rule by which two lists of given names can name one person.

    The first names must agree; the shorter list's other names must agree, in
    order, with some of the longer list's ('Jose Garcia' / 'Jose M. Garcia').
    """
    if not a or not b:
        return None
    short, long_ = sorted((a, b), key=len)
    kinds = {_given_compatible(short[0], long_[0])}
    position = 1
    for word in short[1:]:
        while position < len(long_) and _given_compatible(word, long_[position]) is None:
            position += 1
        if position == len(long_):
            return None
        kinds.add(_given_compatible(word, long_[position]))
        position += 1
    if None in kinds:
        return None
    if "initial" in kinds:
        return INITIALS
    if "prefix" in kinds:
        return SHORT_GIVEN
    return MIDDLE_NAME if len(short) != len(long_) else None


def name_rule(a: NameForm, b: NameForm) -> str | None:
    """Which rule makes two names possibly one person's, or None."""
    if a.family == b.family and a.family:
        if a.given == b.given:
            if a.written == b.written:
                return SAME_NAME
            return CASE_OR_ACCENTS if fold(a.written) == fold(b.written) else WORD_ORDER
        return _given_rule(a.given, b.given)
    if a.given and b.given and a.family == "".join(b.given) and "".join(a.given) == b.family:
        return SWAPPED
    return None


def name_candidate_pairs(
    forms: dict[int, set[NameForm]], *, only: Collection[int] | None = None
) -> dict[tuple[int, int], tuple[str, NameForm, NameForm]]:
    """(low id, high id) -> (rule, low's name, high's name) for authors one of whose
    names may be the other's. Names are compared only within a blocking key's
    block (a block larger than MAX_NAME_BLOCK is cut by first given name); the
    strongest rule over all the pair's variants wins. ``only``: just the blocks
    holding one of these authors are compared, and just their pairs returned.
    """
    blocks: dict[tuple[str, ...], list[tuple[int, NameForm]]] = defaultdict(list)
    for author_id, variants in forms.items():
        for form in variants:
            for key in form.blocking_keys():
                blocks[key].append((author_id, form))
    for key in [k for k, members in blocks.items() if len(members) > MAX_NAME_BLOCK]:
        for author_id, form in blocks.pop(key):
            blocks[(*key, form.given[0] if form.given else "")].append((author_id, form))

    if only is not None:
        scope = set(only)
        blocks = {
            key: members
            for key, members in blocks.items()
            if any(author_id in scope for author_id, _ in members)
        }

    found: dict[tuple[int, int], tuple[str, NameForm, NameForm]] = {}
    by_initials: dict[tuple[int, NameForm], set[int]] = defaultdict(set)
    for members in blocks.values():
        for (id_a, form_a), (id_b, form_b) in combinations(members, 2):
            if id_a == id_b:
                continue
            rule = name_rule(form_a, form_b)
            if rule is None:
                continue
            if rule == INITIALS:
                by_initials[(id_a, form_a)].add(id_b)
                by_initials[(id_b, form_b)].add(id_a)
            (low, low_form), (high, high_form) = sorted(
                ((id_a, form_a), (id_b, form_b)), key=_first
            )
            best = found.get((low, high))
            if best is None or NAME_RULE_STRENGTH[rule] > NAME_RULE_STRENGTH[best[0]]:
                found[(low, high)] = (rule, low_form, high_form)
    return {
        pair: (rule, a, b)
        for pair, (rule, a, b) in found.items()
        if (only is None or scope.intersection(pair))
        and (
            rule != INITIALS
            or max(len(by_initials[(pair[0], a)]), len(by_initials[(pair[1], b)]))
            <= MAX_INITIAL_MATCHES
        )
    }


def _first(item: tuple) -> object:
    return item[0]
