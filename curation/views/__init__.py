"""The curators' pages. Each operation is a form that shows what will change
(the service run and rolled back), then does it on confirmation.

Views parse input and call ``curation.services``, the selectors and the finders;
none writes a model or reads one past the selectors.

- ``base``: the curator check, the operation form flow, shared request helpers;
- ``queues``: the dashboard and the queue pages;
- ``pages``: assign and unassign a page;
- ``batch``: accept all confident suggestions (many pages, one action);
- ``merges``: merge papers, merge authors, dismiss a duplicate pair;
- ``edits``: split a profile, edit an author or a paper;
- ``history``: the history, one action's changes, undo;
- ``reports``: readers' reports, resolved or dismissed;
- ``uploads``: uploading page files, an import job's progress, recent imports.
"""

from .batch import AcceptConfidentView
from .edits import EditAuthorView, EditPaperView, SplitAuthorView
from .history import ActionDetailView, HistoryView, UndoView
from .merges import DismissView, MergeAuthorsView, MergePapersView
from .pages import PageAssignView, PageRejectView, PageUnassignView
from .queues import (
    AuthorDuplicatesView,
    DashboardView,
    MixedProfilesView,
    PageQueueView,
    PaperDuplicatesView,
)
from .reports import ReportQueueView, ReportView
from .uploads import ImportJobsView, ImportJobView, UploadView

__all__ = [
    "AcceptConfidentView",
    "ActionDetailView",
    "AuthorDuplicatesView",
    "DashboardView",
    "DismissView",
    "EditAuthorView",
    "EditPaperView",
    "HistoryView",
    "ImportJobView",
    "ImportJobsView",
    "MergeAuthorsView",
    "MergePapersView",
    "MixedProfilesView",
    "PageAssignView",
    "PageQueueView",
    "PageRejectView",
    "PageUnassignView",
    "PaperDuplicatesView",
    "ReportQueueView",
    "ReportView",
    "SplitAuthorView",
    "UndoView",
    "UploadView",
]
