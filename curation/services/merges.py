"""Merge papers, merge authors, and dismiss a duplicate candidate ("not the same").

A merge moves everything to the survivor and leaves the others as tombstones
that redirect to it; undo is in ``undo``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    Paper,
    PaperSlugAlias,
    SourceEntry,
    SourcePage,
)
from catalog.names import parse_name
from catalog.normalize import abstract_key, title_key
from catalog.papers import refresh_papers, save_paper_display

from ..models import CurationAction, DismissedPair
from .frame import check_version, lock, recording, require_curator, require_live
from .messages import (
    MERGE_NEEDS_TWO,
    NAME_REQUIRED,
    ORCID_CONFLICT,
    PAIR_ALREADY_DISMISSED,
    PAIR_SAME_RECORD,
    PAPER_NEEDS_TEXT,
    SURVIVOR_NOT_SELECTED,
)
from .records import move_authorships

Kind = CurationAction.Kind


def _merge_members(
    model: type[Author] | type[Paper], survivor: Author | Paper, others: Iterable[Author | Paper]
) -> tuple[Any, list[Any]]:
    ids = [survivor.pk, *(o.pk for o in others)]
    if len(set(ids)) < 2:
        raise ValidationError(MERGE_NEEDS_TWO, code="two")
    locked = lock(model, ids)
    records = [locked[i] for i in dict.fromkeys(ids)]
    require_live(records)
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
    require_curator(actor)
    with transaction.atomic():
        survivor, others = _merge_members(Paper, survivor, others)
        members = [survivor, *others]
        check_version(members, version)
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
        with recording(Kind.MERGE_PAPERS, actor) as (action, journal):
            journal.watch(Paper, Q(pk__in=ids))
            journal.watch(PaperSlugAlias, Q(paper_id__in=ids))
            journal.watch(Authorship, Q(paper_id__in=ids))
            journal.watch(SourceEntry, Q(paper_id__in=ids))
            move_authorships(
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
    require_curator(actor)
    with transaction.atomic():
        survivor, others = _merge_members(Author, survivor, others)
        members = [survivor, *others]
        check_version(members, version)
        orcids = sorted({a.orcid for a in members if a.orcid})
        if len(orcids) > 1:
            raise ValidationError(ORCID_CONFLICT.format(orcids=", ".join(orcids)), code="orcid")
        ids = [a.pk for a in members]
        other_ids = ids[1:]
        with recording(Kind.MERGE_AUTHORS, actor) as (action, journal):
            journal.watch(Author, Q(pk__in=ids))
            journal.watch(AuthorName, Q(author_id__in=ids))
            journal.watch(SourcePage, Q(author_id__in=ids))
            journal.watch(Authorship, Q(author_id__in=ids))
            journal.watch(SourceEntry, Q(authorship__author_id__in=ids))
            move_authorships(
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
                survivor.set_name(person)
                if person.inverted not in kept:
                    AuthorName.variant(survivor, person.inverted).save()
            survivor.orcid = orcid
            survivor.save()
            names = ", ".join(a.display_name for a in others)
            action.summary = f"Merged {names} into {survivor.display_name} ({survivor.slug})"
        return action


def dismiss_pair(
    *, kind: str, first: Author | Paper, second: Author | Paper, actor: AbstractBaseUser
) -> CurationAction:
    """'Not the same': the pair never comes back in the duplicate queue."""
    require_curator(actor)
    if first.pk == second.pk:
        raise ValidationError(PAIR_SAME_RECORD, code="same")
    low, high = sorted((first.pk, second.pk))
    with transaction.atomic():
        if DismissedPair.objects.filter(kind=kind, low_id=low, high_id=high).exists():
            raise ValidationError(PAIR_ALREADY_DISMISSED, code="dismissed")
        with recording(Kind.DISMISS_PAIR, actor) as (action, journal):
            journal.watch(DismissedPair, Q(kind=kind, low_id=low, high_id=high))
            DismissedPair.objects.create(kind=kind, low_id=low, high_id=high, action=action)
            noun = "authors" if kind == DismissedPair.Kind.AUTHOR else "papers"
            action.summary = f"Not the same {noun}: {first} / {second}"
        return action
