"""A reader's report, from the profile to the curator's decision, in a real browser:
the reader downloads Ilya Sutskever's BibTeX, reports that the name is wrong and sees
the thanks page; a curator signs in, finds the report on the dashboard, opens it,
looks at the edit tool it links to, comes back and resolves it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import caches
from playwright.sync_api import Page, expect

from .conftest import CURATOR_PASSWORD

REPORT_TEXT = "The name is spelt Ilya Sutskever in his papers, with the given name first."


@pytest.mark.django_db(transaction=True)
def test_reader_reports_a_wrong_name_and_a_curator_resolves_it(
    live_server, page: Page, screenshot, seeded_catalog, curator
):
    import bibtexparser

    from catalog.models import ReaderReport

    caches["throttle"].clear()  # the report counts of earlier tests (same process)
    base = live_server.url

    def shoot(name: str) -> None:
        screenshot(f"report-{name}")

    # 1. A reader on Ilya Sutskever's profile downloads all his papers as BibTeX.
    page.goto(f"{base}/authors/sutskever-ilya/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ilya Sutskever")
    with page.expect_download() as download:
        page.locator(".cite").get_by_role("link", name="BibTeX").click()
    library = bibtexparser.parse_string(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename == "sutskever-ilya.bib"
    assert len(library.entries) == 10
    assert library.failed_blocks == []
    shoot("1-profile")

    # 2. "Report a problem": the name is wrong.
    page.locator(".cite").get_by_role("link", name="Report a problem").click()
    expect(page).to_have_url(f"{base}/report/?author=sutskever-ilya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a problem")
    expect(page.locator(".lead")).to_contain_text("About the profile of Ilya Sutskever")
    page.get_by_label("The name is wrong").check()
    page.get_by_label("Tell us more (the right name, or what else is wrong)").fill(REPORT_TEXT)
    # The honeypot: a 1-pixel box a reader never sees, left empty.
    honeypot = page.locator(".report-form .visually-hidden").bounding_box()
    assert (honeypot["width"], honeypot["height"]) == (1, 1)
    expect(page.locator("#id_website")).to_have_value("")
    shoot("2-report-form")
    page.get_by_role("button", name="Send the report").click()

    # 3. The thanks page, and the way back to the profile.
    expect(page).to_have_url(f"{base}/report/sent/?back=/authors/sutskever-ilya/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("link", name="Back to the page")).to_have_attribute(
        "href", "/authors/sutskever-ilya/"
    )
    shoot("3-thanks")
    report = ReaderReport.objects.get()
    assert (report.kind, report.author.slug, report.text, report.state) == (
        "wrong_name",
        "sutskever-ilya",
        REPORT_TEXT,
        "open",
    )

    # 4. The curator signs in and sees the report on the dashboard.
    page.goto(f"{base}/curation/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/curation/$"))
    page.get_by_label("User name").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/curation/")
    reports_heading = page.get_by_role("heading", name=re.compile(r"^Reader reports"))
    expect(reports_heading.locator(".count")).to_have_text("1 open")
    row = page.locator("table.list tbody tr").filter(has_text=f"#{report.pk} The name is wrong")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ilya Sutskever")
    expect(row).to_contain_text("The name is spelt Ilya Sutskever")
    shoot("4-dashboard")

    # 5. The report, and the tool it links to (looked at, not used).
    row.get_by_role("link", name=f"#{report.pk} The name is wrong").click()
    expect(page).to_have_url(f"{base}/curation/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Report #{report.pk}: The name is wrong"
    )
    expect(page.locator("p.quote")).to_have_text(REPORT_TEXT)
    edit = page.get_by_role("link", name="Edit the name…")
    expect(edit).to_have_attribute("href", "/curation/authors/sutskever-ilya/edit/")
    shoot("5-report")
    edit.click()
    expect(page).to_have_url(f"{base}/curation/authors/sutskever-ilya/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Sutskever, Ilya")
    expect(page.get_by_label("Given names")).to_have_value("Ilya")
    shoot("6-edit-tool")
    page.go_back()
    expect(page).to_have_url(f"{base}/curation/reports/{report.pk}/")

    # 6. Resolved: the queue says so, and lists it under "Decided lately".
    page.get_by_role("button", name="Resolved").click()
    expect(page).to_have_url(f"{base}/curation/reports/")
    expect(page.locator(".messages")).to_contain_text(
        f"Resolved report #{report.pk}: The name is wrong (Ilya Sutskever)"
    )
    expect(page.locator("h1 .count")).to_have_text("0 open")
    decided = page.get_by_role("heading", name="Decided lately")
    expect(decided).to_be_visible()
    decided_rows = page.locator("h2 + table.list tbody tr")
    expect(decided_rows).to_have_count(1)
    expect(decided_rows.first).to_contain_text(f"#{report.pk} The name is wrong")
    expect(decided_rows.first).to_contain_text("resolved")
    shoot("7-decided")
    report.refresh_from_db()
    assert report.state == "resolved"
