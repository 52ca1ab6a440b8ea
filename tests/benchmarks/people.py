"""A labelled synthetic world for the page-to-author matcher: persons, their
fields, their co-author circles, their papers, homonyms, and the pages to judge.

corpus.py writes pages whose papers are drawn at random; nobody in it writes
about anything in particular, so it cannot teach or test who a page belongs to.
This module extends it (same words, names and venues) with the facts that
decide authorship, each known by construction:

- fields: each of FIELDS fields has its own words (a share of the corpus's
  abstract and title words plus made-up jargon) and its own venues; a person
  works in one field, some in two;
- circles: persons belong to research groups of 2-10 in one field; each person
  has their own collaborators (some of the circle, a few of other circles of
  the field: no circle is a clique), from whom the co-authors of the papers they
  lead come, the closest most often; often guests (persons in no circle, who
  write one paper or a few and are known by nothing else: a catalogue meets
  many such small profiles, all of them within someone's page); a few papers
  are consortium reports with dozens of authors;
- partners: half the persons have a close partner in their circle who co-writes
  most of the papers they lead (such a partner may hold more of a page than the
  owner's incomplete profile);
- niches: each person has a few subjects of their own; a paper's words mix the
  field's words with the niches of its authors, so a person's papers resemble
  each other more than their co-authors' other papers;
- prolific and occasional authors: papers led per person follow a long tail;
- homonyms: HOMONYM_SHARE of persons take the name of an earlier person of
  another field;
- pages (:func:`page_plans`): an anonymous page lists some of one person's
  papers; some of those are missing from the person's profile (the page brings
  them), some persons have no profile at all (the page should become a new
  author); entries carry an abstract, a title, or both.

Pure and deterministic in (persons, seed): no Django, every draw from a
``random.Random`` seeded with a string. The benchmark (bench_matcher.py) loads a
world into a catalogue; ``manage.py train_matcher`` learns from the examples it
writes (curation/matcher/examples.csv.gz).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.benchmarks.corpus import (
    _ABSTRACT_WORDS,
    _FAMILY_NAMES,
    _GIVEN_NAMES,
    _SYLLABLES,
    _TITLE_TEMPLATES,
    _TITLE_WORDS,
)

FIELDS = 14
VENUES_PER_FIELD = 4
FIELD_SHARE_OF_WORDS = 0.35  # words of an abstract drawn from its field's words
SECOND_FIELD_SHARE = 0.2
HOMONYM_SHARE = 0.1
OUTSIDE_COAUTHOR_SHARE = 0.15  # co-authors from another circle of the field
GUEST_SHARE = 0.3  # co-authors from outside any circle: known by a paper or a few
GUEST_AGAIN_SHARE = 0.5  # a guest slot filled by an earlier guest of the field
PARTNER_SHARE = 0.5  # persons with a close partner in their circle...
PARTNER_PAPERS = 0.7  # ...who co-writes this share of the papers they lead
NICHE_WORDS = 12  # each person's own subjects, within the field
NICHE_SHARE = 0.15  # words of an abstract from the niches of its authors
COMPLETE_SHARE = 0.25  # persons the catalogue knows completely (a named page); the rest
PARTIAL_KNOWN = (0.1, 0.6)  # are known by this share of their papers (others' pages)
CONSORTIUM_SHARE = 0.015
CIRCLE_SIZE = (2, 10)


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    fields: tuple[int, ...]
    circle: int


@dataclass(frozen=True)
class WorldPaper:
    key: str
    title: str
    abstract: str
    venue: str
    field: int
    authors: tuple[str, ...]  # person keys, the lead first


@dataclass(frozen=True)
class World:
    persons: dict[str, Person]
    papers: dict[str, WorldPaper]

    def papers_of(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {key: [] for key in self.persons}
        for paper in self.papers.values():
            for person in paper.authors:
                found[person].append(paper.key)
        return found


@dataclass(frozen=True)
class PagePlan:
    """An anonymous page of ``owner``'s ``papers``; ``off_profile``: those taken off
    the owner's profile; ``no_profile``: the owner has no profile at all;
    ``text``: what the entries carry ("abstract", "title" or "both")."""

    owner: str
    papers: tuple[str, ...]
    off_profile: tuple[str, ...]
    no_profile: bool
    text: str


def _words(text: str) -> list[str]:
    return sorted(set(text.split()))


def _rng(seed: int, purpose: str) -> random.Random:
    return random.Random(f"authorprofiles-people:{seed}:{purpose}")


class _Vocabulary:
    """Each field's words, title words and venues; the words all fields share."""

    def __init__(self, seed: int) -> None:
        rng = _rng(seed, "vocabulary")
        abstract = [w for w in _words(_ABSTRACT_WORDS) if len(w) > 3]
        titles = _words(_TITLE_WORDS)
        rng.shuffle(abstract)
        rng.shuffle(titles)
        self.general = abstract[: len(abstract) // 3]
        self.general_titles = titles[: len(titles) // 3]
        topical, topical_titles = abstract[len(abstract) // 3 :], titles[len(titles) // 3 :]
        self.fields: list[list[str]] = []
        self.field_titles: list[list[str]] = []
        self.venues: list[list[str]] = []
        for index in range(FIELDS):
            jargon = ["".join(rng.choices(_SYLLABLES, k=rng.randint(3, 4))) for _ in range(30)]
            self.fields.append(topical[index::FIELDS] + jargon)
            self.field_titles.append(
                topical_titles[index::FIELDS] + [j.capitalize() for j in jargon[:10]]
            )
            self.venues.append(
                [
                    f"{kind} on {jargon[10 + v].capitalize()} {topical_titles[index]}"
                    for v, kind in enumerate(
                        ("Journal", "Conference", "Symposium", "Transactions")[:VENUES_PER_FIELD]
                    )
                ]
            )


def make_world(persons: int = 3000, seed: int = 0) -> World:
    """``persons`` persons in circles, and their papers."""
    rng = _rng(seed, "world")
    vocabulary = _Vocabulary(seed)
    families, givens = _words(_FAMILY_NAMES), _words(_GIVEN_NAMES)
    people: dict[str, Person] = {}
    circles: list[list[str]] = []
    circles_of_field: dict[int, list[int]] = {f: [] for f in range(FIELDS)}
    names_of_field: dict[int, list[str]] = {f: [] for f in range(FIELDS)}
    while len(people) < persons:
        field = rng.randrange(FIELDS)
        circle = len(circles)
        circles.append([])
        circles_of_field[field].append(circle)
        for _ in range(rng.randint(*CIRCLE_SIZE)):
            if len(people) >= persons:
                break
            fields = (field,)
            if rng.random() < SECOND_FIELD_SHARE:
                fields += (rng.choice([f for f in range(FIELDS) if f != field]),)
            others = [n for f, names in names_of_field.items() if f != field for n in names]
            if others and rng.random() < HOMONYM_SHARE:
                name = rng.choice(others)
            else:
                family = (
                    rng.choice(families)
                    if rng.random() < 0.4
                    else "".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize()
                )
                name = f"{family}, {rng.choice(givens)}"
            names_of_field[field].append(name)
            key = f"person{len(people)}"
            people[key] = Person(key, name, fields, circle)
            circles[circle].append(key)
    niche = {
        key: [rng.choice(vocabulary.fields[person.fields[0]]) for _ in range(NICHE_WORDS)]
        + ["".join(rng.choices(_SYLLABLES, k=3)) for _ in range(3)]
        for key, person in people.items()
    }
    papers: dict[str, WorldPaper] = {}
    guests_of_field: dict[int, list[str]] = {f: [] for f in range(FIELDS)}

    def guest(field: int) -> str:
        if guests_of_field[field] and rng.random() < GUEST_AGAIN_SHARE:
            return rng.choice(guests_of_field[field])
        key = f"guest{sum(len(g) for g in guests_of_field.values())}"
        family = "".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize()
        people[key] = Person(key, f"{family}, {rng.choice(givens)}", (field,), -1)
        niche[key] = [rng.choice(vocabulary.fields[field]) for _ in range(NICHE_WORDS)]
        guests_of_field[field].append(key)
        return key

    partner = {
        key: rng.choice([p for p in circles[person.circle] if p != key])
        for key, person in sorted(people.items())
        if person.circle >= 0 and len(circles[person.circle]) > 1 and rng.random() < PARTNER_SHARE
    }
    collaborators = {
        key: _collaborators(rng, key, person, circles, circles_of_field)
        for key, person in sorted(people.items())
        if person.circle >= 0
    }
    for person in list(people.values()):  # guests join during the loop
        led = min(80, max(1, round(rng.lognormvariate(1.2, 0.9))))
        for _ in range(led):
            field = rng.choice(person.fields)
            authors = [person.key]
            if person.key in partner and rng.random() < PARTNER_PAPERS:
                authors.append(partner[person.key])
            if rng.random() < CONSORTIUM_SHARE:
                pool = [p for c in circles_of_field[person.fields[0]] for p in circles[c]]
                authors += rng.sample(pool, min(len(pool), rng.randint(20, 50)))
            else:
                mine = collaborators[person.key]
                for _ in range(rng.choices((0, 1, 2, 3, 4, 5), (15, 25, 25, 20, 10, 5))[0]):
                    if rng.random() < GUEST_SHARE or not mine:
                        authors.append(guest(field))
                    else:  # the first of one's collaborators the most often
                        authors.append(mine[min(len(mine) - 1, int(rng.expovariate(0.5)))])
            key = f"paper{len(papers)}"
            authors = list(dict.fromkeys(authors))
            own_words = [w for a in authors[:3] for w in niche[a]]
            papers[key] = WorldPaper(
                key=key,
                title=_title(rng, vocabulary, field),
                abstract=_abstract(rng, vocabulary, field, own_words),
                venue=rng.choice(
                    vocabulary.venues[field]
                    if rng.random() < 0.8
                    else vocabulary.venues[rng.randrange(FIELDS)]
                ),
                field=field,
                authors=tuple(dict.fromkeys(authors)),
            )
    return World(people, papers)


def _collaborators(
    rng: random.Random,
    key: str,
    person: Person,
    circles: list[list[str]],
    circles_of_field: dict[int, list[int]],
) -> list[str]:
    """One's own collaborators, the closest first: some members of one's circle and
    a few of other circles of the field. Each person has their own (no circle is a
    clique), so the authors of a person's papers are that person's collaborators
    more than anyone else's."""
    circle = [p for p in circles[person.circle] if p != key]
    mine = rng.sample(circle, min(len(circle), rng.randint(2, 5)))
    for _ in range(rng.randint(0, 3)):
        if rng.random() < OUTSIDE_COAUTHOR_SHARE * 4:
            other = rng.choice(circles_of_field[person.fields[0]])
            if circles[other] and other != person.circle:
                mine.append(rng.choice(circles[other]))
    return list(dict.fromkeys(mine))


def _title(rng: random.Random, vocabulary: _Vocabulary, field: int) -> str:
    picked = [
        rng.choice(
            vocabulary.field_titles[field] if rng.random() < 0.6 else vocabulary.general_titles
        )
        for _ in range(6)
    ]
    template = rng.choice(_TITLE_TEMPLATES)
    return template.format(
        A=picked[0], B=picked[1], C=picked[2], D=picked[3], E=picked[4], F=picked[5]
    )


def _abstract(rng: random.Random, vocabulary: _Vocabulary, field: int, own_words: list[str]) -> str:
    count = rng.randint(60, 120)
    chosen = []
    for _ in range(count):
        draw = rng.random()
        if draw < NICHE_SHARE:
            chosen.append(rng.choice(own_words))
        elif draw < NICHE_SHARE + FIELD_SHARE_OF_WORDS:
            chosen.append(rng.choice(vocabulary.fields[field]))
        else:
            chosen.append(rng.choice(vocabulary.general))
    return " ".join(chosen).capitalize() + "."


def page_plans(
    world: World, *, pages: int, seed: int = 0, no_profile_share: float = 0.2
) -> list[PagePlan]:
    """Anonymous pages of ``pages`` distinct persons (in circles) with 4 papers or more.

    A page lists a fifth of the owner's papers to all of them (2 to 12). For an
    owner with a profile, some of them are taken off the profile (the page brings
    them): a share drawn as the square of a uniform number, so mostly few,
    sometimes all but one; for a
    ``no_profile_share`` of owners, the owner has no profile at all.
    """
    rng = _rng(seed, "pages")
    papers_of = world.papers_of()
    # Pages are of persons with a publication list worth scraping: 4 papers or
    # more, the prolific more often (drawn in proportion to their papers).
    pool = sorted(
        p for p, papers in papers_of.items() if len(papers) >= 4 and world.persons[p].circle >= 0
    )
    owners: list[str] = []
    chosen: set[str] = set()
    weights = [len(papers_of[p]) for p in pool]
    while len(owners) < min(pages, len(pool)):
        owner = rng.choices(pool, weights)[0]
        if owner not in chosen:
            chosen.add(owner)
            owners.append(owner)
    plans = []
    for owner in owners:
        own = sorted(papers_of[owner])
        # A page lists from a fifth of the owner's papers to all of them (2 to 12).
        size = max(2, min(12, round(len(own) * rng.uniform(0.2, 1.0))))
        listed = tuple(rng.sample(own, size))
        no_profile = rng.random() < no_profile_share
        # Mostly a few of the page's papers missing from the profile, sometimes most.
        missing = min(len(listed) - 1, int(len(listed) * rng.random() ** 2))
        off = () if no_profile else tuple(listed[:missing])
        text = rng.choices(("abstract", "title", "both"), (5, 3, 2))[0]
        plans.append(PagePlan(owner, listed, off, no_profile, text))
    return plans


CATALOGUE_KINDS = ("scraped", "institutional")
MEMBER_SHARE = 0.05  # persons other than page owners whose lists an institution holds


def catalogue_authorships(
    world: World, plans: list[PagePlan], *, seed: int = 0, kind: str = "scraped"
) -> set[tuple[str, str]]:
    """(person, paper) pairs the catalogue lists.

    Every page owner with a profile, and COMPLETE_SHARE of the other persons in
    circles (MEMBER_SHARE in an institutional catalogue), are known completely
    (less the papers an owner's page brings); page owners without a profile not
    at all. The others depend on ``kind``:

    - "scraped" (a catalogue of scraped author pages): each by a PARTIAL_KNOWN
      share of their papers (a truncated page of their own);
    - "institutional" (a catalogue of its members' complete publication lists, as
      a department's repository): by exactly the papers they wrote with someone
      known completely, as co-authors of those; nothing else of theirs.
    """
    if kind not in CATALOGUE_KINDS:
        raise ValueError(f"kind: one of {CATALOGUE_KINDS}")
    rng = _rng(seed, "catalogue")
    owners = {plan.owner: plan for plan in plans}
    listed = set()
    complete = set()
    for person, papers in sorted(world.papers_of().items()):
        plan = owners.get(person)
        if plan is not None and plan.no_profile:
            continue
        share_known = COMPLETE_SHARE if kind == "scraped" else MEMBER_SHARE
        if plan is not None or (world.persons[person].circle >= 0 and rng.random() < share_known):
            off = set(plan.off_profile) if plan else set()
            listed |= {(person, paper) for paper in papers if paper not in off}
            complete.add(person)
            continue
        if kind == "scraped":
            share = rng.uniform(*PARTIAL_KNOWN)
            listed |= {(person, paper) for paper in papers if rng.random() < share}
    if kind == "institutional":
        no_profile = {plan.owner for plan in plans if plan.no_profile}
        for paper in world.papers.values():
            if complete.intersection(paper.authors):
                listed |= {
                    (person, paper.key)
                    for person in paper.authors
                    if person not in complete and person not in no_profile
                }
    return listed
