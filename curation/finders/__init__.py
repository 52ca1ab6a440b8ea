"""Read-only finders for the curators' dashboard: what deserves a curator's look.

Four questions, each answered with ranked candidates and the evidence a curator
needs to decide (nothing here writes to the database):

1. ``page_judgement`` / ``pages_to_assign`` (:mod:`.suggestions`, facts from
   :mod:`.page_facts`): which author an anonymous page belongs to, as the learned
   matcher (:mod:`curation.matcher`) judges it: a calibrated probability per
   candidate, a new-author probability, and a recommendation;
2. ``duplicate_paper_candidates`` (:mod:`.paper_pairs`): pairs of papers that
   may be one paper but were not joined by the importer (which joins only when
   certain);
3. ``duplicate_author_candidates`` (:mod:`.author_pairs`): authors whose names
   are the same up to case, accents, word order or initials (authors are never
   merged automatically);
4. ``mixed_profiles`` / ``profile_clusters`` (:mod:`.profiles`): profiles whose
   papers fall into groups sharing no co-author and little vocabulary (homonyms
   on one page).

Work that grows with the catalogue goes through blocking keys, never all pairs:
candidates come from the page's papers and their authors' co-authors, papers are
compared only within groups sharing the start or end of a title or abstract
(cut by the database in one scan), and authors only within (family name,
initial) groups.
Each finder runs a fixed number of queries, however many rows it looks at; the
counts are documented on each function. Tombstones (merged records) are never
candidates.

Text similarity uses TF-IDF over folded words. The word weights come from an
evenly spaced sample of the catalogue's papers (:func:`.common.catalogue_vocabulary`),
so a word found in every other abstract ("language", "model") says little and a
rare one ("pde", "decentralized") says a lot.

The modules, each depending only on those before it:

- :mod:`.text`, :mod:`.name_rules`, :mod:`.clustering`: the pure helpers (words,
  vectors, similarities; name rules; grouping a profile's papers). They take
  plain values, import nothing from Django or ``catalog.models``, and are
  unit-tested on their own;
- :mod:`.common`: what the finders share that reads the catalogue (word
  weights, co-authors, authors by id);
- :mod:`.page_facts` (the matcher's facts), then :mod:`.suggestions`,
  :mod:`.paper_pairs`, :mod:`.author_pairs`, :mod:`.profiles`: the four
  finders above.

Every public name is re-exported here: callers use ``finders.page_suggestions``
and ``from curation.finders import ...``.
"""

from .author_pairs import (
    AuthorPair,
    SharedCoauthor,
    author_pair_order,
    author_pair_score,
    duplicate_author_candidates,
)
from .clustering import TITLES_ONLY, WITH_ABSTRACTS, PaperFeatures, Thresholds, cluster_papers
from .common import ABSTRACT_CHARS, MAX_LINK_AUTHORS, VOCABULARY_SAMPLE, catalogue_vocabulary
from .name_rules import (
    CASE_OR_ACCENTS,
    INITIALS,
    MAX_INITIAL_MATCHES,
    MAX_NAME_BLOCK,
    MIDDLE_NAME,
    NAME_RULE_STRENGTH,
    SAME_NAME,
    SHORT_GIVEN,
    SWAPPED,
    WORD_ORDER,
    NameForm,
    name_candidate_pairs,
    name_rule,
)
from .page_facts import MAX_COAUTHOR_CANDIDATES, MAX_DIRECT_CANDIDATES, MAX_TEXT_PAPERS
from .paper_pairs import (
    ABSTRACT_KEY_CHARS,
    ABSTRACT_THRESHOLD,
    COMMON_TITLE_FACTOR,
    MAX_PAPER_BLOCK,
    MAX_SAME_TITLE,
    MIN_SPECIFIC_TITLE_WORDS,
    TITLE_KEY_CHARS,
    TITLE_THRESHOLD,
    UNRELATED_ABSTRACTS,
    PaperPair,
    PaperSide,
    duplicate_paper_candidates,
    paper_pair_order,
    paper_pair_score,
)
from .profiles import (
    MAX_PROFILE_PAPERS,
    MAX_PROFILES_EXAMINED,
    MIN_PROFILE_PAPERS,
    PROFILE_BATCH,
    Cluster,
    ClusterPaper,
    MixedProfile,
    examined_profiles,
    mixed_profile_order,
    mixed_profiles,
    profile_clusters,
    profile_judgement,
)
from .suggestions import (
    RECOMMENDATIONS,
    PageToAssign,
    SharedPaper,
    Suggestion,
    page_judgement,
    page_judgements,
    page_order,
    page_suggestions,
    pages_to_assign,
)
from .text import (
    DROPPED_SUBTITLE,
    MIN_MAIN_TITLE_WORDS,
    MIN_WORD_LENGTH,
    STOP_WORDS,
    Vector,
    Vocabulary,
    add_vectors,
    cosine,
    counts_vector,
    dropped_subtitle,
    main_title,
    normalized,
    rarity_weight,
    shared_words,
    stem,
    text_similarity,
    text_vector,
    title_similarity,
    top_words,
    words,
)

__all__ = [
    # text
    "DROPPED_SUBTITLE",
    "MIN_MAIN_TITLE_WORDS",
    "MIN_WORD_LENGTH",
    "STOP_WORDS",
    "Vector",
    "Vocabulary",
    "add_vectors",
    "cosine",
    "counts_vector",
    "dropped_subtitle",
    "main_title",
    "normalized",
    "rarity_weight",
    "shared_words",
    "stem",
    "text_similarity",
    "text_vector",
    "title_similarity",
    "top_words",
    "words",
    # common
    "ABSTRACT_CHARS",
    "MAX_LINK_AUTHORS",
    "VOCABULARY_SAMPLE",
    "catalogue_vocabulary",
    # suggestions
    "MAX_COAUTHOR_CANDIDATES",
    "MAX_DIRECT_CANDIDATES",
    "MAX_TEXT_PAPERS",
    "PageToAssign",
    "SharedPaper",
    "Suggestion",
    "RECOMMENDATIONS",
    "page_judgement",
    "page_judgements",
    "page_order",
    "page_suggestions",
    "pages_to_assign",
    # paper_pairs
    "ABSTRACT_KEY_CHARS",
    "ABSTRACT_THRESHOLD",
    "COMMON_TITLE_FACTOR",
    "MAX_PAPER_BLOCK",
    "MAX_SAME_TITLE",
    "MIN_SPECIFIC_TITLE_WORDS",
    "TITLE_KEY_CHARS",
    "TITLE_THRESHOLD",
    "UNRELATED_ABSTRACTS",
    "PaperPair",
    "PaperSide",
    "duplicate_paper_candidates",
    "paper_pair_order",
    "paper_pair_score",
    # name_rules
    "CASE_OR_ACCENTS",
    "INITIALS",
    "MAX_INITIAL_MATCHES",
    "MAX_NAME_BLOCK",
    "MIDDLE_NAME",
    "NAME_RULE_STRENGTH",
    "SAME_NAME",
    "SHORT_GIVEN",
    "SWAPPED",
    "WORD_ORDER",
    "NameForm",
    "name_candidate_pairs",
    "name_rule",
    # author_pairs
    "AuthorPair",
    "SharedCoauthor",
    "author_pair_order",
    "author_pair_score",
    "duplicate_author_candidates",
    # clustering
    "TITLES_ONLY",
    "WITH_ABSTRACTS",
    "PaperFeatures",
    "Thresholds",
    "cluster_papers",
    # profiles
    "MAX_PROFILE_PAPERS",
    "MAX_PROFILES_EXAMINED",
    "MIN_PROFILE_PAPERS",
    "PROFILE_BATCH",
    "Cluster",
    "ClusterPaper",
    "MixedProfile",
    "examined_profiles",
    "mixed_profile_order",
    "mixed_profiles",
    "profile_clusters",
    "profile_judgement",
]
