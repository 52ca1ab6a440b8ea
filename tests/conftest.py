"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

SAMPLE_PAGES = Path(__file__).resolve().parent.parent / "catalog" / "sample_pages"


@pytest.fixture
def sample_pages_dir() -> Path:
    return SAMPLE_PAGES


@pytest.fixture
def sample_page_files() -> list[Path]:
    return sorted(SAMPLE_PAGES.glob("*.txt"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (public pages and curators' queues)."""
    from django.core.cache import caches

    for alias in ("default", "queues"):
        caches[alias].clear()
