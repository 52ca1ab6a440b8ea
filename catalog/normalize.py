"""Text normalization shared by the parser, the importer and search.

Pure Python: nothing here imports Django, so it is tested on plain strings.

Two kinds of output:
- *clean* text keeps what a reader sees (case, accents, punctuation) but tidies
  white space and Unicode forms;
- *keys* fold everything that should not tell two spellings apart (case,
  diacritics, punctuation, white space) and are what the importer matches on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Every ASCII character that is not a lower-case letter or digit becomes a space.
_TO_SPACE = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isdigit() or "a" <= chr(c) <= "z")}
)


def clean_text(text: str) -> str:
    """NFC form, every run of white space (NO-BREAK SPACE included) as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: 'Łukasz  Kaiser!' -> 'lukasz kaiser'.

    anyascii transliterates letters that Unicode does not decompose (Ł, ø, ß),
    which a plain NFKD-and-drop-marks fold would keep or lose.
    """
    if not text.isascii():  # anyascii walks characters in Python: only the non-ASCII runs
        text = _NON_ASCII.sub(lambda m: anyascii(m.group()), unicodedata.normalize("NFKC", text))
    return " ".join(text.lower().translate(_TO_SPACE).split())


def title_key(title: str) -> str:
    """The matching key of a title ("" for no title)."""
    return fold(title)


def venue_key(name: str) -> str:
    return fold(name)


def abstract_key(abstract: str) -> str:
    """A fixed-size digest of the folded abstract ("" for no abstract).

    Abstracts run to thousands of characters; a 128-bit digest indexes cheaply
    and two different folded abstracts never share one in practice.
    """
    return digest(fold(abstract))


def digest(key: str) -> str:
    """A 128-bit hex digest of a key ("" for ""): small, fixed-size index entries."""
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest() if key else ""


def slug_base(text: str, max_length: int = 80) -> str:
    """A URL slug from text, cut at a word boundary: 'GPT-4 Technical Report' -> 'gpt-4-...'."""
    words = fold(text).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")


def short_digest(text: str, length: int = 6) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()[:length]


def _case_penalty(text: str) -> int:
    """0 for mixed case ('GPT-4 Technical Report'), 1 for all lower or all upper.

    Text without cased letters (digits, CJK) counts as mixed: nothing to prefer.
    """
    lower, upper = text.lower(), text.upper()
    if lower == upper:
        return 0
    return 1 if text in (lower, upper) else 0


def display_rank(text: str) -> tuple[int, str]:
    """Sort key of the fixed rule that picks which spelling of a title or name is shown.

    The smallest wins: mixed case before all-lower/all-upper, then code-point
    order. The rule depends only on the set of spellings, never on which file
    came first, so imports in any order show the same text.
    """
    return (_case_penalty(text), text)


def choose_display(variants: Iterable[str]) -> str:
    """The spelling shown among several of the same thing ("" when there are none)."""
    candidates = {v for v in variants if v}
    if len(candidates) == 1:
        return candidates.pop()
    return min(candidates, key=display_rank) if candidates else ""
