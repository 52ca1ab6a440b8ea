"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop; Django's ORM calls from the test are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under screenshots/ (look at them after a run)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


CURATOR_PASSWORD = "browser-round-Secret-42"


@pytest.fixture
def seeded_catalog(transactional_db, sample_page_files):
    """The five seed pages imported as the importer does (3 authors, 2 pages waiting)."""
    from catalog.importing import import_pages

    return import_pages(sample_page_files)


@pytest.fixture
def curator(transactional_db, django_user_model):
    """A signed-out curator (group ``curators``, not staff); the password is CURATOR_PASSWORD."""
    from curation.access import ensure_curators_group

    user = django_user_model.objects.create_user(username="curator", password=CURATOR_PASSWORD)
    user.groups.add(ensure_curators_group())
    return user
