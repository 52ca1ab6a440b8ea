"""Template filters for the public pages."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """``text`` escaped, each word of ``query`` it contains wrapped in <mark>.

    Words are found in the text as written, then every piece is escaped on its
    own: a query never matches inside an entity (``quot`` in ``&quot;``), and
    nothing from a page or a query can inject markup.
    """
    text = text or ""
    words = sorted({w for w in (query or "").split() if len(w) > 1}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[start : match.start()]), format_html("<mark>{}</mark>", match[0])]
        start = match.end()
    pieces.append(escape(text[start:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


@register.filter
def isolated(text: str) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a
    right-to-left override inside a name ends with it, where no element can
    isolate it (an SVG <title> or <desc> is plain text)."""
    return f"\u2068{text}\u2069"


@register.filter
def words(text: str, count: int) -> str:
    """The first ``count`` words of ``text``, with an ellipsis when cut."""
    parts = (text or "").split()
    return " ".join(parts[:count]) + (" …" if len(parts) > count else "")
