"""Names and titles from pages cannot reverse the text around them.

A page's name or title may hold a right-to-left override (U+202E) or zero-width
characters. Wherever the site shows one, it stands in an element the style sheet
isolates (``unicode-bidi: isolate``) or in ``<bdi>``, so an override ends with it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from catalog.importing import import_pages
from catalog.models import Author, Paper, SourcePage
from tests.pages import anonymous_page, named_page, write_page

ROOT = Path(__file__).resolve().parents[2]
RLO = "\u202e"
NAME = f"Evil{RLO}lived\u200b, Eve"
TITLE = f"Reversed {RLO}title of a paper\u200b"


def _isolated_tags() -> set[str]:
    """The elements site.css isolates, read from its rule."""
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static" / "css" / "site.css").read_text(), flags=re.S)
    rule = re.search(r"([^{}]+)\{[^}]*unicode-bidi:\s*isolate", css)
    assert rule is not None, "site.css has no unicode-bidi: isolate rule"
    return {selector.strip() for selector in rule.group(1).split(",")}


class _Innermost(HTMLParser):
    """For each text holding U+202E, the element it stands in directly."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if RLO in data:
            self.found.append(self.stack[-1] if self.stack else "")


@pytest.fixture
def hostile(db, tmp_path, curator):
    files = [
        write_page(
            tmp_path,
            "evil.txt",
            named_page(NAME, [(TITLE, "Venue", "We reverse every string we meet.")]),
        ),
        write_page(
            tmp_path,
            "anon.txt",
            anonymous_page(f"Tony{RLO}", ["We reverse every string we meet."]),
        ),
    ]
    import_pages(files)
    return Author.objects.get(), Paper.objects.get(), SourcePage.objects.get(source="anon.txt")


def test_bidi_isolation_every_name_and_title_is_isolated(client, hostile, curator):
    author, paper, page = hostile
    client.force_login(curator)
    urls = [
        "/",
        "/authors/",
        author.get_absolute_url(),
        paper.get_absolute_url(),
        "/search/?q=reverse",
        "/venues/venue/",
        "/curation/",
        "/curation/pages/",
        f"/curation/pages/{page.pk}/assign/",
        f"/curation/authors/{author.slug}/split/",
        f"/curation/authors/{author.slug}/edit/",
        f"/curation/papers/{paper.slug}/edit/",
    ]
    allowed = _isolated_tags() | {"title", "textarea", "option", "script"}

    exposed = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _Innermost()
        parser.feed(response.content.decode())
        outside = sorted({tag for tag in parser.found if tag not in allowed})
        if outside:
            exposed[url] = outside

    assert exposed == {}


def test_bidi_isolation_rule_covers_the_inline_elements_names_stand_in():
    assert {"a", "bdi", "code", "mark", "span"} <= _isolated_tags()
