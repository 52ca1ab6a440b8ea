"""Split papers off a profile, and edit an author's name and ORCID or a paper's text.

Merges are in ``merges``; page assignment in ``pages``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize

from catalog.models import Author, AuthorName, Authorship, Paper, PaperSlugAlias, SourceEntry
from catalog.normalize import abstract_key, clean_text, title_key
from catalog.papers import refresh_papers, save_paper_display

from ..models import CurationAction, DismissedPair
from .frame import (
    check_version,
    lock,
    recording,
    require_curator,
    require_live,
    touch,
    unique_values_checked,
)
from .messages import (
    CHOOSE_ONE_AUTHOR,
    NAME_SHOWN_STAYS,
    PAPER_NEEDS_TEXT,
    PAPER_NOT_ON_PROFILE,
    SPLIT_ALL,
    SPLIT_NEEDS_PAPERS,
    SPLIT_SAME_AUTHOR,
)
from .records import NewAuthor, build_author, check_orcid, move_authorships, save_new_author

Kind = CurationAction.Kind


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
    pinned as the curator's decision, and the two authors are recorded as not the
    same person (a dismissed pair: the duplicate queue never proposes them again;
    undoing the split takes that back too)."""
    require_curator(actor)
    if (to_author is None) == (new_author is None):
        raise ValidationError(CHOOSE_ONE_AUTHOR, code="choose")
    paper_ids = sorted({p.pk for p in papers})
    if not paper_ids:
        raise ValidationError(SPLIT_NEEDS_PAPERS, code="papers")
    with transaction.atomic():
        lock_ids = [author.pk] + ([to_author.pk] if to_author else [])
        locked = lock(Author, lock_ids)
        author = locked[author.pk]
        records = [author]
        if to_author is not None:
            to_author = locked[to_author.pk]
            if to_author.pk == author.pk:
                raise ValidationError(SPLIT_SAME_AUTHOR, code="same")
            records.append(to_author)
        require_live(records)
        check_version([author], version)  # the profile the form showed
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
            to_author = build_author(new_author, identity=slugs)
        assert to_author is not None
        with recording(Kind.SPLIT_AUTHOR, actor) as (action, journal):
            journal.watch(Author, Q(pk=author.pk) | Q(slug=to_author.slug))
            journal.watch(AuthorName, Q(author__slug=to_author.slug))
            both = Q(author=author) | Q(author__slug=to_author.slug)
            journal.watch(Authorship, both & Q(paper_id__in=paper_ids))
            journal.watch(SourceEntry, Q(paper_id__in=paper_ids))
            pairs_of_author = Q(low_id=author.pk) | Q(high_id=author.pk)
            journal.watch(DismissedPair, Q(kind=DismissedPair.Kind.AUTHOR) & pairs_of_author)
            if to_author.pk is None:
                save_new_author(to_author)
            move_authorships(moving, field="author", to=to_author.pk, pin=True)
            low, high = sorted((author.pk, to_author.pk))
            DismissedPair.objects.get_or_create(
                kind=DismissedPair.Kind.AUTHOR,
                low_id=low,
                high_id=high,
                defaults={"action": action},
            )
            touch(Author, [author.pk, to_author.pk])
            action.summary = (
                f"Moved {len(moving)} paper{pluralize(len(moving))} "
                f"from {author.display_name} ({author.slug}) "
                f"to {to_author.display_name} ({to_author.slug})"
            )
        return action


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
    require_curator(actor)
    with transaction.atomic():
        author = lock(Author, [author.pk])[author.pk]
        require_live([author])
        check_version([author], version)
        person = NewAuthor(family_name=family_name, given_name=given_name).person
        orcid = check_orcid(orcid, allowed=[author.pk])
        drop = set(drop_names)
        if person.inverted in drop:
            raise ValidationError(NAME_SHOWN_STAYS.format(name=person.inverted), code="shown")
        with recording(Kind.EDIT_AUTHOR, actor) as (action, journal):
            journal.watch(Author, Q(pk=author.pk))
            journal.watch(AuthorName, Q(author=author))
            before = author.display_name
            author.set_name(person)
            author.orcid = orcid
            with unique_values_checked():
                author.save()
            if not author.names.filter(name=person.inverted).exists():
                AuthorName.variant(author, person.inverted).save()
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
    require_curator(actor)
    title, abstract = clean_text(title), clean_text(abstract)
    if not title and not abstract:
        raise ValidationError(PAPER_NEEDS_TEXT, code="text")
    with transaction.atomic():
        paper = lock(Paper, [paper.pk])[paper.pk]
        require_live([paper])
        check_version([paper], version)
        with recording(Kind.EDIT_PAPER, actor) as (action, journal):
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
