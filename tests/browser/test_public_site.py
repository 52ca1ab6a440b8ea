"""A reader's round: home, search, a paper, an author, in a real browser."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalog.importing import import_pages


@pytest.mark.django_db(transaction=True)
def test_reader_searches_then_opens_a_paper_and_its_author(
    live_server, page, screenshot, sample_page_files
):
    import_pages(sample_page_files)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Research author profiles")
    expect(page.locator(".figures")).to_contain_text("40")
    screenshot("01-home")

    page.get_by_label("Search papers and authors").fill("sparse autoencoders")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=sparse\+autoencoders$"))
    result = page.locator("ol.paper-list li").first
    expect(result).to_contain_text("Scaling and evaluating sparse autoencoders")
    expect(result.locator("mark").first).to_have_text("sparse")
    screenshot("02-search")

    result.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Scaling and evaluating sparse autoencoders"
    )
    expect(page.locator("table.list")).to_contain_text("002_35c52ba779523854.txt")
    screenshot("03-paper")

    authors = page.get_by_role("region", name="Authors")
    authors.get_by_role("link", name="Ilya Sutskever").click()
    expect(page).to_have_url(f"{live_server.url}/authors/sutskever-ilya/")
    expect(page.locator("#papers-heading")).to_contain_text("10")
    coauthors = page.locator(".coauthors li")
    expect(coauthors).to_have_text(
        [re.compile(r"Giambattista Parascandolo\s+2 shared"), re.compile(r"Jeff Wu\s+2 shared")]
    )
    screenshot("04-author")


@pytest.mark.django_db(transaction=True)
def test_reader_browses_authors_by_letter_on_a_phone(
    live_server, page, screenshot, sample_page_files
):
    import_pages(sample_page_files)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/authors/")
    page.get_by_role("link", name="W", exact=True).click()

    expect(page.locator("table.list tbody tr")).to_have_count(1)
    expect(page.locator("table.list")).to_contain_text("Wu, Jeff")
    screenshot("05-authors-phone")


@pytest.mark.django_db(transaction=True)
def test_a_very_long_name_wraps_instead_of_widening_the_pages(
    live_server, page, screenshot, tmp_path
):
    from tests.pages import named_page, write_page

    long_family = "Q" * 200
    long_title = "Supercalifragilistic" * 10
    text = named_page(f"{long_family}, Ann", [(long_title, "NeurIPS", "An abstract.")])
    import_pages([write_page(tmp_path, "900_long.txt", text)])
    page.set_viewport_size({"width": 390, "height": 844})

    widths = {}
    for path in ("/authors/", "/search/?q=supercalifragilistic", "/papers/"):
        page.goto(f"{live_server.url}{path}")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    page.goto(f"{live_server.url}/authors/")
    page.get_by_role("link", name=re.compile("^Q{20}")).first.click()
    widths["profile"] = page.evaluate("document.documentElement.scrollWidth")
    screenshot("06-long-name-phone")

    assert widths == {
        "/authors/": 390,
        "/search/?q=supercalifragilistic": 390,
        "/papers/": 390,
        "profile": 390,
    }


@pytest.mark.django_db(transaction=True)
def test_reader_downloads_a_profiles_bibtex_and_follows_its_coauthor_picture(
    live_server, page, screenshot, sample_page_files
):
    import bibtexparser

    from catalog.models import Author

    import_pages(sample_page_files)
    slugs = set(
        Author.objects.get(slug="sutskever-ilya").authorships.values_list("paper__slug", flat=True)
    )
    page.goto(f"{live_server.url}/authors/sutskever-ilya/")

    with page.expect_download() as download:
        page.locator(".cite").get_by_role("link", name="BibTeX").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)

    assert download.value.suggested_filename == "sutskever-ilya.bib"
    assert {entry.key for entry in library.entries} == slugs
    picture = page.get_by_role("img", name=re.compile(r"Ilya Sutskever\W* and 2 co-authors"))
    expect(picture).to_be_visible()
    screenshot("06-author-picture")
    picture.locator("a", has_text="Jeff Wu").click()
    expect(page).to_have_url(f"{live_server.url}/authors/wu-jeff/")
