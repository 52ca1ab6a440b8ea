"""The messages services refuse with: one constant each, which views show and tests assert.

Nothing here runs; the operations live in the sibling modules.
"""

from __future__ import annotations

NOT_A_CURATOR = "Only curators can change the catalogue."
STALE_FORM = (
    "Someone changed these records since you opened the form. Nothing was changed: "
    "reload the page, check what it shows now, and try again."
)
NOTHING_TO_DO = "This would change nothing."
ALREADY_MERGED = "{record} was merged into another record; work on the record it redirects to."
PAGE_ALREADY_ASSIGNED = "Page {page} is already assigned to {author}. Unassign it first."
# Assigning many pages at once (the confident suggestions): each names the page.
PAGE_LISTED_TWICE = "Page {page} is listed twice: a page goes to one author."
PAGE_GONE_MEANWHILE = (
    "Page {page} no longer exists. Nothing was changed: reload the list and try again."
)
PAGE_ASSIGNED_MEANWHILE = (
    "Page {page} was assigned to {author} meanwhile. Nothing was changed: reload the list "
    "and try again."
)
AUTHOR_GONE_MEANWHILE = (
    "{author}, suggested for page {page}, was merged into another record or removed "
    "meanwhile. Nothing was changed: reload the list and try again."
)
PAGE_NOT_CURATOR_ASSIGNED = (
    "Page {page} was assigned by the import, not by a curator: split the profile instead."
)
PAGE_NOT_ASSIGNED = "Page {page} is not assigned to anyone."
ALREADY_REJECTED = "Page {page} is already recorded as not {author}'s."
REJECT_OWN_AUTHOR = (
    "Page {page} is assigned to {author}: unassign it (which records that it is not theirs)."
)
CHOOSE_ONE_AUTHOR = "Choose an existing author or give the name of a new one, not both."
NAME_REQUIRED = "A family name is required."
NAME_SHOWN_STAYS = "{name} is the name shown: it stays a name variant."
TAKEN_MEANWHILE = (
    "Another change took this ORCID or address at the same moment. Nothing was changed; "
    "reload the form and check."
)
MAX_NAME_LENGTH = 300  # Author.display_name and AuthorName.name
NAME_TOO_LONG = (
    f"The family name and given names together can be at most {MAX_NAME_LENGTH - 2} characters."
)
ORCID_TAKEN = "ORCID {orcid} already belongs to {author}."
ORCID_CONFLICT = (
    "These authors have different ORCIDs ({orcids}): they are different people and "
    "cannot be merged."
)
MERGE_NEEDS_TWO = "Select at least two different records to merge."
SURVIVOR_NOT_SELECTED = "The record to keep must be one of the records being merged."
PAPER_NOT_ON_PROFILE = "{paper} is not on the profile of {author}."
SPLIT_NEEDS_PAPERS = "Select the papers to move."
SPLIT_ALL = "Select only some of the papers: moving all of them is a merge."
SPLIT_SAME_AUTHOR = "Papers can only move to another author."
PAPER_NEEDS_TEXT = "A paper needs a title or an abstract."
PAIR_SAME_RECORD = "A record cannot be a duplicate of itself."
PAIR_ALREADY_DISMISSED = "This pair was already dismissed."
UNDO_ALREADY_UNDONE = "This action was already undone."
UNDO_DEPENDS = "Undo refused: later actions depend on this one: {actions}. Undo those first."
UNDO_CHANGED_SINCE = (
    "Undo refused: {record} changed since this action (a later import or action). "
    "Nothing was changed. To reverse the action now, make the opposite change as a new "
    "action (unassign the page, split the profile, edit the record)."
)
UNDO_VALUE_TAKEN = (
    "Undo refused: {record} now holds a value ({fields}) this action would give back. "
    "Nothing was changed."
)
UNDO_CONFLICT = (
    "Undo refused: the records cannot go back as they were, because another record now "
    "holds a value they need (an address or an ORCID). Nothing was changed."
)

# Readers' reports.
REPORT_DECIDED = "This report was {state} already: reload the queue."
REASON_REQUIRED = "Say why the report is dismissed: the reader's problem stays on record."

__all__ = [name for name in dir() if name.isupper()]
