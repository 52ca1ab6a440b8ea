"""The one-line summary of an import: what happened to the files, then the catalogue's
figures after it. ``import_seeds`` prints it; the curators' upload job shows it."""

from __future__ import annotations

from ..selectors import catalogue_figures
from .files import FileStatus, ImportReport


def summary_line(report: ImportReport) -> str:
    """``N files: a new, b updated, c unchanged, d rejected. Catalogue: ...`` (with
    ``, e skipped`` after the rejected count only when some file was skipped)."""
    figures = catalogue_figures()
    skipped = report.count(FileStatus.SKIPPED)
    counts = ", ".join(
        [
            f"{report.count(FileStatus.NEW)} new",
            f"{report.count(FileStatus.UPDATED)} updated",
            f"{report.count(FileStatus.UNCHANGED)} unchanged",
            f"{report.count(FileStatus.REJECTED)} rejected",
            *([f"{skipped} skipped"] if skipped else []),  # the line is as before without
        ]
    )
    return (
        f"{len(report.results)} files: {counts}. "
        f"Catalogue: {figures.papers} papers ({figures.titled_papers} titled, "
        f"{figures.abstract_only_papers} abstract-only), {figures.authors} authors, "
        f"{figures.venues} venues, {figures.authorships} authorships, "
        f"{figures.unassigned_pages} anonymous pages waiting for a curator."
    )
