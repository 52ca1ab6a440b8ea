"""A deterministic synthetic corpus of scraped author pages, for benchmarks.

The files have exactly the shapes of the real scrapes in ``catalog/sample_pages``:

- named page: ``Goto\\n\\nCollaborating Authors\\n\\n\\u00a0Family, Given`` then entries
  ``Title\\n\\nVenue\\n\\nAbstract`` (or ``Title\\n\\nVenue`` when the abstract is
  missing), the header and every entry separated by ``\\n\\n\\n``, no trailing newline;
- anonymous page: ``Tony`` then one ``Abstract:<text>`` line per entry, lines joined
  by ``\\n``, no trailing newline.

What the corpus models (the facts DESIGN.md lists for the real seeds):

- a pool of papers (title, abstract of 120-200 words from a fixed vocabulary,
  a primary venue among 30) shared across pages with a Zipf-Mandelbrot popularity:
  most papers sit on one to three pages, a few on hundreds;
- about 20% anonymous pages whose entries are abstract-only copies of pool papers,
  plus some abstracts found nowhere else;
- some named pages list a paper a second time under a second venue;
- a few named entries have no abstract (title and venue only);
- a few title occurrences are spelled in lower case (same paper, another spelling);
- about 4% of abstracts contain a non-ASCII word (naïve, player’s...), as rare as in
  the real pages: text folding has a fast path for pure ASCII;
- homonyms: some named pages carry the same author name as an earlier page (3% on
  purpose, more by chance among common names).

Everything is a pure function of ``(pages, seed)``: every random draw comes from
``random.Random`` instances seeded with strings (hashed with SHA-512, so
PYTHONHASHSEED plays no part), and the generator keeps no global state. Pure
Python, no Django: ``python tests/benchmarks/corpus.py DIR --pages N`` writes a
corpus from the command line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

# Bump when the generated text changes, so cached corpora are rebuilt.
GENERATOR_VERSION = 2

ENTRIES_MIN, ENTRIES_MODE, ENTRIES_MAX = 2, 8, 20  # triangular: mean 10 entries a page
ANONYMOUS_SHARE = 0.20
ANONYMOUS_UNIQUE_SHARE = 0.15  # anonymous entries whose abstract is on no other page
SECOND_VENUE_SHARE = 0.10  # named pages that repeat one title under a second venue
NO_ABSTRACT_SHARE = 0.02  # named entries with title and venue only
LOWERCASE_TITLE_SHARE = 0.01  # title occurrences spelled in lower case
HOMONYM_SHARE = 0.03  # named pages that reuse the name of an earlier named page
MIDDLE_INITIAL_SHARE = 0.3
COMMON_FAMILY_SHARE = 0.3
ABSTRACT_WORDS = (120, 200)
PHRASE_BITS = 13
PHRASE_BANK = 1 << PHRASE_BITS  # 8192 phrases
RARE_PHRASES = 8  # phrases with a non-ASCII word: about 4% of abstracts have one
POOL_PER_ENTRY = 0.6  # pool size relative to the expected number of entries
ZIPF_EXPONENT = 1.05
ZIPF_OFFSET = 30.0  # Zipf-Mandelbrot: weight of rank r is 1 / (r + offset) ** exponent
ANONYMOUS_LABEL = "Tony"
NBSP = "\u00a0"

VENUES: tuple[tuple[str, float], ...] = (
    ("arXiv.org Artificial Intelligence", 30.0),
    ("arXiv.org Machine Learning", 18.0),
    ("Neural Information Processing Systems", 8.0),
    ("AAAI Conferences", 5.0),
    ("International Conference on Machine Learning", 6.0),
    ("International Conference on Learning Representations", 6.0),
    ("arXiv.org Computation and Language", 5.0),
    ("arXiv.org Computer Vision and Pattern Recognition", 4.0),
    ("Computer Vision and Pattern Recognition", 3.0),
    ("Annual Meeting of the Association for Computational Linguistics", 3.0),
    ("Conference on Empirical Methods in Natural Language Processing", 2.0),
    ("International Joint Conference on Artificial Intelligence", 2.0),
    ("Journal of Machine Learning Research", 1.5),
    ("IEEE Transactions on Pattern Analysis and Machine Intelligence", 1.0),
    ("International Conference on Computer Vision", 1.5),
    ("European Conference on Computer Vision", 1.0),
    ("Conference on Robot Learning", 1.0),
    ("International Conference on Robotics and Automation", 1.0),
    ("Uncertainty in Artificial Intelligence", 0.8),
    ("International Conference on Artificial Intelligence and Statistics", 0.8),
    ("Conference on Learning Theory", 0.5),
    ("Knowledge Discovery and Data Mining", 0.8),
    ("The Web Conference", 0.5),
    ("Transactions on Machine Learning Research", 0.7),
    ("Nature", 0.3),
    ("Science", 0.2),
    ("Proceedings of the National Academy of Sciences", 0.3),
    ("Autonomous Agents and Multi-Agent Systems", 0.5),
    ("North American Chapter of the Association for Computational Linguistics", 0.8),
    ("Interspeech", 0.4),
)

_ABSTRACT_WORDS = """
the the the the the of of of of and and and to to to a a a in in in we we is is
that that for for on on with with by by as as are are this this our our from from
be be can can which an it its at or not these their than also both such while
model models learning learned learn training trained network networks neural deep
language large-scale reasoning reinforcement policy policies agent agents reward
representation representations data dataset datasets benchmark benchmarks task
tasks performance state-of-the-art method methods approach approaches algorithm
algorithms framework frameworks problem problems results result show shows shown
propose proposed present introduce study analysis analyze evaluate evaluation
experiments experimental empirical theoretical theory bound bounds guarantee
generalization robustness safety alignment interpretability mechanistic causal
inference prediction predictions predictive generative diffusion transformer
transformers attention sequence sequences token tokens embedding embeddings
objective loss function functions gradient gradients optimization optimizer
stochastic convex nonconvex convergence sample samples sampling efficient
efficiency scalable scaling compute parameters parameter architecture layer
layers sparse dense autoencoder autoencoders features feature latent variable
variables distribution distributions prior posterior bayesian probabilistic
uncertainty estimation estimator estimators kernel gaussian process processes
differential equations dynamics dynamical system systems control controller
planning environment environments simulation simulated real-world robot
robotic manipulation vision visual image images video speech audio text
translation summarization question answering dialogue human feedback preference
preferences supervision supervised unsupervised self-supervised contrastive
pretraining fine-tuning zero-shot few-shot in-context prompting prompts chain
thought capabilities capability behavior behaviors evaluate risks mitigation
adversarial attacks defenses jailbreaks memory retrieval knowledge graph graphs
structure structured hierarchical temporal abstraction skip intervals expert
experts mixture mechanisms independent domains transfer adaptation shift
invariance invariant symmetry equivariant program programs synthesis code
mathematics formal proof proofs theorem curriculum exploration imitation
offline online multi-agent cooperative competitive game games decentralized
partially observable markov decision solution solutions computational
examples example across between within without under over into using used
novel new simple strong weak substantially significantly consistently improve
improves improved improvement achieve achieves outperform outperforms baseline
baselines accuracy error errors rate rates cost costs tradeoff limitations
future work open questions progress field community release code available
"""

# Non-ASCII words: rare, as in the real pages (one abstract of the 49 has one).
_RARE_WORDS = "naïve Schrödinger Lévy Fréchet Hölder Rényi Kullback–Leibler player’s"

_TITLE_WORDS = """
Learning Reasoning Language Models Agents Policies Representations Transformers
Attention Diffusion Generative Causal Inference Robust Scalable Efficient Sparse
Dense Neural Networks Deep Reinforcement Optimization Gradient Stochastic Bayesian
Probabilistic Gaussian Processes Kernel Methods Graph Structured Hierarchical
Temporal Abstraction Adaptive Intervals Experts Mixture Mechanisms Independent
Domains Transfer Adaptation Invariance Equivariant Symmetry Program Synthesis
Code Mathematics Formal Proofs Curriculum Exploration Imitation Offline Online
Multi-Agent Cooperative Games Decentralized Control Planning Simulation Robots
Manipulation Vision Images Video Speech Audio Text Translation Summarization
Question Answering Dialogue Human Feedback Preferences Supervision
Self-Supervised Contrastive Pretraining Fine-Tuning Zero-Shot Few-Shot
In-Context Prompting Chain Thought Capabilities Safety Alignment
Interpretability Mechanistic Evaluation Benchmarks Risks Adversarial Attacks
Defenses Memory Retrieval Knowledge Uncertainty Estimation Calibration
Generalization Compositional Systematic Emergent Scaling Laws Compute Tokens
Sequences Embeddings Features Latent Variables Autoencoders Dictionary Circuits
Superposition Steering Editing Unlearning Distillation Compression Quantization
Pruning Routing Memory-Augmented Recurrent Convolutional Energy-Based Score-Based
Flow Matching Consistency Equations Dynamics Physics Chemistry Proteins Molecules
Climate Weather Medicine Clinical Legal Financial Markets Auctions Mechanism
Fairness Privacy Federated Differential Verification Certified Monotone Convex
"""

_TITLE_TEMPLATES = (
    "{A} {B} for {C} {D}",
    "{A} {B}: {C} {D} with {E} {F}",
    "Towards {A} {B} in {C} {D}",
    "On the {A} of {B} {C}",
    "{A} {B} via {C} {D}",
    "{A} and {B}: {C} {D} for {E} {F}",
    "Beyond {A} {B}: {C} {D} and {E}",
    "When Do {A} {B} Improve {C} {D}?",
    "{A} {B} {C} with {D} {E}",
    "A Study of {A} {B} under {C} {D}",
)

_FAMILY_NAMES = """
Wu Wang Li Zhang Liu Chen Yang Huang Zhao Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo
Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Nguyen Tran Pham Le Hoang
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King
Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips
Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Parascandolo Marino
García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Díaz
Dubois Lefèvre Moreau Laurent Simon Michel Bernard Petit Durand Leroy Roux
Sutskever Kaiser Kowalski Nowak Wiśniewski Dąbrowski Sørensen Jensen Nielsen
Hansen Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsen Berg Dahl
Ivanov Smirnov Kuznetsov Popov Sokolov Petrov Volkov Fedorov Morozov Novikov
Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida
Sharma Patel Singh Kumar Gupta Reddy Iyer Rao Mehta Shah Bose Das Ghosh Mukherjee
Cohen Levi Mizrahi Peretz Friedman Katz Shapiro Goldberg Rosen Klein Weiss
"""

_GIVEN_NAMES = """
Jeff Ilya Giambattista Wei Jing Yan Hao Lei Xin Yu Min Jun Hyun Ji Seo Anh Minh
James John Robert Michael William David Richard Joseph Thomas Charles Daniel
Matthew Anthony Mark Steven Paul Andrew Joshua Kevin Brian George Timothy Ryan
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa
Nancy Emily Michelle Laura Amanda Melissa Rebecca Stephanie Anna Maria Sofia
Lukas Jonas Felix Leon Paul Maximilian Hannah Lena Lea Marie Johanna Jürgen
Luca Marco Giuseppe Alessandro Francesca Giulia Chiara Pablo Javier Lucía
Élodie Amélie Étienne François Théo Chloé Łukasz Wojciech Katarzyna Søren
Lars Erik Ingrid Astrid Dmitry Sergey Alexei Olga Natalia Hiroshi Yuki Takeshi
Kenji Aiko Priya Arjun Rahul Ananya Vikram Deepa Noam Yael Tamar Avi Omer
"""

_INITIALS = "ABCDEFGHJKLMNPRSTW"
_SYLLABLES = tuple(c + v for c in "bdfghklmnprstvyz" for v in "aeiou")
_KEY_JUNK = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class CorpusStats:
    pages: int
    named_pages: int
    anonymous_pages: int
    entries: int
    titled_entries: int
    abstract_only_entries: int
    entries_without_abstract: int
    second_venue_entries: int
    #: papers behind the entries: used pool papers plus abstracts found on one page only
    distinct_papers: int
    #: papers a matcher that joins only when certain can reach: a pool paper seen only
    #: as title-without-abstract and as abstract-without-title stays two papers
    certain_papers: int
    venues: int
    #: (paper, author) pairs: the distinct papers of each named page, summed
    authorships: int
    author_names: int  # distinct author lines; named_pages minus this = homonym pages
    bytes: int
    seed: int
    generator_version: int = GENERATOR_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CorpusStats:
        return cls(**json.loads(text))


@dataclass
class _Entry:
    paper: int  # pool index, or -1 - n for the n-th unique anonymous abstract
    venue: int = -1  # index in VENUES, -1: the paper's primary venue
    abstract: bool = True
    lowercase: bool = False


@dataclass
class _PagePlan:
    name: str  # "" for an anonymous page
    entries: list[_Entry]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _title_key(title: str) -> str:
    """catalog.normalize.fold for the ASCII titles generated here."""
    return _KEY_JUNK.sub(" ", title.lower()).strip()


def file_names(pages: int, seed: int = 0) -> list[str]:
    """The corpus's file names, in page order ('000123_0123456789abcdef.txt')."""
    rng = random.Random(f"authorprofiles-corpus:{seed}:names")
    width = max(3, len(str(max(pages - 1, 0))))
    return [f"{index:0{width}d}_{rng.getrandbits(64):016x}.txt" for index in range(pages)]


class _Generator:
    def __init__(self, pages: int, seed: int) -> None:
        if pages < 0:
            raise ValueError("pages must be >= 0")
        self.pages = pages
        self.seed = seed
        self.phrases, self.capitals, self.phrase_words = self._phrase_bank()
        self.title_vocab = _words(_TITLE_WORDS)
        self.families = _words(_FAMILY_NAMES)
        self.givens = _words(_GIVEN_NAMES)
        mean_entries = (ENTRIES_MIN + ENTRIES_MODE + ENTRIES_MAX) / 3
        self.pool_size = max(50, int(pages * mean_entries * POOL_PER_ENTRY))
        self.popularity = list(
            itertools.accumulate(
                1.0 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT for rank in range(self.pool_size)
            )
        )
        self.venue_weights = list(itertools.accumulate(w for _, w in VENUES))

    def _phrase_bank(self) -> tuple[list[str], list[str], float]:
        """Phrases of 2-5 words drawn from the vocabulary; abstracts are built from them.

        Drawing phrases instead of single words makes abstracts five times cheaper to
        generate; with 8192 phrases, two abstracts never coincide in practice.
        """
        rng = self._rng("phrases")
        vocab = _words(_ABSTRACT_WORDS)
        phrases: list[str] = []
        words = 0
        for _ in range(PHRASE_BANK):
            chosen = rng.choices(vocab, k=rng.randint(2, 5))
            words += len(chosen)
            phrase = " ".join(chosen)
            phrases.append(phrase + "," if rng.random() < 0.1 else phrase)
        for index, word in zip(
            rng.sample(range(PHRASE_BANK), RARE_PHRASES),
            itertools.cycle(_words(_RARE_WORDS)),
            strict=False,
        ):
            phrases[index] = f"{phrases[index]} {word}"
        capitals = [p[:1].upper() + p[1:] for p in phrases]
        return phrases, capitals, words / PHRASE_BANK

    def _rng(self, purpose: str) -> random.Random:
        return random.Random(f"authorprofiles-corpus:{self.seed}:{purpose}")

    # -- plan: which page lists which paper, how --

    def plan(self) -> list[_PagePlan]:
        rng = self._rng("plan")
        plans: list[_PagePlan] = []
        names: list[str] = []
        unique = 0
        population = range(self.pool_size)
        for _ in range(self.pages):
            count = max(1, round(rng.triangular(ENTRIES_MIN, ENTRIES_MAX, ENTRIES_MODE)))
            papers: list[int] = []
            seen: set[int] = set()
            while len(papers) < count:
                for paper in rng.choices(population, cum_weights=self.popularity, k=count):
                    if paper not in seen and len(papers) < count:
                        seen.add(paper)
                        papers.append(paper)
            if rng.random() < ANONYMOUS_SHARE:
                entries = []
                for paper in papers:
                    if rng.random() < ANONYMOUS_UNIQUE_SHARE:
                        unique += 1
                        paper = -unique
                    entries.append(_Entry(paper))
                plans.append(_PagePlan("", entries))
                continue
            entries = [
                _Entry(
                    paper,
                    abstract=rng.random() >= NO_ABSTRACT_SHARE,
                    lowercase=rng.random() < LOWERCASE_TITLE_SHARE,
                )
                for paper in papers
            ]
            if rng.random() < SECOND_VENUE_SHARE:
                at = rng.randrange(len(entries))
                later = rng.randrange(at + 1, len(entries) + 1)
                repeat = _Entry(entries[at].paper, venue=-2, abstract=entries[at].abstract)
                entries.insert(later, repeat)
            homonym = names and rng.random() < HOMONYM_SHARE
            name = rng.choice(names) if homonym else self._name(rng)
            names.append(name)
            plans.append(_PagePlan(name, entries))
        return plans

    def _name(self, rng: random.Random) -> str:
        """'Family, Given': half of the family names common ones, half made of syllables."""
        if rng.random() < COMMON_FAMILY_SHARE:
            family = rng.choice(self.families)
        else:
            family = "".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize()
        given = rng.choice(self.givens)
        if rng.random() < MIDDLE_INITIAL_SHARE:
            given = f"{given} {rng.choice(_INITIALS)}."
        return f"{family}, {given}"

    # -- text of the papers the plan uses --

    def texts(
        self, plans: list[_PagePlan]
    ) -> tuple[dict[int, tuple[str, str, int, int]], list[str]]:
        """Pool papers used: index -> (title, abstract, venue, second venue); unique abstracts."""
        rng = self._rng("text")
        used = sorted({e.paper for p in plans for e in p.entries if e.paper >= 0})
        unique_count = max((-e.paper for p in plans for e in p.entries if e.paper < 0), default=0)
        papers: dict[int, tuple[str, str, int, int]] = {}
        title_keys: set[str] = set()
        venues = range(len(VENUES))
        for index in used:
            title = self._title(rng)
            while _title_key(title) in title_keys:
                title = self._title(rng)
            title_keys.add(_title_key(title))
            venue, second = rng.choices(venues, cum_weights=self.venue_weights, k=2)
            while second == venue:
                second = rng.choice(venues)
            papers[index] = (title, self._abstract(rng), venue, second)
        uniques = [self._abstract(rng) for _ in range(unique_count)]
        return papers, uniques

    def _title(self, rng: random.Random) -> str:
        template = rng.choice(_TITLE_TEMPLATES)
        words = rng.sample(self.title_vocab, 6)
        return template.format(
            A=words[0], B=words[1], C=words[2], D=words[3], E=words[4], F=words[5]
        )

    def _abstract(self, rng: random.Random) -> str:
        """About 120-200 words: sentences of 3 to 8 phrases of the phrase bank."""
        count = round(rng.randint(*ABSTRACT_WORDS) / self.phrase_words)
        bits = rng.getrandbits
        picks = [bits(PHRASE_BITS) for _ in range(count)]
        phrases, capitals = self.phrases, self.capitals
        parts = [phrases[i] for i in picks]
        lengths = bits(128)  # base-6 digits: sentence lengths of 3 to 8 phrases
        start = 0
        while start < count:
            parts[start] = capitals[picks[start]]
            lengths, step = divmod(lengths, 6)
            start += 3 + step
            if start < count:
                parts[start - 1] = parts[start - 1].rstrip(",") + "."
        parts[-1] = parts[-1].rstrip(",") + "."
        return " ".join(parts)

    # -- page text --

    def render(
        self,
        plans: list[_PagePlan],
        papers: dict[int, tuple[str, str, int, int]],
        uniques: list[str],
    ) -> Iterator[str]:
        for plan in plans:
            if not plan.name:
                lines = [ANONYMOUS_LABEL]
                for entry in plan.entries:
                    abstract = (
                        papers[entry.paper][1] if entry.paper >= 0 else uniques[-1 - entry.paper]
                    )
                    lines.append(f"Abstract:{abstract}")
                yield "\n".join(lines)
                continue
            blocks = [f"Goto\n\nCollaborating Authors\n\n{NBSP}{plan.name}"]
            for entry in plan.entries:
                title, abstract, venue, second = papers[entry.paper]
                if entry.lowercase:
                    title = title.lower()
                venue_name = VENUES[second if entry.venue == -2 else venue][0]
                if entry.abstract:
                    blocks.append(f"{title}\n\n{venue_name}\n\n{abstract}")
                else:
                    blocks.append(f"{title}\n\n{venue_name}")
            yield "\n\n\n".join(blocks)

    def stats(
        self,
        plans: list[_PagePlan],
        papers: dict[int, tuple[str, str, int, int]],
        uniques: list[str],
        size: int,
    ) -> CorpusStats:
        named = [p for p in plans if p.name]
        entries = sum(len(p.entries) for p in plans)
        titled = sum(len(p.entries) for p in named)
        # How each pool paper is seen: with title and abstract, title only, abstract only.
        forms: dict[int, set[str]] = {}
        venues: set[int] = set()
        for plan in plans:
            for entry in plan.entries:
                if entry.paper < 0:
                    continue
                if not plan.name:
                    form = "abstract"
                else:
                    form = "both" if entry.abstract else "title"
                    _, _, venue, second = papers[entry.paper]
                    venues.add(second if entry.venue == -2 else venue)
                forms.setdefault(entry.paper, set()).add(form)
        certain = sum(2 if f == {"title", "abstract"} else 1 for f in forms.values())
        return CorpusStats(
            pages=len(plans),
            named_pages=len(named),
            anonymous_pages=len(plans) - len(named),
            entries=entries,
            titled_entries=titled,
            abstract_only_entries=entries - titled,
            entries_without_abstract=sum(1 for p in named for e in p.entries if not e.abstract),
            second_venue_entries=sum(1 for p in named for e in p.entries if e.venue == -2),
            distinct_papers=len(forms) + len(uniques),
            certain_papers=certain + len(uniques),
            venues=len(venues),
            authorships=sum(len({e.paper for e in p.entries}) for p in named),
            author_names=len({p.name for p in named}),
            bytes=size,
            seed=self.seed,
        )


def _pages(pages: int, seed: int) -> tuple[_Generator, list[_PagePlan], dict, list[str]]:
    gen = _Generator(pages, seed)
    plans = gen.plan()
    papers, uniques = gen.texts(plans)
    return gen, plans, papers, uniques


def generate(pages: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """Yield (file name, text) for every page, in page order."""
    gen, plans, papers, uniques = _pages(pages, seed)
    yield from zip(file_names(pages, seed), gen.render(plans, papers, uniques), strict=True)


def write_corpus(directory: Path, pages: int, seed: int = 0) -> CorpusStats:
    """Write ``pages`` page files into ``directory`` (created if missing); return counts."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    gen, plans, papers, uniques = _pages(pages, seed)
    size = 0
    for name, text in zip(file_names(pages, seed), gen.render(plans, papers, uniques), strict=True):
        data = text.encode("utf-8")
        size += len(data)
        (directory / name).write_bytes(data)
    return gen.stats(plans, papers, uniques, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    stats = write_corpus(args.directory, args.pages, args.seed)
    print(f"{time.perf_counter() - started:.1f}s", stats.to_json())


if __name__ == "__main__":
    main()
