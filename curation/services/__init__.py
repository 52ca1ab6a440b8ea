"""Every change a curator makes: one function per operation, atomic, audited, undoable.

Each operation locks the rows it works on, refuses stale forms (``version``, from
:func:`record_version` when the form was shown), makes its writes with the ORM
and records them through a :class:`~curation.journal.Journal` in the same
transaction. :func:`undo_action` replays that record backwards.

Views, admin actions, commands and tests call these functions; none repeats
their logic. They raise ``ValidationError`` with one of the message constants
of ``messages``, which the views show and the tests assert.

Where things are:

- ``messages``: the refusal messages;
- ``frame``: what every operation shares (curator check, locks, versions, recording);
- ``records``: building a new author, checking an ORCID, moving authorships;
- ``pages``: assign and unassign a page, assign many at once;
- ``merges``: merge papers, merge authors, dismiss a duplicate pair;
- ``edits``: split a profile, edit an author or a paper;
- ``reports``: resolve or dismiss a reader's report;
- ``undo``: undo an action, and the later actions that depend on it;
- ``preview``: run an operation and roll it back, to show what it would change.

This module only re-exports the public names, so callers write
``services.merge_authors(...)`` and ``services.STALE_FORM``.
"""

from . import messages
from .edits import edit_author, edit_paper, split_author
from .frame import record_version
from .merges import dismiss_pair, merge_authors, merge_papers
from .messages import *  # noqa: F403 (every message constant is part of the interface)
from .pages import assign_page, assign_pages, check_unassignable, reject_suggestion, unassign_page
from .preview import Preview, preview
from .records import NewAuthor
from .reports import dismiss_report, resolve_report
from .undo import dependent_actions, undo_action

__all__ = [
    *messages.__all__,
    "NewAuthor",
    "Preview",
    "assign_page",
    "assign_pages",
    "check_unassignable",
    "dependent_actions",
    "dismiss_pair",
    "dismiss_report",
    "edit_author",
    "edit_paper",
    "merge_authors",
    "merge_papers",
    "preview",
    "record_version",
    "reject_suggestion",
    "resolve_report",
    "split_author",
    "undo_action",
    "unassign_page",
]
