"""Template filters for the public pages."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Escape ``text``, then wrap each word of ``query`` it contains in <mark>.

    Matching runs on the escaped text with escaped words, so nothing from a page
    or a query can inject markup.
    """
    escaped = escape(text)
    words = sorted({escape(w) for w in (query or "").split() if len(w) > 1}, key=len, reverse=True)
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped just above
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group()}</mark>", escaped))  # noqa: S308


@register.filter
def words(text: str, count: int) -> str:
    """The first ``count`` words of ``text``, with an ellipsis when cut."""
    parts = (text or "").split()
    return " ".join(parts[:count]) + (" …" if len(parts) > count else "")
