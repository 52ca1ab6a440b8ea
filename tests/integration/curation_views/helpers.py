"""Constants and plain helpers shared by the curation view tests."""

from __future__ import annotations

from catalog.models import SourcePage
from curation.models import CurationAction, DismissedPair

from ..conftest import export_text

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
PDE_TITLE = (
    "Inference of Nonlinear Partial Differential Equations via Constrained Gaussian Processes"
)
MDP_TITLE = (
    "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov Decision Process"
)
VALID_ORCID = "0000-0002-1825-0097"


def _page(source: str) -> SourcePage:
    return SourcePage.objects.get(source=source)


def _resubmit(posted: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The confirmation form's hidden fields, as the browser posts them, plus confirm."""
    data: dict[str, list[str]] = {}
    for key, value in posted:
        data.setdefault(key, []).append(value)
    return {**data, "confirm": ["1"]}


def _html(response) -> str:
    return response.content.decode()


def _state() -> tuple[str, int, int]:
    """Everything a curator's POST could change: the export, the audit log, dismissals."""
    return export_text(), CurationAction.objects.count(), DismissedPair.objects.count()


def _ids(*records) -> str:
    return "&".join(f"ids={r.pk}" for r in records)
