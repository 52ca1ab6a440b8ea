"""Read scraped author pages into plain dataclasses. Pure Python, no Django.

Two shapes exist (see DESIGN.md):

Named page: blocks of non-blank lines. A header ``Goto`` / ``Collaborating
Authors`` / `` Family, Given`` (the name often starts with a NO-BREAK SPACE),
then entries of title, venue and abstract. Blocks of one entry are separated by
one blank line, entries by two or more. An entry may lack its abstract.

Anonymous page: line 1 is a label that names nobody (``Tony``), then one
``Abstract:<text>`` line per entry. A file of one short line is such a label
with no entries yet (valid, with a warning).

Anything else raises :class:`PageFormatError`, whose message names the file,
the line and what was expected. For any input :func:`parse_page` either returns
a :class:`ParsedPage` or raises :class:`PageFormatError`, nothing else.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Literal

from .normalize import clean_text

NAMED: Literal["named"] = "named"
ANONYMOUS: Literal["anonymous"] = "anonymous"

MAX_TITLE_LENGTH = 1000
MAX_VENUE_LENGTH = 300
MAX_NAME_LENGTH = 300
MAX_ABSTRACT_LENGTH = 100_000

_ABSTRACT_PREFIX = re.compile(r"^abstract\s*:", re.IGNORECASE)
# C0 controls other than tab/newline/carriage return, and DEL: never part of a page.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")


class PageFormatError(ValueError):
    """A page that cannot be read. ``str()`` reads 'FILE, line N: what was expected'."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.reason = message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ParsedEntry:
    line: int  # line of the entry's first block (title, or the Abstract: line)
    title: str  # "" on anonymous pages
    venue: str  # "" on anonymous pages
    abstract: str  # "" when the page gives none


@dataclass(frozen=True)
class ParsedPage:
    source: str
    kind: Literal["named", "anonymous"]
    label: str  # the author line of a named page, the label of an anonymous one
    entries: tuple[ParsedEntry, ...]
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Block:
    line: int  # 1-based line number of the block's first line
    lines: tuple[str, ...]
    blank_before: int  # blank lines between this block and the previous one

    @property
    def text(self) -> str:
        return clean_text(" ".join(self.lines))


def decode_page(data: bytes, source: str) -> str:
    """Bytes to text with LF line ends; errors name the line of the bad byte."""
    if not data:
        raise PageFormatError(source, None, "the file is empty; expected an author page")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PageFormatError(source, 1, "the file is UTF-16 text; expected UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, _ = _position(data, nul)
        raise PageFormatError(source, line, "binary data (a NUL byte); expected UTF-8 text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise PageFormatError(
            source,
            line,
            f"byte 0x{data[exc.start]:02x} at column {column} is not UTF-8; "
            "expected UTF-8 text (was the page saved in another encoding?)",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise PageFormatError(
            source,
            line,
            f"control character U+{ord(control.group()):04X}; expected plain text",
        )
    return text


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``data[offset]``.

    Lines end with LF, CRLF or a lone CR, as :func:`decode_page` reads them.
    """
    before = data[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, column


def parse_page(data: bytes, source: str) -> ParsedPage:
    """Parse one page file. ``source`` is the name errors and the catalogue use."""
    text = decode_page(data, source)
    lines = [line.rstrip() for line in text.split("\n")]
    blocks = _blocks(lines)
    if not blocks:
        raise PageFormatError(
            source, None, "the file has only blank lines; expected an author page"
        )
    first = blocks[0]
    if first.text in {"Goto", "Collaborating Authors"}:
        return _parse_named(blocks, source)
    if any(_ABSTRACT_PREFIX.match(line.strip()) for line in lines if line.strip()):
        return _parse_anonymous(lines, source)
    if len(blocks) == 1 and len(first.lines) == 1 and len(first.text) <= MAX_NAME_LENGTH:
        return _parse_anonymous(lines, source)  # a label alone: a page with no entries yet
    raise PageFormatError(
        source,
        first.line,
        "cannot tell the page's shape: expected a named page starting with 'Goto' and "
        "'Collaborating Authors', or an anonymous page of 'Abstract:' lines",
    )


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    blank = 0
    blank_before = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start, blank_before = number, blank
            current.append(line)
            blank = 0
        else:
            if current:
                blocks.append(_Block(start, tuple(current), blank_before))
                current = []
            blank += 1
    if current:
        blocks.append(_Block(start, tuple(current), blank_before))
    return blocks


def _parse_named(blocks: list[_Block], source: str) -> ParsedPage:
    index = 0
    if blocks[index].text == "Goto":
        index += 1
        if index >= len(blocks) or blocks[index].text != "Collaborating Authors":
            line = blocks[index].line if index < len(blocks) else blocks[0].line
            raise PageFormatError(source, line, "expected 'Collaborating Authors' after 'Goto'")
    header = blocks[index]
    index += 1
    if index >= len(blocks):
        raise PageFormatError(source, header.line, "no author line after 'Collaborating Authors'")
    name_block = blocks[index]
    starts_with_nbsp = name_block.lines[0].startswith("\u00a0")
    if name_block.blank_before > 1 and not starts_with_nbsp:
        raise PageFormatError(
            source,
            name_block.line,
            "no author line after 'Collaborating Authors' (expected ' Family, Given' "
            "one blank line below it)",
        )
    if len(name_block.lines) > 1:
        raise PageFormatError(
            source, name_block.line, "the author line runs over several lines; expected one name"
        )
    label = name_block.text
    if len(label) > MAX_NAME_LENGTH:
        raise PageFormatError(
            source,
            name_block.line,
            f"author name is {len(label)} characters long (at most {MAX_NAME_LENGTH})",
        )
    if not any(ch.isalpha() for ch in label):
        raise PageFormatError(source, name_block.line, f"author line {label!r} has no letters")
    body = blocks[index + 1 :]
    warnings: list[str] = []
    entries = [_named_entry(group, source, warnings) for group in _entry_groups(body)]
    if not entries:
        warnings.append(f"{source}: the page lists no papers")
    return ParsedPage(source, NAMED, label, tuple(entries), tuple(warnings))


def _entry_groups(body: list[_Block]) -> list[list[_Block]]:
    """Group blocks into entries: two or more blank lines start a new entry.

    A page that separates every block by the same number of blank lines gives no
    such signal; it is read as consecutive (title, venue, abstract) triples.
    """
    if not body:
        return []
    groups: list[list[_Block]] = []
    for block in body:
        if not groups or block.blank_before >= 2:
            groups.append([block])
        else:
            groups[-1].append(block)
    uniform = len({b.blank_before for b in body[1:]}) <= 1
    if uniform and len(body) % 3 == 0:
        return [body[i : i + 3] for i in range(0, len(body), 3)]
    return groups


def _named_entry(group: list[_Block], source: str, warnings: list[str]) -> ParsedEntry:
    first = group[0]
    if len(group) == 1:
        raise PageFormatError(
            source,
            first.line,
            f"entry {first.text[:60]!r} has a title but no venue or abstract "
            "(is the page cut off?)",
        )
    if len(group) > 3:
        raise PageFormatError(
            source,
            first.line,
            f"entry has {len(group)} blocks; expected title, venue and abstract "
            "separated by one blank line, and two blank lines between entries",
        )
    title_block, venue_block = group[0], group[1]
    for block, what in ((title_block, "title"), (venue_block, "venue")):
        if len(block.lines) > 1:
            raise PageFormatError(
                source,
                block.line,
                f"the {what} runs over {len(block.lines)} lines; expected one line "
                "followed by a blank line",
            )
    title, venue = title_block.text, venue_block.text
    _check_length(source, title_block.line, "title", title, MAX_TITLE_LENGTH)
    _check_length(source, venue_block.line, "venue", venue, MAX_VENUE_LENGTH)
    abstract = ""
    if len(group) == 3:
        abstract = group[2].text
        _check_length(source, group[2].line, "abstract", abstract, MAX_ABSTRACT_LENGTH)
    else:
        warnings.append(f"{source}, line {first.line}: entry {title[:60]!r} has no abstract")
    return ParsedEntry(line=first.line, title=title, venue=venue, abstract=abstract)


def _parse_anonymous(lines: list[str], source: str) -> ParsedPage:
    warnings: list[str] = []
    entries: list[ParsedEntry] = []
    label = ""
    seen_first = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        prefix = _ABSTRACT_PREFIX.match(line)
        if not seen_first:
            seen_first = True
            if not prefix:
                label = clean_text(line)
                _check_length(source, number, "label", label, MAX_NAME_LENGTH)
                continue
            warnings.append(f"{source}, line 1: no label line before the first 'Abstract:'")
        if not prefix:
            raise PageFormatError(
                source,
                number,
                f"expected a line starting with 'Abstract:', found {line[:40]!r}",
            )
        abstract = clean_text(line[prefix.end() :])
        if not abstract:
            warnings.append(f"{source}, line {number}: empty abstract skipped")
            continue
        _check_length(source, number, "abstract", abstract, MAX_ABSTRACT_LENGTH)
        entries.append(ParsedEntry(line=number, title="", venue="", abstract=abstract))
    if not entries:
        warnings.append(f"{source}: the page lists no papers")
    return ParsedPage(source, ANONYMOUS, label, tuple(entries), tuple(warnings))


def _check_length(source: str, line: int, what: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise PageFormatError(
            source,
            line,
            f"{what} is {len(value)} characters long (at most {limit}); "
            "is a blank line missing between blocks?",
        )
