"""A curator uploads a page file in a real browser and watches the import's progress
page, which reloads itself, go from "waiting for a worker" to done with the summary
line once the background worker (run here, in the test's process) has imported it."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Route, expect

from catalog.models import SourcePage
from curation.models import ImportFile, ImportJob

from .conftest import CURATOR_PASSWORD

PAGE_000 = "000_66da5a788456bc5b.txt"
SUMMARY = (
    "1 files: 1 new, 0 updated, 0 unchanged, 0 rejected. Catalogue: 9 papers (9 titled, "
    "0 abstract-only), 1 authors, 3 venues, 9 authorships, 0 anonymous pages waiting for "
    "a curator."
)
JOB_PAGE = re.compile(r"/curation/imports/(\d+)/$")


@pytest.mark.django_db(transaction=True)
def test_upload_a_page_file_and_watch_the_import(
    live_server, page: Page, screenshot, curator, sample_pages_dir
):
    base = live_server.url
    # The progress page's own reloads go through here; Playwright answers them only
    # while the test calls it, so none reaches the server while the worker writes
    # (on SQLite the live server shares the test's in-memory database connection).
    reloads: list[str] = []

    def job_page(route: Route) -> None:
        reloads.append(route.request.url)
        route.continue_()

    page.route(JOB_PAGE, job_page)

    # Sign in on the way to the upload form.
    page.goto(f"{base}/curation/imports/new/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/curation/imports/new/$"))
    page.get_by_label("User name").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload page files")

    # Upload one seed page: the progress page, waiting for a worker.
    page.get_by_label("Page files, or zip archives of page files").set_input_files(
        sample_pages_dir / PAGE_000
    )
    screenshot("upload-1-form")
    page.get_by_role("button", name="Upload and import").click()
    expect(page).to_have_url(JOB_PAGE)
    job = ImportJob.objects.get()
    assert page.url == f"{base}/curation/imports/{job.pk}/"
    expect(page.locator(".messages")).to_contain_text("Uploaded: the import runs in the background")
    expect(page.locator("#job-state")).to_have_text("waiting for a worker")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Import #{job.pk}")
    expect(page.locator("progress#job-progress")).to_have_attribute("max", "1")
    screenshot("upload-2-waiting")

    # The worker imports the file; the page reloads itself until it shows the end.
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    expect(page.locator("#job-state")).to_have_text("done", timeout=15_000)
    expect(page.locator("#job-summary")).to_have_text(SUMMARY)
    expect(page.locator("progress#job-progress")).to_have_attribute("value", "1")
    expect(page.locator("#job-files")).to_have_text("1 of 1")
    expect(page.locator(".messages")).to_have_count(0)  # shown once, on the first load
    assert reloads[0] == page.url  # reloaded by itself (the redirect there is not routed)
    screenshot("upload-3-done")

    assert list(SourcePage.objects.values_list("source", flat=True)) == [PAGE_000]
    assert ImportFile.objects.count() == 0

    # The recent imports list links to it.
    page.get_by_role("link", name="Recent imports").click()
    row = page.get_by_role("table").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("done 1 new, 0 updated, 0 unchanged, 0 rejected")
    expect(row.get_by_role("link", name=f"#{job.pk}")).to_have_attribute(
        "href", f"/curation/imports/{job.pk}/"
    )


@pytest.mark.django_db(transaction=True)
def test_upload_over_the_limit_is_refused_with_its_message(
    live_server, page: Page, curator, sample_page_files, settings
):
    """Through a real server: the request is read to its end and the form comes back
    with the message naming the file and the limit (not a bare 400, no reset)."""
    from curation import uploads

    settings.UPLOAD_MAX_FILES = 2
    page.goto(f"{live_server.url}/curation/imports/new/")
    page.get_by_label("User name").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Page files, or zip archives of page files").set_input_files(
        sample_page_files
    )
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("alert")).to_have_text(
        uploads.TOO_MANY_FILES.format(name=sample_page_files[2].name, limit=2)
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload page files")
    assert ImportJob.objects.count() == 0
