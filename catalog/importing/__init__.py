"""Import scraped author pages into the catalogue.

Every file is read and parsed first (pure code: a rejected file never reaches
the database). Valid pages are then written in source-name order, a batch of
pages per transaction with bulk inserts; if the database refuses anything in a
batch, the batch is rolled back and replayed one page per transaction, so a
page is always imported whole or not at all and one bad page stops no other.

Matching rules (DESIGN.md):
- an entry whose normalized abstract is known joins that paper;
- otherwise, an entry joins the one paper with the same normalized title whose
  abstract is the same or missing (two or more such papers: not certain, so a
  new paper, left for curators to compare);
- a title seen again with another venue adds an appearance, not a paper;
- named pages create their own author (authors are never merged by import);
  anonymous pages create none and wait for a curator.

What is shown (title, abstract, venue name) is chosen among the spellings by
``normalize.choose_display``, a rule over the set of spellings: any file order
gives the same catalogue.

The package:
- ``files``: finding, reading and parsing page files (a process pool when there
  are many, whose processes die with the import), the result and report types,
  the messages of a rejected or skipped file;
- ``run``: ``import_pages``, the batches and their transactions;
- ``matching``: ``_Matcher``, the index of a batch and the rules above, which
  resolve each entry to a paper and a venue (reads the database, writes nothing);
- ``writing``: ``_Batch``, one batch in one transaction: which pages are new,
  changed or unchanged, and every row written;
- ``repair``: the import lock (two imports at once write one after the other)
  and the fold of papers left sharing an abstract;
- ``summary``: ``summary_line``, the one-line summary of a report and the
  catalogue's figures (``import_seeds`` prints it, the upload job shows it).
Paper upkeep shared with curation (shown spelling, slugs, keys) is in
``catalog.papers``, not here. This module only re-exports.
"""

from .files import (
    CHANGED_DURING_IMPORT,
    DANGLING_LINK,
    DATABASE_REFUSED,
    DUPLICATE_SOURCE,
    FOLDER_AGAIN,
    FOLDER_LOOP,
    KIND_CHANGED,
    LINK_LOOP,
    LINK_OUTSIDE,
    NAME_NOT_UTF8,
    NOT_A_FILE,
    TOO_LARGE,
    UNREADABLE,
    FileResult,
    FileStatus,
    ImportReport,
    PageFile,
    find_page_files,
    read_page_file,
)
from .run import DEFAULT_BATCH_PAGES, PARALLEL_MIN_FILES, import_pages
from .summary import summary_line
from .writing import _Batch as _Batch  # tests replace _Batch.run

__all__ = [
    "CHANGED_DURING_IMPORT",
    "DATABASE_REFUSED",
    "DEFAULT_BATCH_PAGES",
    "DUPLICATE_SOURCE",
    "DANGLING_LINK",
    "FOLDER_AGAIN",
    "FOLDER_LOOP",
    "KIND_CHANGED",
    "LINK_LOOP",
    "LINK_OUTSIDE",
    "NAME_NOT_UTF8",
    "NOT_A_FILE",
    "PARALLEL_MIN_FILES",
    "TOO_LARGE",
    "UNREADABLE",
    "FileResult",
    "FileStatus",
    "ImportReport",
    "PageFile",
    "find_page_files",
    "import_pages",
    "read_page_file",
    "summary_line",
]
