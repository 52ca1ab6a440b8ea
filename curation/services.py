"""Every change a curator makes: one function per operation, atomic, audited, undoable.

Each operation locks the rows it works on, refuses stale forms (``version``, from
:func:`record_version` when the form was shown), makes its writes with the ORM
and records them through a :class:`~curation.journal.Journal` in the same
transaction. :func:`undo_action` replays that record backwards.

Views, admin actions, commands and tests call these functions; none repeats
their logic. They raise ``ValidationError`` with one of the message constants
below, which the views show and the tests assert.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import Truncator

from catalog.bulk import update_rows
from catalog.papers import refresh_papers, save_paper_display
from catalog.models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    AuthorSlugAlias,
    DecidedBy,
    Paper,
    PaperSlugAlias,
    SourceEntry,
    SourcePage,
    validate_orcid,
)
from catalog.names import PersonName, parse_name
from catalog.normalize import abstract_key, clean_text, fold, title_key
from catalog.slugs import allocate_slugs, author_slug_base, slug_candidates

from .access import is_curator
from .journal import (
    JOURNALED,
    MODELS,
    Journal,
    created,
    recorded_rows,
    references,
    snapshot,
    targets,
    touched,
)
from .models import ActionTarget, CurationAction, DismissedPair

Kind = CurationAction.Kind

NOT_A_CURATOR = "Only curators can change the catalogue."
STALE_FORM = (
    "Someone changed these records since you opened the form. Nothing was changed: "
    "reload the page, check what it shows now, and try again."
)
NOTHING_TO_DO = "This would change nothing."
ALREADY_MERGED = "{record} was merged into another record; work on the record it redirects to."
PAGE_ALREADY_ASSIGNED = "Page {page} is already assigned to {author}. Unassign it first."
PAGE_NOT_CURATOR_ASSIGNED = (
    "Page {page} was assigned by the import, not by a curator: split the profile instead."
)
PAGE_NOT_ASSIGNED = "Page {page} is not assigned to anyone."
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


@dataclass(frozen=True)
class NewAuthor:
    """The name (and ORCID) of an author a curator creates in the same step."""

    family_name: str
    given_name: str = ""
    orcid: str = ""

    @property
    def person(self) -> PersonName:
        """The cleaned name; refused when empty or longer than the name columns hold."""
        person = PersonName(family=clean_text(self.family_name), given=clean_text(self.given_name))
        if not person.family:
            raise ValidationError(NAME_REQUIRED, code="name")
        if len(person.inverted) > MAX_NAME_LENGTH:
            raise ValidationError(NAME_TOO_LONG, code="name_length")
        return person


# --- versions: refusing stale forms ------------------------------------------------


def record_version(*records: models.Model) -> str:
    """A short token of the records' last changes; a form carries it back.

    Every operation moves ``updated_at`` of the records it changes, so a token
    taken when the form was shown differs once anyone changed one of them.
    """
    parts = sorted(
        f"{r._meta.label_lower}:{r.pk}:{r.updated_at.isoformat()}:"
        f"{getattr(r, 'merged_into_id', '')}"
        for r in records
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _check_version(records: Sequence[models.Model], version: str | None) -> None:
    if version is not None and version != record_version(*records):
        raise ValidationError(STALE_FORM, code="stale")


# --- the frame every operation shares ------------------------------------------------


def _require_curator(actor: AbstractBaseUser) -> None:
    if not is_curator(actor):
        raise PermissionDenied(NOT_A_CURATOR)


def _lock(model: type[models.Model], ids: Iterable[int]) -> dict[int, Any]:
    """Fetch and lock rows (PostgreSQL row locks; SQLite transactions already
    take the write lock at BEGIN). Always in id order, so two curators cannot deadlock."""
    rows = model.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {row.pk: row for row in rows}


def _require_live(records: Iterable[Author | Paper]) -> None:
    for record in records:
        if record.merged_into_id is not None:
            raise ValidationError(ALREADY_MERGED.format(record=record), code="merged")


def _touch(model: type[models.Model], ids: Iterable[int]) -> None:
    """Move ``updated_at``: stale forms are refused and cached public pages renew."""
    model.objects.filter(pk__in=set(ids)).update(updated_at=timezone.now())


@contextmanager
def _recording(kind: str, actor: AbstractBaseUser) -> Iterator[tuple[CurationAction, Journal]]:
    """Create the action, let the operation work and watch, then store what changed."""
    action = CurationAction.objects.create(
        kind=kind, actor=actor, actor_name=actor.get_username(), summary=""
    )
    journal = Journal()
    yield action, journal
    rows = journal.differences()
    if not rows:
        raise ValidationError(NOTHING_TO_DO, code="nothing")
    action.changes = {"rows": rows}
    action.summary = Truncator(action.summary).chars(500)
    action.save(update_fields=["summary", "changes"])
    ActionTarget.objects.bulk_create(
        [ActionTarget(action=action, model=m, object_id=i) for m, i in sorted(targets(rows))]
    )


def _name_row(author: Author, name: str, *, added_by: str = DecidedBy.CURATOR) -> AuthorName:
    return AuthorName(author=author, name=name, search_key=fold(name), added_by=added_by)


ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def _check_orcid(orcid: str, *, allowed: Iterable[int] = ()) -> str:
    """The bare ORCID (a pasted https://orcid.org/ address is fine), checked and free."""
    orcid = orcid.strip()
    for prefix in ORCID_PREFIXES:
        if orcid.lower().startswith(prefix):
            orcid = orcid[len(prefix) :]
            break
    orcid = orcid.upper()
    if not orcid:
        return ""
    validate_orcid(orcid)
    holder = Author.objects.filter(orcid=orcid).exclude(pk__in=list(allowed)).first()
    if holder is not None:
        raise ValidationError(ORCID_TAKEN.format(orcid=orcid, author=holder), code="orcid_taken")
    return orcid


def _new_author(spec: NewAuthor, *, identity: str) -> Author:
    """An unsaved author with its slug chosen (free, never used before)."""
    person = spec.person
    author = Author(
        display_name=person.display,
        family_name=person.family,
        given_name=person.given,
        sort_key=person.sort_key,
        orcid=_check_orcid(spec.orcid),
    )
    base = author_slug_base(person.family, person.given)
    allocate_slugs(Author, [(author, slug_candidates(base, f"{person.inverted}\n{identity}"))])
    return author


@contextmanager
def _unique_values_checked() -> Iterator[None]:
    """A unique value (ORCID, slug) another curator took between our check and our
    write: refuse cleanly (the savepoint keeps the transaction usable)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ValidationError(TAKEN_MEANWHILE, code="taken") from error


def _save_new_author(author: Author) -> Author:
    with _unique_values_checked():
        author.save()
    AuthorName.objects.create(
        author=author,
        name=author.inverted_name,
        search_key=fold(author.inverted_name),
        added_by=DecidedBy.CURATOR,
    )
    return author


def _move_authorships(authorships: Iterable[Authorship], *, field: str, to: int, pin: bool) -> None:
    """Point authorships at another author (``field="author"``) or paper.

    Where the target already has an authorship for the same paper (or author),
    the moving one's entries join it and the emptied row goes: provenance stays.
    """
    authorships = list(authorships)
    other = "paper" if field == "author" else "author"
    present = {
        getattr(a, f"{other}_id"): a
        for a in Authorship.objects.filter(**{f"{field}_id": to}).filter(
            **{f"{other}_id__in": [getattr(a, f"{other}_id") for a in authorships]}
        )
    }
    entry_moves: list[tuple[int, int]] = []
    emptied: list[int] = []
    moved: list[int] = []
    pinned: list[int] = []
    for authorship in authorships:
        keeper = present.get(getattr(authorship, f"{other}_id"))
        if keeper is None:
            moved.append(authorship.pk)
            present[getattr(authorship, f"{other}_id")] = authorship
            continue
        entry_moves.append((keeper.pk, authorship.pk))
        emptied.append(authorship.pk)
        if (pin or authorship.curated) and not keeper.curated:
            pinned.append(keeper.pk)
    for keeper_id, old_id in entry_moves:
        SourceEntry.objects.filter(authorship_id=old_id).update(authorship_id=keeper_id)
    Authorship.objects.filter(pk__in=emptied).delete()
    changes: dict[str, Any] = {f"{field}_id": to}
    if pin:
        changes.update(curated=True, decided_by=DecidedBy.CURATOR)
    Authorship.objects.filter(pk__in=moved).update(**changes)
    Authorship.objects.filter(pk__in=pinned).update(curated=True, decided_by=DecidedBy.CURATOR)


# --- 1. assign and unassign a page ------------------------------------------------------


def assign_page(
    *,
    page: SourcePage,
    actor: AbstractBaseUser,
    author: Author | None = None,
    new_author: NewAuthor | None = None,
    version: str | None = None,
) -> CurationAction:
    """Give an unassigned page to an author (an existing one, or one created now).

    Every entry of the page claims an authorship of that author for its paper:
    the entry is the authorship's provenance. Curated: no import changes it.
    """
    _require_curator(actor)
    if (author is None) == (new_author is None):
        raise ValidationError(CHOOSE_ONE_AUTHOR, code="choose")
    with transaction.atomic():
        page = _lock(SourcePage, [page.pk])[page.pk]
        # The version covers the page the form showed; the author is picked in the form.
        _check_version([page], version)
        if author is not None:
            author = _lock(Author, [author.pk])[author.pk]
            _require_live([author])
        if page.author_id is not None:
            raise ValidationError(
                PAGE_ALREADY_ASSIGNED.format(page=page, author=page.author), code="assigned"
            )
        if new_author is not None:
            author = _new_author(new_author, identity=page.source)
        assert author is not None
        with _recording(Kind.ASSIGN_PAGE, actor) as (action, journal):
            journal.watch(Author, Q(slug=author.slug))
            journal.watch(AuthorName, Q(author__slug=author.slug))
            journal.watch(SourcePage, Q(pk=page.pk))
            journal.watch(SourceEntry, Q(page=page))
            paper_ids = set(page.entries.values_list("paper_id", flat=True))
            journal.watch(Authorship, Q(author__slug=author.slug, paper_id__in=paper_ids))
            if author.pk is None:
                _save_new_author(author)
            present = dict(
                Authorship.objects.filter(author=author, paper_id__in=paper_ids).values_list(
                    "paper_id", "pk"
                )
            )
            Authorship.objects.bulk_create(
                [
                    Authorship(
                        paper_id=paper_id,
                        author=author,
                        decided_by=DecidedBy.CURATOR,
                        curated=True,
                    )
                    for paper_id in sorted(paper_ids - present.keys())
                ]
            )
            present = dict(
                Authorship.objects.filter(author=author, paper_id__in=paper_ids).values_list(
                    "paper_id", "pk"
                )
            )
            update_rows(
                SourceEntry,
                ["authorship"],
                [
                    (present[paper_id], pk)
                    for pk, paper_id in page.entries.values_list("pk", "paper_id")
                ],
            )
            page.author = author
            page.assigned_by = DecidedBy.CURATOR
            page.save(update_fields=["author", "assigned_by", "updated_at"])
            _touch(Author, [author.pk])
            action.summary = (
                f"Assigned page {page.source} ({len(paper_ids)} papers) to {author.display_name}"
            )
        return action


def check_unassignable(page: SourcePage) -> None:
    """Only a page a curator assigned can be unassigned (the import's are split)."""
    if page.author_id is None:
        raise ValidationError(PAGE_NOT_ASSIGNED.format(page=page), code="unassigned")
    if page.assigned_by != DecidedBy.CURATOR:
        raise ValidationError(PAGE_NOT_CURATOR_ASSIGNED.format(page=page), code="import")


def unassign_page(
    *, page: SourcePage, actor: AbstractBaseUser, version: str | None = None
) -> CurationAction:
    """Take a page back from the author a curator gave it to: its entries claim
    nothing, and authorships that only this page supported go."""
    _require_curator(actor)
    with transaction.atomic():
        page = _lock(SourcePage, [page.pk])[page.pk]
        _check_version([page], version)
        check_unassignable(page)
        author = page.author
        with _recording(Kind.UNASSIGN_PAGE, actor) as (action, journal):
            paper_ids = set(page.entries.values_list("paper_id", flat=True))
            journal.watch(SourcePage, Q(pk=page.pk))
            journal.watch(SourceEntry, Q(page=page))
            journal.watch(Authorship, Q(author=author, paper_id__in=paper_ids))
            page.entries.update(authorship=None)
            Authorship.objects.filter(
                author=author, paper_id__in=paper_ids, entries__isnull=True
            ).delete()
            page.author = None
            page.assigned_by = ""
            page.save(update_fields=["author", "assigned_by", "updated_at"])
            _touch(Author, [author.pk])
            action.summary = f"Unassigned page {page.source} from {author.display_name}"
        return action


# --- 2. merge papers ------------------------------------------------------------------------


def _merge_members(
    model: type[Author] | type[Paper], survivor: Author | Paper, others: Iterable[Author | Paper]
) -> tuple[Any, list[Any]]:
    ids = [survivor.pk, *(o.pk for o in others)]
    if len(set(ids)) < 2:
        raise ValidationError(MERGE_NEEDS_TWO, code="two")
    locked = _lock(model, ids)
    records = [locked[i] for i in dict.fromkeys(ids)]
    _require_live(records)
    return records[0], records[1:]


def merge_papers(
    *,
    survivor: Paper,
    others: Sequence[Paper],
    actor: AbstractBaseUser,
    title_from: Paper | None = None,
    abstract_from: Paper | None = None,
    version: str | None = None,
) -> CurationAction:
    """Merge papers into ``survivor``: entries, authorships and venues move; the
    others become tombstones that redirect to it.

    The title and abstract come from the papers the curator picks (by default the
    survivor's, or the first merged paper that has one: an abstract-only paper
    merged with a titled one gains the title). Where the merged papers offered
    different values, the choice is pinned against later imports.
    """
    _require_curator(actor)
    with transaction.atomic():
        survivor, others = _merge_members(Paper, survivor, others)
        members = [survivor, *others]
        _check_version(members, version)
        by_id = {p.pk: p for p in members}
        for chosen in (title_from, abstract_from):
            if chosen is not None and chosen.pk not in by_id:
                raise ValidationError(SURVIVOR_NOT_SELECTED, code="survivor")
        title_source = (
            by_id[title_from.pk] if title_from else next((p for p in members if p.title), survivor)
        )
        abstract_source = (
            by_id[abstract_from.pk]
            if abstract_from
            else next((p for p in members if p.abstract), survivor)
        )
        if not title_source.title and not abstract_source.abstract:
            raise ValidationError(PAPER_NEEDS_TEXT, code="empty")
        ids = list(by_id)
        other_ids = ids[1:]
        with _recording(Kind.MERGE_PAPERS, actor) as (action, journal):
            journal.watch(Paper, Q(pk__in=ids))
            journal.watch(PaperSlugAlias, Q(paper_id__in=ids))
            journal.watch(Authorship, Q(paper_id__in=ids))
            journal.watch(SourceEntry, Q(paper_id__in=ids))
            _move_authorships(
                Authorship.objects.filter(paper_id__in=other_ids).order_by("pk"),
                field="paper",
                to=survivor.pk,
                pin=False,
            )
            SourceEntry.objects.filter(paper_id__in=other_ids).update(paper=survivor)
            Paper.objects.filter(pk__in=other_ids).update(
                merged_into=survivor, updated_at=timezone.now()
            )
            Appearance.objects.filter(paper_id__in=other_ids).delete()
            titles = {p.title for p in members if p.title}
            abstracts = {p.abstract for p in members if p.abstract}
            survivor.title = title_source.title
            survivor.title_key = title_key(survivor.title)
            survivor.abstract = abstract_source.abstract
            survivor.abstract_key = abstract_key(survivor.abstract)
            # Pinned when the curator chose between values, kept one a curator chose
            # before, or chose "none" where a paper offered one.
            survivor.title_curated = survivor.title_curated or (
                len(titles) > 1 or title_source.title_curated or not survivor.title and bool(titles)
            )
            survivor.abstract_curated = survivor.abstract_curated or (
                len(abstracts) > 1
                or abstract_source.abstract_curated
                or not survivor.abstract
                and bool(abstracts)
            )
            survivor.save(update_fields=["title_curated", "abstract_curated"])
            save_paper_display([survivor])
            refresh_papers([survivor.pk])
            names = ", ".join(f"«{p}»" for p in others)
            action.summary = f"Merged {names} into «{survivor}»"
        return action


# --- 3. merge authors --------------------------------------------------------------------


def merge_authors(
    *,
    survivor: Author,
    others: Sequence[Author],
    actor: AbstractBaseUser,
    display_name: str = "",
    version: str | None = None,
) -> CurationAction:
    """Merge authors into ``survivor``: authorships (with their provenance), pages
    and names move; the others become tombstones that redirect to it.

    ``display_name`` ("Family, Given" or "Given Family") becomes the survivor's
    name; every name of every merged author stays as a variant.
    """
    _require_curator(actor)
    with transaction.atomic():
        survivor, others = _merge_members(Author, survivor, others)
        members = [survivor, *others]
        _check_version(members, version)
        orcids = sorted({a.orcid for a in members if a.orcid})
        if len(orcids) > 1:
            raise ValidationError(ORCID_CONFLICT.format(orcids=", ".join(orcids)), code="orcid")
        ids = [a.pk for a in members]
        other_ids = ids[1:]
        with _recording(Kind.MERGE_AUTHORS, actor) as (action, journal):
            journal.watch(Author, Q(pk__in=ids))
            journal.watch(AuthorName, Q(author_id__in=ids))
            journal.watch(SourcePage, Q(author_id__in=ids))
            journal.watch(Authorship, Q(author_id__in=ids))
            journal.watch(SourceEntry, Q(authorship__author_id__in=ids))
            _move_authorships(
                Authorship.objects.filter(author_id__in=other_ids).order_by("pk"),
                field="author",
                to=survivor.pk,
                pin=False,
            )
            SourcePage.objects.filter(author_id__in=other_ids).update(
                author=survivor, updated_at=timezone.now()
            )
            kept = set(survivor.names.values_list("name", flat=True))
            for name in AuthorName.objects.filter(author_id__in=other_ids).order_by("pk"):
                if name.name in kept:
                    name.delete()
                else:
                    kept.add(name.name)
                    name.author = survivor
                    name.save(update_fields=["author"])
            orcid = orcids[0] if orcids else ""
            Author.objects.filter(pk__in=other_ids).update(
                merged_into=survivor, orcid="", updated_at=timezone.now()
            )
            if display_name.strip():
                person = parse_name(display_name)
                if not person.family:
                    raise ValidationError(NAME_REQUIRED, code="name")
                survivor.display_name = person.display
                survivor.family_name = person.family
                survivor.given_name = person.given
                survivor.sort_key = person.sort_key
                if person.inverted not in kept:
                    _name_row(survivor, person.inverted).save()
            survivor.orcid = orcid
            survivor.save()
            names = ", ".join(a.display_name for a in others)
            action.summary = f"Merged {names} into {survivor.display_name} ({survivor.slug})"
        return action


# --- 4. split an author ---------------------------------------------------------------


def split_author(
    *,
    author: Author,
    papers: Sequence[Paper],
    actor: AbstractBaseUser,
    to_author: Author | None = None,
    new_author: NewAuthor | None = None,
    version: str | None = None,
) -> CurationAction:
    """Move some papers of a profile (with the entries that claim them) to another
    author, existing or created now: the homonym case. The moved authorships are
    pinned as the curator's decision."""
    _require_curator(actor)
    if (to_author is None) == (new_author is None):
        raise ValidationError(CHOOSE_ONE_AUTHOR, code="choose")
    paper_ids = sorted({p.pk for p in papers})
    if not paper_ids:
        raise ValidationError(SPLIT_NEEDS_PAPERS, code="papers")
    with transaction.atomic():
        lock_ids = [author.pk] + ([to_author.pk] if to_author else [])
        locked = _lock(Author, lock_ids)
        author = locked[author.pk]
        records = [author]
        if to_author is not None:
            to_author = locked[to_author.pk]
            if to_author.pk == author.pk:
                raise ValidationError(SPLIT_SAME_AUTHOR, code="same")
            records.append(to_author)
        _require_live(records)
        _check_version([author], version)  # the profile the form showed
        moving = list(
            Authorship.objects.filter(author=author, paper_id__in=paper_ids).order_by("pk")
        )
        missing = set(paper_ids) - {a.paper_id for a in moving}
        if missing:
            paper = Paper.objects.get(pk=min(missing))
            raise ValidationError(
                PAPER_NOT_ON_PROFILE.format(paper=paper, author=author), code="not_on_profile"
            )
        if len(moving) == author.authorships.count():
            raise ValidationError(SPLIT_ALL, code="all")
        if new_author is not None:
            slugs = ",".join(
                Paper.objects.filter(pk__in=paper_ids)
                .order_by("slug")
                .values_list("slug", flat=True)
            )
            to_author = _new_author(new_author, identity=slugs)
        assert to_author is not None
        with _recording(Kind.SPLIT_AUTHOR, actor) as (action, journal):
            journal.watch(Author, Q(pk=author.pk) | Q(slug=to_author.slug))
            journal.watch(AuthorName, Q(author__slug=to_author.slug))
            both = Q(author=author) | Q(author__slug=to_author.slug)
            journal.watch(Authorship, both & Q(paper_id__in=paper_ids))
            journal.watch(SourceEntry, Q(paper_id__in=paper_ids))
            if to_author.pk is None:
                _save_new_author(to_author)
            _move_authorships(moving, field="author", to=to_author.pk, pin=True)
            _touch(Author, [author.pk, to_author.pk])
            action.summary = (
                f"Moved {len(moving)} paper{pluralize(len(moving))} "
                f"from {author.display_name} ({author.slug}) "
                f"to {to_author.display_name} ({to_author.slug})"
            )
        return action


# --- 5. edit an author or a paper ------------------------------------------------------


def edit_author(
    *,
    author: Author,
    actor: AbstractBaseUser,
    family_name: str,
    given_name: str = "",
    orcid: str = "",
    drop_names: Iterable[str] = (),
    version: str | None = None,
) -> CurationAction:
    """Correct an author's name and ORCID. The old name stays as a variant, unless
    it is one of ``drop_names``: name variants that are wrong (the name shown stays)."""
    _require_curator(actor)
    with transaction.atomic():
        author = _lock(Author, [author.pk])[author.pk]
        _require_live([author])
        _check_version([author], version)
        person = NewAuthor(family_name=family_name, given_name=given_name).person
        orcid = _check_orcid(orcid, allowed=[author.pk])
        drop = set(drop_names)
        if person.inverted in drop:
            raise ValidationError(NAME_SHOWN_STAYS.format(name=person.inverted), code="shown")
        with _recording(Kind.EDIT_AUTHOR, actor) as (action, journal):
            journal.watch(Author, Q(pk=author.pk))
            journal.watch(AuthorName, Q(author=author))
            before = author.display_name
            author.display_name = person.display
            author.family_name = person.family
            author.given_name = person.given
            author.sort_key = person.sort_key
            author.orcid = orcid
            with _unique_values_checked():
                author.save()
            if not author.names.filter(name=person.inverted).exists():
                _name_row(author, person.inverted).save()
            dropped = sorted(author.names.filter(name__in=drop).values_list("name", flat=True))
            author.names.filter(name__in=dropped).delete()
            action.summary = f"Edited author {before} ({author.slug})"
            if before != author.display_name:
                action.summary += f": now {author.display_name}"
            if dropped:
                action.summary += "; name variants removed: " + "; ".join(dropped)
        return action


def edit_paper(
    *,
    paper: Paper,
    actor: AbstractBaseUser,
    title: str,
    abstract: str,
    version: str | None = None,
) -> CurationAction:
    """Set a paper's title and abstract (say, give an abstract-only paper its
    title). What the curator changed is pinned against later imports; the paper
    also answers to the new title when pages are matched."""
    _require_curator(actor)
    title, abstract = clean_text(title), clean_text(abstract)
    if not title and not abstract:
        raise ValidationError(PAPER_NEEDS_TEXT, code="text")
    with transaction.atomic():
        paper = _lock(Paper, [paper.pk])[paper.pk]
        _require_live([paper])
        _check_version([paper], version)
        with _recording(Kind.EDIT_PAPER, actor) as (action, journal):
            journal.watch(Paper, Q(pk=paper.pk))
            journal.watch(PaperSlugAlias, Q(paper=paper))
            if title != paper.title:
                paper.title, paper.title_key, paper.title_curated = title, title_key(title), True
            if abstract != paper.abstract:
                paper.abstract, paper.abstract_key = abstract, abstract_key(abstract)
                paper.abstract_curated = True
            paper.save(update_fields=["title_curated", "abstract_curated"])
            save_paper_display([paper])
            refresh_papers([paper.pk])
            action.summary = f"Edited paper «{paper}»"
        return action


# --- 6. dismiss a duplicate candidate ------------------------------------------------------


def dismiss_pair(
    *, kind: str, first: Author | Paper, second: Author | Paper, actor: AbstractBaseUser
) -> CurationAction:
    """'Not the same': the pair never comes back in the duplicate queue."""
    _require_curator(actor)
    if first.pk == second.pk:
        raise ValidationError(PAIR_SAME_RECORD, code="same")
    low, high = sorted((first.pk, second.pk))
    with transaction.atomic():
        if DismissedPair.objects.filter(kind=kind, low_id=low, high_id=high).exists():
            raise ValidationError(PAIR_ALREADY_DISMISSED, code="dismissed")
        with _recording(Kind.DISMISS_PAIR, actor) as (action, journal):
            journal.watch(DismissedPair, Q(kind=kind, low_id=low, high_id=high))
            DismissedPair.objects.create(kind=kind, low_id=low, high_id=high, action=action)
            noun = "authors" if kind == DismissedPair.Kind.AUTHOR else "papers"
            action.summary = f"Not the same {noun}: {first} / {second}"
        return action


# --- 7. undo ------------------------------------------------------------------------------


def dependent_actions(action: CurationAction) -> list[CurationAction]:
    """Later actions, not undone, that changed or relied on rows this one changed,
    or that point at rows this one created (undoing it would take them away)."""
    my_rows = recorded_rows(action)
    mine, my_creations = touched(my_rows), created(my_rows)
    my_targets = ActionTarget.objects.filter(action=action)
    shares_a_record = ActionTarget.objects.filter(action=OuterRef("pk")).filter(
        Exists(my_targets.filter(model=OuterRef("model"), object_id=OuterRef("object_id")))
    )
    later = CurationAction.objects.filter(
        Exists(shares_a_record), pk__gt=action.pk, undone_at__isnull=True
    ).order_by("pk")
    found = []
    for other in later:
        rows = recorded_rows(other)
        if touched(rows) & mine or references(rows) & my_creations:
            found.append(other)
    return found


def _describe_row(model: type[models.Model], pk: int) -> str:
    obj = model._base_manager.filter(pk=pk).first()
    name = model._meta.verbose_name
    return f"{name} «{obj}»" if obj else f"{name} #{pk} (no longer there)"


def _verify_unchanged(rows: list[dict[str, Any]]) -> None:
    """Every row the action wrote still holds what the action left there."""
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_model[row["model"]].append(row)
    for label, model_rows in by_model.items():
        model = MODELS[label]
        now = snapshot(model, Q(pk__in=[r["pk"] for r in model_rows]))
        for row in model_rows:
            current = now.get(row["pk"])
            if row["op"] == "delete":
                ok = current is None
            elif current is None:
                ok = False
            else:
                ok = all(current.get(k) == v for k, v in row["after"].items())
            if not ok:
                raise ValidationError(
                    UNDO_CHANGED_SINCE.format(record=_describe_row(model, row["pk"])),
                    code="changed",
                )


def _named(actions: Iterable[CurationAction]) -> str:
    return "; ".join(f"#{a.pk} {a.get_kind_display()} ({a.summary})" for a in actions)


def _unique_field_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The column sets a table keeps unique (a conditional constraint counts for
    non-empty values: the ORCID)."""
    sets = [(f.attname,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [
        tuple(model._meta.get_field(name).attname for name in constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return sets


UniqueKey = tuple[str, tuple[str, ...], tuple[Any, ...]]  # table, columns, values


def _unique_keys(label: str, values: dict[str, Any]) -> set[UniqueKey]:
    """The unique values a row with these (journal) values holds."""
    return {
        (label, fields, tuple(values[field] for field in fields))
        for fields in _unique_field_sets(MODELS[label])
        if all(values.get(field) not in (None, "") for field in fields)
    }


def _full_rows(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each row's whole values before and after its action: an update recorded only
    the fields it changed, the others are read as they are now (one query a table)."""
    updated: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["op"] == "update":
            updated[row["model"]].append(row["pk"])
    now = {
        (label, pk): values
        for label, pks in updated.items()
        for pk, values in snapshot(MODELS[label], Q(pk__in=pks)).items()
    }
    return [
        (
            {**now.get((row["model"], row["pk"]), {}), **(row["before"] or {})},
            {**now.get((row["model"], row["pk"]), {}), **(row["after"] or {})},
        )
        for row in rows
    ]


def _check_restored_values_free(action: CurationAction, rows: list[dict[str, Any]]) -> None:
    """Refuse, naming them, when undo would put back a unique value (an ORCID, a
    paper-author pair) that a later action gave, took or moved (those actions), or
    that another row holds now without any action (that row: an import's)."""
    restored: set[UniqueKey] = set()
    for row, (before, _) in zip(rows, _full_rows(rows), strict=True):
        if row["op"] != "create":
            restored |= _unique_keys(row["model"], before)
    if not restored:
        return
    mine = {(row["model"], row["pk"]) for row in rows}
    holders = []
    for label, fields in {(label, fields) for label, fields, _ in restored}:
        model = MODELS[label]
        wanted = {
            values
            for key_label, key_fields, values in restored
            if (key_label, key_fields) == (label, fields)
        }
        first = model._meta.get_field(fields[0])
        found = snapshot(model, Q(**{f"{fields[0]}__in": [first.to_python(v[0]) for v in wanted]}))
        holders += [
            {
                "model": label,
                "pk": pk,
                "op": "create",
                "before": None,
                "after": values,
                "fields": fields,
            }
            for pk, values in found.items()
            if (label, pk) not in mine and tuple(values[f] for f in fields) in wanted
        ]
    near: dict[str, set[int]] = defaultdict(set)  # the records: a few models, many ids
    for model_name, pk in targets(rows) | targets(holders):
        near[model_name].add(pk)
    sharing = Q(*[Q(model=m, object_id__in=ids) for m, ids in near.items()], _connector=Q.OR)
    later = list(
        CurationAction.objects.filter(
            pk__gt=action.pk,
            undone_at__isnull=True,
            pk__in=ActionTarget.objects.filter(sharing).values("action_id"),
        ).order_by("pk")
    )
    later_rows = [(other, row) for other in later for row in recorded_rows(other)]
    held: dict[int, set[UniqueKey]] = defaultdict(set)
    for (other, row), (before, after) in zip(
        later_rows, _full_rows([row for _, row in later_rows]), strict=True
    ):
        held[other.pk] |= _unique_keys(row["model"], before) | _unique_keys(row["model"], after)
    makers = [other for other in later if held[other.pk] & restored]
    if makers:
        raise ValidationError(UNDO_DEPENDS.format(actions=_named(makers)), code="depends")
    if holders:
        raise ValidationError(
            UNDO_VALUE_TAKEN.format(
                record=_describe_row(MODELS[holders[0]["model"]], holders[0]["pk"]),
                fields=", ".join(f.removesuffix("_id") for f in holders[0]["fields"]),
            ),
            code="taken",
        )


def _python_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return {k: fields[k].to_python(v) for k, v in values.items()}


def _restore(rows: list[dict[str, Any]]) -> None:
    """Apply the recorded changes backwards: recreate what was deleted, put back
    what was updated, delete what was created."""
    for model in JOURNALED:
        label = model._meta.label_lower
        for row in (r for r in rows if r["model"] == label and r["op"] == "delete"):
            obj = model(**_python_values(model, row["before"]))
            # raw: keep the recorded created_at rather than stamping a new one
            obj.save_base(raw=True, force_insert=True)
    # Fields that go back to empty first, in every row, then the others: a unique
    # value (an ORCID) can then move back from one record to another.
    updates = sorted((r for r in rows if r["op"] == "update"), key=lambda r: (r["model"], r["pk"]))
    for emptied in (True, False):
        for row in updates:
            values = {k: v for k, v in row["before"].items() if (v in ("", None)) == emptied}
            if values:
                model = MODELS[row["model"]]
                model._base_manager.filter(pk=row["pk"]).update(**_python_values(model, values))
    for model in reversed(JOURNALED):
        label = model._meta.label_lower
        created = [r["pk"] for r in rows if r["model"] == label and r["op"] == "create"]
        if created:
            model._base_manager.filter(pk__in=created).delete()


def _keep_slugs(rows: list[dict[str, Any]]) -> None:
    """Slugs are never reused: a slug the undone action gave a record stays
    reserved, redirecting to the record, or retired if the record is gone."""
    aliases = {"catalog.author": AuthorSlugAlias, "catalog.paper": PaperSlugAlias}
    for row in rows:
        alias = aliases.get(row["model"])
        if alias is None or "slug" not in (row["after"] or {}):
            continue
        owner = "author_id" if alias is AuthorSlugAlias else "paper_id"
        target = row["pk"] if row["op"] == "update" else None
        if target is None and alias is PaperSlugAlias:
            continue  # curators never create papers
        alias.objects.get_or_create(slug=row["after"]["slug"], defaults={owner: target})


def undo_action(*, action: CurationAction, actor: AbstractBaseUser) -> CurationAction:
    """Put back exactly what ``action`` changed.

    Refused, with nothing changed, when a later action that is not undone
    depends on it (the message names them), or when the rows changed since.
    """
    _require_curator(actor)
    with transaction.atomic():
        action = CurationAction.objects.select_for_update().get(pk=action.pk)
        if action.undone_at is not None:
            raise ValidationError(UNDO_ALREADY_UNDONE, code="undone")
        rows = recorded_rows(action)
        records = targets(rows)
        # The records every operation locks: an operation running now waits for us.
        for model, kind in (
            (Author, ActionTarget.Model.AUTHOR),
            (Paper, ActionTarget.Model.PAPER),
            (SourcePage, ActionTarget.Model.PAGE),
        ):
            _lock(model, [i for m, i in records if m == kind])
        dependents = dependent_actions(action)
        if dependents:
            raise ValidationError(UNDO_DEPENDS.format(actions=_named(dependents)), code="depends")
        _verify_unchanged(rows)
        _check_restored_values_free(action, rows)
        try:
            with transaction.atomic():
                _restore(rows)
                _keep_slugs(rows)
        except IntegrityError as error:
            raise ValidationError(UNDO_CONFLICT, code="conflict") from error
        refresh_papers(sorted(i for m, i in records if m == ActionTarget.Model.PAPER))
        _touch(Author, [i for m, i in records if m == ActionTarget.Model.AUTHOR])
        _touch(Paper, [i for m, i in records if m == ActionTarget.Model.PAPER])
        _touch(SourcePage, [i for m, i in records if m == ActionTarget.Model.PAGE])
        action.undone_at = timezone.now()
        action.undone_by = actor
        action.save(update_fields=["undone_at", "undone_by"])
        return action


# --- previews: what an operation would change, before it changes it ---------------------


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Preview:
    summary: str
    rows: list[dict[str, Any]]
    described: Any  # what ``describe`` made of the rows


def preview(
    operation: Callable[..., CurationAction],
    describe: Callable[[list[dict[str, Any]]], Any],
    /,
    **arguments: Any,
) -> Preview:
    """Run ``operation`` and roll it back: the curator sees the exact changes
    (described while they still exist) before confirming."""
    result: Preview | None = None
    try:
        with transaction.atomic():
            action = operation(**arguments)
            rows = recorded_rows(action)
            result = Preview(summary=action.summary, rows=rows, described=describe(rows))
            raise _Rollback
    except _Rollback:
        pass
    assert result is not None
    return result
