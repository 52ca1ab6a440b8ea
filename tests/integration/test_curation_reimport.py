"""Re-importing pages after curators worked: every curator decision is kept."""

import pytest
from django.core.exceptions import ValidationError

from catalog.importing import import_pages
from catalog.models import Author, Paper, SourcePage
from curation import services
from tests.pages import anonymous_page, named_page, write_page

ABSTRACTS = [f"We study problem number {n} of robust learning in depth." for n in range(4)]


def _setup(tmp_path):
    files = [
        write_page(
            tmp_path,
            "a.txt",
            named_page(
                "Kowalski, Jan",
                [(f"Paper {n}", "AAAI Conferences", ABSTRACTS[n]) for n in range(3)],
            ),
        ),
        write_page(
            tmp_path,
            "b.txt",
            named_page("Kowalski, J.", [("Paper 3", "AAAI Conferences", ABSTRACTS[3])]),
        ),
        write_page(tmp_path, "anon.txt", anonymous_page("Tony", ABSTRACTS[:2])),
    ]
    import_pages(files)
    return files


def _split_off_paper_2(curator) -> tuple[Author, Author]:
    """Split "Paper 2" off Jan Kowalski to a new namesake; both authors."""
    jan = Author.objects.get(given_name="Jan")
    services.split_author(
        author=jan,
        papers=list(Paper.objects.filter(title="Paper 2")),
        actor=curator,
        new_author=services.NewAuthor("Kowalski", "Jan"),
    )
    return jan, Author.objects.exclude(pk=jan.pk).get(given_name="Jan")


def _papers(author):
    return set(Paper.objects.filter(authorships__author=author).values_list("title", flat=True))


def test_reimport_of_an_assigned_page_keeps_the_assignment_and_claims_new_entries(
    tmp_path, db, curator
):
    _setup(tmp_path)
    page = SourcePage.objects.get(source="anon.txt")
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja"))
    nowak = Author.objects.get(family_name="Nowak")

    write_page(tmp_path, "anon.txt", anonymous_page("Tony", ABSTRACTS[:3]))
    import_pages([tmp_path / "anon.txt"])

    page.refresh_from_db()
    assert (page.author, page.assigned_by) == (nowak, "curator")
    assert _papers(nowak) == {"Paper 0", "Paper 1", "Paper 2"}


def test_reimport_after_merging_authors_keeps_the_survivor(tmp_path, db, curator):
    _setup(tmp_path)
    jan, j = Author.objects.get(given_name="Jan"), Author.objects.get(given_name="J.")
    services.merge_authors(survivor=jan, others=[j], actor=curator)

    write_page(
        tmp_path,
        "b.txt",
        named_page(
            "Kowalski, J.",
            [("Paper 3", "AAAI Conferences", ABSTRACTS[3]), ("Paper 9", "AAAI Conferences", "")],
        ),
    )
    import_pages([tmp_path / "b.txt"])

    assert SourcePage.objects.get(source="b.txt").author == jan
    assert _papers(jan) == {"Paper 0", "Paper 1", "Paper 2", "Paper 3", "Paper 9"}
    assert Author.objects.filter(merged_into__isnull=True).count() == 1


def test_reimport_after_a_split_keeps_the_moved_papers_with_the_new_author(tmp_path, db, curator):
    _setup(tmp_path)
    jan, other = _split_off_paper_2(curator)

    write_page(
        tmp_path,
        "a.txt",
        named_page(
            "Kowalski, Jan",
            [(f"Paper {n}", "AAAI Conferences", ABSTRACTS[n]) for n in range(3)]
            + [("Paper 8", "AAAI Conferences", "")],
        ),
    )
    import_pages([tmp_path / "a.txt"])

    assert _papers(jan) == {"Paper 0", "Paper 1", "Paper 8"}
    assert _papers(other) == {"Paper 2"}


def test_reimport_rewriting_a_split_papers_entry_keeps_it_with_the_new_author(
    tmp_path, db, curator
):
    _setup(tmp_path)
    jan, other = _split_off_paper_2(curator)
    entries = [(f"Paper {n}", "AAAI Conferences", ABSTRACTS[n]) for n in range(2)]
    entries.append(("Paper 2", "Neural Information Processing Systems", ABSTRACTS[2]))
    write_page(tmp_path, "a.txt", named_page("Kowalski, Jan", entries))  # Paper 2 re-written

    import_pages([tmp_path / "a.txt"])

    paper_2 = Paper.objects.get(title="Paper 2")
    assert _papers(jan) == {"Paper 0", "Paper 1"}
    assert _papers(other) == {"Paper 2"}
    assert list(paper_2.entries.values_list("authorship__author", flat=True)) == [other.pk]


def test_undo_after_a_reimport_that_changed_its_rows_is_refused(tmp_path, db, curator):
    _setup(tmp_path)
    page = SourcePage.objects.get(source="anon.txt")
    action = services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak"))
    gone_entry = page.entries.order_by("pk").first().pk
    write_page(tmp_path, "anon.txt", anonymous_page("Tony", ABSTRACTS[1:2]))
    import_pages([tmp_path / "anon.txt"])

    with pytest.raises(ValidationError) as error:
        services.undo_action(action=action, actor=curator)

    assert error.value.code == "changed"
    entry = f"source entry #{gone_entry} (no longer there)"  # the re-import replaced it
    assert error.value.messages == [services.UNDO_CHANGED_SINCE.format(record=entry)]
