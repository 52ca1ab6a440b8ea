"""Person names: split, display and fold. Pure Python, no Django.

Pages write names as "Family, Given"; curators may type "Given Family". Both
become the same parts, so "Sutskever, Ilya" and "Ilya Sutskever" share one key.
"""

from __future__ import annotations

from dataclasses import dataclass

from nameparser import HumanName

from .normalize import clean_text, fold


@dataclass(frozen=True)
class PersonName:
    family: str
    given: str

    @property
    def display(self) -> str:
        """'Ilya Sutskever': given name first, as readers expect."""
        return " ".join(part for part in (self.given, self.family) if part)

    @property
    def inverted(self) -> str:
        """'Sutskever, Ilya': the form pages use and lists sort by."""
        return ", ".join(part for part in (self.family, self.given) if part)

    @property
    def sort_key(self) -> str:
        """Folded 'family given', for alphabetical lists and exact-name lookups."""
        return fold(f"{self.family} {self.given}")


def parse_name(raw: str) -> PersonName:
    """Split a name as written on a page or typed by a curator.

    'Family, Given' is taken at its word; anything else goes to nameparser,
    which knows particles ('van der'), titles and suffixes.
    """
    text = clean_text(raw)
    if "," in text:
        family, _, given = text.partition(",")
        return PersonName(family=clean_text(family), given=clean_text(given))
    parsed = HumanName(text)
    family = clean_text(parsed.last)
    given = clean_text(" ".join(p for p in (parsed.first, parsed.middle) if p))
    if not family:
        family, given = given, ""
    return PersonName(family=family, given=given)


def name_search_key(raw: str) -> str:
    """Folded words of a name in page order, for substring search ('lukasz')."""
    return fold(raw)
