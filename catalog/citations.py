"""Citations of papers in the three formats reference managers read: CSL-JSON,
BibTeX and RIS. Pure: plain values in (:class:`CitedPaper`), text out; nothing
here imports Django. The API's citation renderers (``catalog.api.citing``) use it.

What the catalogue knows of a paper is a title (blank for an abstract-only
paper), an abstract, the venues its pages list it under and its authors (in
alphabetical order: pages do not give author positions). Nothing is invented:
no year, no entry type beyond the generic one (a venue may be a journal or a
conference), and an abstract-only paper gets no title, only a note saying so.

BibTeX is written by bibtexparser (v2) with every value LaTeX-encoded by
pylatexenc (accents, ``& % $ # _ ~ ^ \\``); braces in the text become
``\\textbraceleft{}`` / ``\\textbraceright{}``, so an unbalanced brace in a
scraped abstract cannot end a field early. RIS is written by rispy. In both, line
breaks inside a value become spaces (RIS is one tag per line; a blank line in
BibTeX is a paragraph break).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

ABSTRACT_ONLY_NOTE = "Abstract only: the sources give no title."
OTHER_VENUES_NOTE = "Also listed under: {venues}."

_BRACES = UnicodeToLatexConversionRule(
    rule_type=RULE_DICT,
    rule={ord("{"): r"\textbraceleft{}", ord("}"): r"\textbraceright{}"},
)
_LATEX = UnicodeToLatexEncoder(
    conversion_rules=[_BRACES, "defaults"],
    unknown_char_policy="keep",  # CJK letters and the like stay as they are (UTF-8 BibTeX)
    unknown_char_warning=False,  # not one log line per such character
)
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
_AND = re.compile(r"\band\b", re.IGNORECASE)


@dataclass(frozen=True)
class CitedAuthor:
    """An author as a citation names them: family and given names when the
    catalogue has them apart, else the whole name as one ``literal``."""

    family: str = ""
    given: str = ""
    literal: str = ""


@dataclass(frozen=True)
class CitedPaper:
    """What a citation of one paper holds. ``key``: the paper's slug (a stable
    citation key); ``url``: its public page; ``more_authors``: authors left out
    after ``authors`` (a consortium paper lists thousands)."""

    key: str
    title: str
    abstract: str
    venues: tuple[str, ...]
    authors: tuple[CitedAuthor, ...]
    url: str
    more_authors: bool = False


def _notes(paper: CitedPaper) -> list[str]:
    notes = [] if paper.title else [ABSTRACT_ONLY_NOTE]
    if len(paper.venues) > 1:
        notes.append(OTHER_VENUES_NOTE.format(venues="; ".join(paper.venues[1:])))
    return notes


# --- CSL-JSON ----------------------------------------------------------------------


def csl_item(paper: CitedPaper) -> dict[str, object]:
    """One CSL-JSON item (type ``article``: the CSL type of a work whose kind of
    publication is not known)."""
    item: dict[str, object] = {"id": paper.key, "type": "article"}
    if paper.title:
        item["title"] = paper.title
    if paper.authors:
        item["author"] = [
            {"literal": a.literal} if a.literal else {"family": a.family, "given": a.given}
            for a in paper.authors
        ]
    if paper.venues:
        item["container-title"] = paper.venues[0]
    if paper.abstract:
        item["abstract"] = paper.abstract
    if notes := _notes(paper):
        item["note"] = " ".join(notes)
    item["URL"] = paper.url
    return item


def csl_json(papers: Iterable[CitedPaper]) -> str:
    """A CSL-JSON array of the papers' items."""
    return json.dumps([csl_item(p) for p in papers], ensure_ascii=False, indent=2) + "\n"


# --- BibTeX ------------------------------------------------------------------------


def _latex(text: str) -> str:
    return _LATEX.unicode_to_latex(_line(text))


def _bibtex_name(author: CitedAuthor) -> str:
    if author.literal or _AND.search(author.family + " " + author.given):
        # One brace group: BibTeX takes it as one name, never split at "and" or commas.
        return "{" + _latex(author.literal or f"{author.given} {author.family}".strip()) + "}"
    family, given = _latex(author.family), _latex(author.given)
    if "," in author.family or (" " in author.family and not author.given):
        family = "{" + family + "}"  # one family name, not "von Last, First" parts
    if "," in author.given:
        given = "{" + given + "}"  # "Martin Luther, Jr." is not a "Last, Jr, First" name
    return f"{family}, {given}" if author.given else family


def bibtex_entry(paper: CitedPaper) -> Entry:
    """One ``@misc`` entry (the venue as ``howpublished``: journal or conference is
    not known), every value LaTeX-encoded."""
    fields = []
    if paper.title:
        fields.append(Field("title", _latex(paper.title)))
    if paper.authors:
        names = [_bibtex_name(a) for a in paper.authors]
        if paper.more_authors:
            names.append("others")
        fields.append(Field("author", " and ".join(names)))
    if paper.venues:
        fields.append(Field("howpublished", _latex(paper.venues[0])))
    if paper.abstract:
        fields.append(Field("abstract", _latex(paper.abstract)))
    if notes := _notes(paper):
        fields.append(Field("note", _latex(" ".join(notes))))
    fields.append(Field("url", paper.url))
    return Entry("misc", paper.key, fields)


def bibtex(papers: Iterable[CitedPaper]) -> str:
    """The papers as a BibTeX file."""
    library = bibtexparser.Library([bibtex_entry(p) for p in papers])
    return bibtexparser.write_string(library)


# --- RIS ---------------------------------------------------------------------------


def _line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text).strip()


def ris_record(paper: CitedPaper) -> dict[str, object]:
    """One RIS record as rispy writes it (type GEN: generic)."""
    record: dict[str, object] = {"type_of_reference": "GEN", "id": paper.key}
    if paper.title:
        record["title"] = _line(paper.title)
    if paper.authors:
        record["authors"] = [
            _line(a.literal) if a.literal else _line(f"{a.family}, {a.given}".rstrip(", "))
            for a in paper.authors
        ]
    if paper.venues:
        record["secondary_title"] = _line(paper.venues[0])
    if paper.abstract:
        record["abstract"] = _line(paper.abstract)
    if notes := _notes(paper):
        record["notes"] = [_line(n) for n in notes]
    record["urls"] = [paper.url]
    return record


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record (not RIS)."""

    def set_header(self, count: int) -> str:
        return ""


def ris(papers: Iterable[CitedPaper]) -> str:
    """The papers as an RIS file."""
    return rispy.dumps([ris_record(p) for p in papers], implementation=_RisWriter)
