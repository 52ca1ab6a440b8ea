"""Records the operations build or move: a new author from a curator's name (with
its checked ORCID and a free slug), and authorships moved with their provenance.

Used inside an operation's transaction and recording; nothing here checks the
actor, locks rows or records an action (that is ``frame``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from catalog.models import Author, AuthorName, Authorship, DecidedBy, SourceEntry, validate_orcid
from catalog.names import PersonName
from catalog.normalize import clean_text
from catalog.slugs import allocate_slugs, author_slug_base, slug_candidates

from .frame import unique_values_checked
from .messages import MAX_NAME_LENGTH, NAME_REQUIRED, NAME_TOO_LONG, ORCID_TAKEN


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


ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def check_orcid(orcid: str, *, allowed: Iterable[int] = ()) -> str:
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


def build_author(spec: NewAuthor, *, identity: str) -> Author:
    """An unsaved author with its slug chosen (free, never used before)."""
    person = spec.person
    author = Author(orcid=check_orcid(spec.orcid))
    author.set_name(person)
    base = author_slug_base(person.family, person.given)
    allocate_slugs(Author, [(author, slug_candidates(base, f"{person.inverted}\n{identity}"))])
    return author


def save_new_author(author: Author) -> Author:
    """Save an author from :func:`build_author` with its name as the first variant."""
    with unique_values_checked():
        author.save()
    AuthorName.variant(author, author.inverted_name).save()
    return author


def move_authorships(authorships: Iterable[Authorship], *, field: str, to: int, pin: bool) -> None:
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
