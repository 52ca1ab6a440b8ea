"""Slugs derived from content, unique across live records, tombstones and old aliases.

A slug is never reused: once a URL named a record it keeps naming that record
(through an alias) or its survivor (through the tombstone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models

from .models import Author, AuthorSlugAlias, Paper, PaperSlugAlias, Venue
from .normalize import short_digest, slug_base


def paper_slug_base(title: str, abstract: str) -> str:
    if title:
        return slug_base(title, 80) or "paper"
    return "untitled-" + (slug_base(abstract, 60) or "paper")


def author_slug_base(family: str, given: str) -> str:
    return slug_base(f"{family} {given}", 80) or "author"


def venue_slug_base(key: str) -> str:
    return slug_base(key, 80) or "venue"


def slug_candidates(base: str, identity: str) -> list[str]:
    """The slugs a record may take, best first: the plain base, then with a content digest.

    The digest comes from the record's content (``identity``), never from a row
    id or arrival order.
    """
    return [base, f"{base}-{short_digest(identity, 6)}", f"{base}-{short_digest(identity, 12)}"]


_ALIASES: dict[type[models.Model], type[models.Model] | None] = {
    Paper: PaperSlugAlias,
    Author: AuthorSlugAlias,
    Venue: None,
}


def taken_slugs(model: type[models.Model], slugs: Iterable[str]) -> set[str]:
    slugs = list(set(slugs))
    taken: set[str] = set()
    for start in range(0, len(slugs), 5000):
        chunk = slugs[start : start + 5000]
        taken.update(model.objects.filter(slug__in=chunk).values_list("slug", flat=True))
        alias = _ALIASES[model]
        if alias is not None:
            taken.update(alias.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    return taken


def allocate_slugs(
    model: type[models.Model], requests: Sequence[tuple[models.Model, list[str]]]
) -> None:
    """Give each object the first free candidate, in the order of ``requests``.

    Sets ``obj.slug``; saves nothing. Free means: no live record, tombstone or
    alias holds it, and no earlier request in this call took it.
    """
    taken = taken_slugs(model, (c for _, candidates in requests for c in candidates))
    for obj, candidates in requests:
        choice = next((c for c in candidates if c not in taken), None)
        number = 2
        while choice is None:
            fallback = f"{candidates[-1]}-{number}"
            if fallback not in taken and not taken_slugs(model, [fallback]):
                choice = fallback
            number += 1
        obj.slug = choice
        taken.add(choice)
