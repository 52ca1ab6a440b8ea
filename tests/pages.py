"""Build page files in the exact shapes the scrapes use, for tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def named_page(name: str, entries: Sequence[tuple[str, str, str]]) -> str:
    """A named page: header, then (title, venue, abstract) entries; abstract may be ""."""
    blocks = []
    for title, venue, abstract in entries:
        parts = [title, venue] + ([abstract] if abstract else [])
        blocks.append("\n\n".join(parts))
    header = f"Goto\n\nCollaborating Authors\n\n\u00a0{name}"
    return "\n\n\n".join([header, *blocks])


def anonymous_page(label: str, abstracts: Sequence[str]) -> str:
    return "\n".join([label, *(f"Abstract:{a}" for a in abstracts)])


def write_page(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path
