"""A curator's round in a real browser: sign in, assign both anonymous pages, merge two
authors, split the homonym profile ``Wu, Jeff``, undo the split, and check the public
pages and the API (read anonymously, as a reader would) after each step.

Only the seed import and the curator account are arranged in fixtures; every step is
done through the curator pages with clicks and typing (one of them keyboard only).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Author

from .conftest import CURATOR_PASSWORD

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
GP_PDE = "Inference of Nonlinear Partial Differential Equations via Constrained Gaussian Processes"
MARKOV_2010 = (
    "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov Decision Process"
)


# --- anonymous HTTP, as a reader or an API client sees the site ---------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 301 is an answer to check, not to follow


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> Answer:
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/html"})
    try:
        with _opener.open(request, timeout=15) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def api(base: str, path: str):
    answer = fetch(f"{base}/api/{path}")
    assert answer.status == 200, (path, answer.status, answer.body[:300])
    return answer.json()


# --- page helpers ------------------------------------------------------------------------------


def papers_heading(page: Page):
    return page.locator("#papers-heading")


def profile_titles(page: Page):
    return page.locator("ol.paper-list > li")


def confirm_preview(page: Page, shoot, name: str) -> None:
    """The preview is shown, nothing changed yet; confirm it."""
    expect(page.get_by_role("heading", name="Check before you confirm")).to_be_visible()
    expect(page.locator("section.confirm")).to_contain_text("Nothing has changed yet")
    shoot(name)
    page.get_by_role("button", name="Confirm").click()


def expect_done_message(page: Page) -> None:
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Done: .+ The history can undo"))


@pytest.mark.django_db(transaction=True)
def test_curator_round_assign_merge_split_undo(
    live_server, page: Page, screenshot, seeded_catalog, curator
):
    from curation import queues

    queues.compute(full=True)  # what the background worker does after the import
    base = live_server.url

    def shoot(name: str) -> None:
        screenshot(f"curation-{name}")

    # 1. Anonymous visitors are sent to the login page; sign in with the form.
    page.goto(f"{base}/curation/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/curation/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("User name").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    shoot("1-login")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/curation/")

    # 2. The dashboard: both anonymous pages with suggestions; Wu, Jeff may mix two people.
    expect(page.get_by_role("heading", level=1)).to_have_text("Curation")
    expect(page.locator("h2 .count").first).to_have_text("2 waiting")
    pages_table = page.get_by_role("table", name="Anonymous pages waiting for an author")
    rows = pages_table.locator("tbody tr")
    expect(rows).to_have_count(2)
    for source in (PAGE_001, PAGE_004):
        row = rows.filter(has_text=source)
        expect(row).to_contain_text("label “Tony”")
        expect(row).to_contain_text(re.compile(r"Sutskever, Ilya\s+\d+%\s*holds 2 of the page"))
    mixed = page.locator("section.pair").filter(
        has=page.get_by_role("heading", name=re.compile(r"^Wu, Jeff"))
    )
    expect(mixed).to_have_count(1)
    expect(mixed).to_contain_text("9 papers · 3 groups")
    shoot("2-dashboard")

    # 3. (keyboard only) Assign page 001 to a new author with a diacritic: Nowak, Łucja.
    rows.filter(has_text=PAGE_001).get_by_role("link", name="Assign…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assign page {PAGE_001}")
    suggestions = page.locator("ol.suggestions > li")
    expect(suggestions).to_have_count(3)
    expect(suggestions.first).to_contain_text("Sutskever, Ilya")
    expect(suggestions.first.locator(".evidence")).to_contain_text(
        re.compile(r"Holds \d+ of the page.s \d+ known papers?")
    )
    expect(suggestions.first.locator(".evidence")).to_be_visible()
    expect(page.locator("ol.entries > li")).to_have_count(10)

    family = page.get_by_label("Family name")
    for _ in range(80):  # Tab through the page until the family name has the focus
        page.keyboard.press("Tab")
        if family.evaluate("el => el === document.activeElement"):
            break
    expect(family).to_be_focused()
    page.keyboard.type("Nowak")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Given names")).to_be_focused()
    page.keyboard.type("Łucja")
    shoot("3-assign-form")
    page.keyboard.press("Enter")  # submits the form: Review the changes
    expect(page.get_by_role("heading", name="Check before you confirm")).to_be_visible()
    expect(page.locator("section.confirm")).to_contain_text("Nowak")
    expect(page.get_by_role("button", name="Confirm")).to_be_focused()  # autofocus
    shoot("3-assign-preview")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{base}/authors/nowak-lucja/")
    expect_done_message(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Łucja Nowak")
    expect(papers_heading(page)).to_have_text(re.compile(r"Papers\s+10$"))
    expect(profile_titles(page)).to_have_count(10)
    expect(page.locator("details.sources").first).to_contain_text(PAGE_001)
    shoot("3-nowak-profile")

    found = api(base, "authors/?name=lucja")
    assert [a["slug"] for a in found["results"]] == ["nowak-lucja"]
    assert found["results"][0]["display_name"] == "Łucja Nowak"
    assert found["results"][0]["paper_count"] == 10
    assert api(base, "authors/?name=%C5%81ucja%20nowak")["count"] == 1  # "Łucja nowak"
    page_001 = api(base, f"pages/{PAGE_001}/")
    assert page_001["assigned"] is True
    assert page_001["author"]["slug"] == "nowak-lucja"
    assert fetch(f"{base}/authors/nowak-lucja/").status == 200

    # 4. Assign page 004 to an existing author found with the picker.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Curation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Curation")
    expect(page.locator("h2 .count").first).to_have_text("1 waiting")
    rows.filter(has_text=PAGE_004).get_by_role("link", name="Assign…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assign page {PAGE_004}")
    page.get_by_label(re.compile(r"^Find an existing author")).fill("sutskever")
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"\?q=sutskever$"))
    # Found by the search; listed once, marked as suggested when it is one.
    picked = page.get_by_role("radio", name=re.compile(r"^Sutskever, Ilya \(sutskever-ilya"))
    expect(picked).to_have_count(1)
    picked.check()
    expect(picked).to_be_checked()
    shoot("4-assign-picker")
    page.get_by_role("button", name="Review the changes").click()
    expect(page.locator("section.confirm")).to_contain_text("Sutskever")
    confirm_preview(page, shoot, "4-assign-preview")

    expect(page).to_have_url(f"{base}/authors/sutskever-ilya/")
    expect_done_message(page)
    sources = page.locator("details.sources")
    expect(sources.filter(has_text=PAGE_004).first).to_be_attached()
    sources.filter(has_text=PAGE_004).first.locator("summary").click()  # open one, to see it
    sutskever_total = api(base, "papers/?author=sutskever-ilya")["count"]
    assert sutskever_total > 10
    expect(papers_heading(page)).to_have_text(re.compile(rf"Papers\s+{sutskever_total}$"))
    shoot("4-sutskever-profile")

    sources_of = [p["source"] for p in api(base, "pages/?author=sutskever-ilya")["results"]]
    assert PAGE_004 in sources_of
    assert api(base, "pages/?assigned=false")["count"] == 0

    # 5. Merge Parascandolo into Nowak: pick the survivor and the name shown.
    nowak = Author.objects.get(slug="nowak-lucja")
    other = Author.objects.get(slug="parascandolo-giambattista")
    union = {p["slug"] for p in api(base, "papers/?author=nowak-lucja")["results"]} | {
        p["slug"] for p in api(base, "papers/?author=parascandolo-giambattista")["results"]
    }
    page.goto(f"{base}/curation/authors/merge/?ids={other.pk}&ids={nowak.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge 2 authors")
    nowak_card = page.locator("section.card").filter(has_text="Nowak, Łucja")
    nowak_card.get_by_label("Keep this profile").check()
    page.get_by_role("group", name="Name shown").get_by_label("Nowak, Łucja", exact=True).check()
    shoot("5-merge-form")
    page.get_by_role("button", name="Review the changes").click()
    confirm_preview(page, shoot, "5-merge-preview")

    expect(page).to_have_url(f"{base}/authors/nowak-lucja/")
    expect_done_message(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Łucja Nowak")
    expect(page.locator(".names")).to_contain_text("Parascandolo, Giambattista")
    expect(papers_heading(page)).to_have_text(re.compile(rf"Papers\s+{len(union)}$"))
    shoot("5-merged-profile")

    tombstone = fetch(f"{base}/authors/parascandolo-giambattista/")
    assert tombstone.status == 301
    assert tombstone.headers["Location"].endswith("/authors/nowak-lucja/")
    page.goto(f"{base}/authors/parascandolo-giambattista/")
    expect(page).to_have_url(f"{base}/authors/nowak-lucja/")
    assert api(base, "papers/?author=nowak-lucja")["count"] == len(union)
    assert api(base, "papers/?author=parascandolo-giambattista")["count"] == len(union)
    by_old_name = api(base, "authors/?name=parascandolo")["results"]
    assert [a["slug"] for a in by_old_name] == ["nowak-lucja"]

    # 6. Split two papers off Wu, Jeff, starting from the dashboard's mixed-profile section.
    page.goto(f"{base}/curation/")
    mixed.locator(".card").filter(has_text=GP_PDE).get_by_role(
        "link", name="Split this group off…"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Split Wu, Jeff")
    expect(page.get_by_role("checkbox", name=GP_PDE)).to_be_checked()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(1)
    page.get_by_role("checkbox", name=MARKOV_2010).check()
    expect(page.get_by_label("Family name")).to_have_value("Wu")
    expect(page.get_by_label("Given names")).to_have_value("Jeff")
    page.get_by_label("Given names").fill("Jeffrey")
    # A picker search keeps what was ticked and typed in the form below it.
    page.get_by_label(re.compile(r"^Find an existing author")).fill("nobody-by-this-name")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("p.empty")).to_contain_text("No author matches")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(2)
    expect(page.get_by_role("checkbox", name=MARKOV_2010)).to_be_checked()
    expect(page.get_by_label("Given names")).to_have_value("Jeffrey")
    shoot("6-split-form")
    page.get_by_role("button", name="Review the changes").click()
    confirm_preview(page, shoot, "6-split-preview")

    expect_done_message(page)
    expect(page).not_to_have_url(f"{base}/authors/wu-jeff/")
    split_url = page.url
    split_slug = split_url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeffrey Wu")
    expect(papers_heading(page)).to_have_text(re.compile(r"Papers\s+2$"))
    expect(profile_titles(page)).to_have_count(2)
    expect(profile_titles(page).filter(has_text=GP_PDE)).to_have_count(1)
    expect(profile_titles(page).filter(has_text=MARKOV_2010)).to_have_count(1)
    shoot("6-split-off-profile")

    page.goto(f"{base}/authors/wu-jeff/")
    expect(papers_heading(page)).to_have_text(re.compile(r"Papers\s+7$"))
    expect(page.locator("ol.paper-list")).not_to_contain_text(GP_PDE)
    expect(page.locator("ol.paper-list")).not_to_contain_text(MARKOV_2010)
    shoot("6-wu-jeff-after-split")
    moved = api(base, f"papers/?author={split_slug}")
    assert sorted(p["title"] for p in moved["results"]) == sorted([GP_PDE, MARKOV_2010])
    assert api(base, "papers/?author=wu-jeff")["count"] == 7
    assert fetch(f"{base}/authors/{split_slug}/").status == 200

    # 7. Undo the split from the history.
    page.goto(f"{base}/curation/")
    page.get_by_role("navigation", name="Curation").get_by_role("link", name="History").click()
    history = page.get_by_role("table", name="Curator actions, newest first")
    expect(history.locator("tbody tr")).to_have_count(4)
    split_row = history.locator("tbody tr").filter(has_text="Split")
    expect(split_row).to_have_count(1)
    shoot("7-history")
    split_row.get_by_role("link", name="changes, undo…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^#\d+ split author", re.I)
    )
    shoot("7-split-action")
    page.get_by_role("button", name="Undo this action").click()

    expect(page).to_have_url(f"{base}/curation/history/")
    expect(page.locator(".messages")).to_contain_text("Undone:")
    expect(split_row).to_contain_text(f"undone by {curator.username}")
    shoot("7-history-after-undo")

    page.goto(f"{base}/authors/wu-jeff/")
    expect(papers_heading(page)).to_have_text(re.compile(r"Papers\s+9$"))
    expect(profile_titles(page).filter(has_text=GP_PDE)).to_have_count(1)
    expect(profile_titles(page).filter(has_text=MARKOV_2010)).to_have_count(1)
    shoot("7-wu-jeff-after-undo")
    response = page.goto(split_url)
    assert response is not None
    assert response.status == 404
    shoot("7-split-off-404")
    assert fetch(f"{base}/authors/{split_slug}/").status == 404
    assert fetch(f"{base}/api/authors/{split_slug}/").status == 404
    assert api(base, "papers/?author=wu-jeff")["count"] == 9
    assert api(base, "authors/?name=wu")["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_typing_a_new_name_chooses_a_new_author_on_the_assign_form(
    live_server, page: Page, seeded_catalog, curator
):
    from catalog.models import SourcePage

    source = SourcePage.objects.get(source=PAGE_001)
    page.goto(f"{live_server.url}/accounts/login/?next=/curation/pages/{source.pk}/assign/")
    page.get_by_label("User name").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/assign/$"))
    page.wait_for_load_state("load")  # picker.js (deferred) listens from then on
    suggested = page.locator("ul.choices input[type=radio]").first
    fresh = page.get_by_role("radio", name="A new author, named below")

    expect(fresh).to_be_checked()
    suggested.check()
    expect(fresh).not_to_be_checked()
    page.get_by_label("Family name").fill("Nowak")

    expect(fresh).to_be_checked()
    expect(suggested).not_to_be_checked()
