"""Citations on the API: ``GET /api/papers/<slug>/citation/`` and
``GET /api/authors/<slug>/citations/`` in CSL-JSON, BibTeX or RIS, chosen by
``?format=`` (``csl-json``, ``bibtex``, ``ris``) or by the Accept header.

The renderers write :class:`catalog.citations.CitedPaper` values with
:mod:`catalog.citations`; ``cited_papers`` turns the catalogue's papers into
them. The public pages link here for their "Cite" downloads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .. import citations, selectors
from ..models import Author, Paper
from .schema import MOVED, NOT_FOUND, THROTTLED

CITED_AUTHORS = 100  # authors named in one citation; BibTeX says "and others" after them


class CitationRenderer(BaseRenderer):
    """Writes a list of ``CitedPaper`` with ``write``; anything else (an error's
    detail, the OPTIONS description) as one line of text or JSON."""

    charset = "utf-8"
    extension = ""
    label = ""
    write = staticmethod(lambda papers: "")
    errors_as_json = False  # errors as JSON ({"detail": ...}) rather than as a line of text

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, list):
            return self.write(data).encode()
        if isinstance(data, dict) and "detail" in data and not self.errors_as_json:
            return f"{data['detail']}\n".encode()
        return (json.dumps(data, ensure_ascii=False) + "\n").encode()


class CslJsonRenderer(CitationRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csl-json"
    extension = "json"
    label = "CSL-JSON"
    write = staticmethod(citations.csl_json)
    errors_as_json = True


class PlainJsonCslRenderer(CslJsonRenderer):
    """The same CSL-JSON for clients that ask for ``application/json``."""

    media_type = "application/json"
    format = "json"


class BibTeXRenderer(CitationRenderer):
    media_type = "application/x-bibtex"
    format = "bibtex"
    extension = "bib"
    label = "BibTeX"
    write = staticmethod(citations.bibtex)


class RisRenderer(CitationRenderer):
    media_type = "application/x-research-info-systems"
    format = "ris"
    extension = "ris"
    label = "RIS"
    write = staticmethod(citations.ris)


RENDERERS = [CslJsonRenderer, BibTeXRenderer, RisRenderer, PlainJsonCslRenderer]
# The formats the pages offer, in their order: (format, label).
FORMATS = [(r.format, r.label) for r in RENDERERS[:3]]


def citation_schema(summary: str):
    """The schema of a citation action: its formats, as responses and as ``format``."""
    return extend_schema(
        summary=summary,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=[r.format for r in RENDERERS],
                description="csl-json (default), bibtex or ris; or ask with the Accept header.",
            )
        ],
        responses={
            (200, r.media_type): OpenApiResponse(OpenApiTypes.STR, description=r.label)
            for r in RENDERERS
        }
        | {301: MOVED, 404: NOT_FOUND, 429: THROTTLED},
    )


def _cited_author(author: Author) -> citations.CitedAuthor:
    if author.family_name:
        return citations.CitedAuthor(family=author.family_name, given=author.given_name)
    return citations.CitedAuthor(literal=author.display_name)


def cited_papers(papers: Iterable[Paper], request: Request) -> list[citations.CitedPaper]:
    """Papers of :func:`papers_to_cite` as citations, with their public addresses."""
    return [
        citations.CitedPaper(
            key=paper.slug,
            title=paper.title,
            abstract=paper.abstract,
            venues=tuple(a.venue.name for a in paper.appearances.all()),
            authors=tuple(_cited_author(a.author) for a in paper.authorships_shown),
            url=request.build_absolute_uri(paper.get_absolute_url()),
            more_authors=paper.author_count > CITED_AUTHORS,
        )
        for paper in papers
    ]


def papers_to_cite(*, paper: Paper | None = None, author: Author | None = None) -> QuerySet[Paper]:
    """One paper, or an author's live papers (titled first, by title), with venues
    and their first CITED_AUTHORS authors: three queries whatever the count."""
    papers = selectors.paper_list(authors_shown=CITED_AUTHORS)
    if paper is not None:
        papers = papers.filter(pk=paper.pk)
    if author is not None:
        papers = (
            papers.filter(authorships__author=author)
            .annotate(has_title=~Q(title=""))
            .order_by("-has_title", "title_key", "slug")
        )
    return papers


def citation_response(request: Request, papers: QuerySet[Paper], *, name: str) -> Response:
    """The papers in the negotiated format, as a download named ``name``."""
    renderer = request.accepted_renderer
    response = Response(cited_papers(papers, request))
    response["Content-Disposition"] = f'attachment; filename="{name}.{renderer.extension}"'
    return response
