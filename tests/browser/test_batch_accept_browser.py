"""Accept all confident suggestions in a real browser: from the dashboard to the
preview, confirm, the action's page, undo; the pages wait for a curator again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from catalog.models import SourcePage
from tests.integration.test_batch_accept import NEW_PAGE, build_confident_catalogue

from .conftest import CURATOR_PASSWORD

CONFIDENT = {"000_anon.txt": "Doe, Jane", "001_anon.txt": "Roe, Jane", "002_anon.txt": "Poe, Jane"}


@pytest.mark.django_db(transaction=True)
def test_batch_accept_confirm_then_undo(live_server, page: Page, screenshot, curator, tmp_path):
    build_confident_catalogue(tmp_path, confident=3)
    base = live_server.url

    page.goto(f"{base}/curation/")
    page.get_by_label("User name").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/curation/")
    expect(page.locator("h2 .count").first).to_have_text("4 waiting")
    screenshot("batch-1-dashboard")

    # The preview: each confident page, its author and probability; nothing changed yet.
    page.get_by_role("link", name="Accept all confident suggestions…").click()
    expect(page).to_have_url(f"{base}/curation/pages/accept-confident/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept all confident suggestions")
    rows = page.get_by_role("table", name="Pages to assign to their confident suggestion").locator(
        "tbody tr"
    )
    expect(rows).to_have_count(3)
    for source, name in CONFIDENT.items():
        row = rows.filter(has_text=source)
        expect(row.get_by_role("link", name=name)).to_be_visible()
        expect(row).to_contain_text("100%")
    expect(page.get_by_text(NEW_PAGE)).to_have_count(0)
    assert SourcePage.objects.filter(author__isnull=False, source__in=CONFIDENT).count() == 0
    screenshot("batch-2-preview")

    # Confirm: one action, its page with the changes and an Undo button.
    page.get_by_role("button", name="Confirm: assign 3 pages").click()
    expect(page).to_have_url(re.compile(r"/curation/history/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^#\d+ Accept confident suggestions$")
    )
    expect(page.locator(".messages")).to_contain_text(
        "Done: Assigned 3 pages to their confident suggestions: 000_anon.txt -> Doe, Jane;"
    )
    assigned = dict(
        SourcePage.objects.filter(source__in=CONFIDENT).values_list("source", "author__family_name")
    )
    assert assigned == {"000_anon.txt": "Doe", "001_anon.txt": "Roe", "002_anon.txt": "Poe"}
    screenshot("batch-3-action")

    # One undo takes the three back.
    page.get_by_role("button", name="Undo this action").click()
    expect(page).to_have_url(f"{base}/curation/history/")
    expect(page.locator(".messages")).to_contain_text("Undone: Assigned 3 pages")
    assert SourcePage.objects.filter(author__isnull=False, source__in=CONFIDENT).count() == 0
    page.goto(f"{base}/curation/")
    expect(page.locator("h2 .count").first).to_have_text("4 waiting")
    screenshot("batch-4-undone")
