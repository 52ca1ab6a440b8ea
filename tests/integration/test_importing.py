"""The importer on the real seed pages and on crafted variants of them."""

import shutil

import pytest
from django.db import DatabaseError, connection, transaction

from catalog import importing
from catalog.importing import FileStatus, find_page_files, import_pages
from catalog.models import (
    Appearance,
    Author,
    Authorship,
    DecidedBy,
    Paper,
    PaperSlugAlias,
    SourceEntry,
    SourcePage,
    Venue,
)
from catalog.selectors import catalogue_figures
from tests.factories import AuthorFactory
from tests.integration.conftest import export_text
from tests.pages import anonymous_page, named_page, write_page

ABSTRACT_A = "We study alpha. It is a first abstract about alpha systems."
ABSTRACT_B = "We study beta. It is a second abstract about beta systems."
ABSTRACT_C = "We study gamma. It is a third abstract about gamma systems."


def test_import_seeds_gives_the_design_figures(imported_seeds):
    figures = catalogue_figures()

    assert imported_seeds.count(FileStatus.NEW) == 5
    assert (
        figures.authors,
        figures.venues,
        figures.papers,
        figures.titled_papers,
        figures.abstract_only_papers,
        figures.authorships,
        figures.unassigned_pages,
    ) == (3, 4, 40, 24, 16, 28, 2)


def test_import_seeds_twice_changes_nothing(imported_seeds, sample_page_files):
    before = export_text()

    again = import_pages(sample_page_files)

    assert [r.status for r in again.results] == [FileStatus.UNCHANGED] * 5
    assert export_text() == before


@pytest.mark.django_db
def test_import_seeds_one_by_one_in_reverse_gives_identical_export(sample_page_files):
    for path in reversed(sample_page_files):
        import_pages([path])
    reversed_export = export_text()
    Paper.objects.update(merged_into=None)
    SourceEntry.objects.all().delete()
    for model in (Appearance, PaperSlugAlias, Authorship, SourcePage, Paper, Venue, Author):
        model.objects.all().delete()

    import_pages(sample_page_files)

    assert export_text() == reversed_export


def test_import_shared_paper_becomes_one_paper_with_its_authors(imported_seeds):
    paper = Paper.objects.get(title="OpenAI o1 System Card")

    sources = set(paper.entries.values_list("page__source", flat=True))
    authors = set(paper.authorships.values_list("author__slug", flat=True))

    assert sources == {
        "000_66da5a788456bc5b.txt",
        "001_fa869cb8beed8520.txt",
        "002_35c52ba779523854.txt",
        "004_ecb8618afa550e8b.txt",
    }
    assert authors == {"parascandolo-giambattista", "sutskever-ilya"}


def test_import_title_listed_twice_gives_one_paper_two_venues(imported_seeds):
    paper = Paper.objects.get(title__startswith="Adaptive Skip Intervals")

    venues = set(paper.appearances.values_list("venue__name", flat=True))
    authorship = paper.authorships.get()

    assert venues == {"Neural Information Processing Systems", "arXiv.org Machine Learning"}
    assert authorship.entries.count() == 2
    assert set(authorship.entries.values_list("line", flat=True)) == {50, 64}


def test_import_anonymous_pages_create_no_author_and_stay_apart(imported_seeds):
    pages = SourcePage.objects.filter(kind=SourcePage.Kind.ANONYMOUS)

    assert {(p.source, p.label, p.author_id) for p in pages} == {
        ("001_fa869cb8beed8520.txt", "Tony", None),
        ("004_ecb8618afa550e8b.txt", "Tony", None),
    }
    assert not Author.objects.filter(display_name__icontains="tony").exists()
    assert SourceEntry.objects.filter(page__in=pages, authorship__isnull=False).count() == 0


def test_import_abstract_only_entries_join_titled_papers(imported_seeds):
    gpt4o = Paper.objects.get(title="GPT-4o System Card")

    assert set(gpt4o.entries.values_list("page__source", "title")) == {
        ("001_fa869cb8beed8520.txt", ""),
        ("002_35c52ba779523854.txt", "GPT-4o System Card"),
        ("004_ecb8618afa550e8b.txt", ""),
    }


def test_import_named_page_author_has_name_parts_and_variant(imported_seeds):
    author = Author.objects.get(slug="sutskever-ilya")

    assert (author.display_name, author.family_name, author.given_name) == (
        "Ilya Sutskever",
        "Sutskever",
        "Ilya",
    )
    assert list(author.names.values_list("name", flat=True)) == ["Sutskever, Ilya"]
    assert author.authorships.count() == 10


@pytest.mark.django_db
def test_import_rejects_bad_files_and_keeps_no_trace(tmp_path, sample_page_files):
    for path in sample_page_files:
        shutil.copy(path, tmp_path / path.name)
    write_page(tmp_path, "empty.txt", b"")
    write_page(tmp_path, "binary.bin", bytes(range(256)) * 4)
    complete = named_page("Truncated, Tim", [("A Unique Truncated Title", "AAAI", ABSTRACT_A)])
    write_page(tmp_path, "truncated.txt", complete + "\n\n\nCut Off Here")
    files, _ = find_page_files([tmp_path])

    report = import_pages(files)

    assert {r.source: r.status for r in report.rejected} == {
        "empty.txt": FileStatus.REJECTED,
        "binary.bin": FileStatus.REJECTED,
        "truncated.txt": FileStatus.REJECTED,
    }
    reasons = {r.source: r.reason for r in report.rejected}
    assert reasons["empty.txt"] == "empty.txt: the file is empty; expected an author page"
    assert reasons["binary.bin"].startswith("binary.bin, line 1: binary data")
    assert reasons["truncated.txt"].startswith("truncated.txt, line 15: entry 'Cut Off Here'")
    assert report.count(FileStatus.NEW) == 5
    assert set(SourcePage.objects.values_list("source", flat=True)) == {
        p.name for p in sample_page_files
    }
    assert not Paper.objects.filter(title="A Unique Truncated Title").exists()
    assert not Author.objects.filter(family_name="Truncated").exists()


@pytest.mark.django_db
def test_import_rejects_file_over_size_limit(tmp_path):
    path = write_page(tmp_path, "big.txt", anonymous_page("Tony", [ABSTRACT_A * 50]))

    report = import_pages([path], max_bytes=1000)

    assert [(r.status, r.reason) for r in report.results] == [
        (
            FileStatus.REJECTED,
            f"big.txt: the file is {path.stat().st_size:,} bytes, over the 1,000-byte limit",
        )
    ]
    assert SourcePage.objects.count() == 0


@pytest.mark.django_db
def test_import_rejects_two_files_with_one_source_name_and_different_content(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_page(tmp_path / "a", "page.txt", anonymous_page("Tony", [ABSTRACT_A]))
    write_page(tmp_path / "b", "page.txt", anonymous_page("Tony", [ABSTRACT_B]))
    files, _ = find_page_files([tmp_path])

    report = import_pages(files)

    assert [r.status for r in report.results] == [FileStatus.REJECTED] * 2
    assert "two different files share this source name" in report.results[0].reason
    assert SourcePage.objects.count() == 0


@pytest.mark.django_db
def test_import_database_error_rejects_only_that_page(tmp_path, monkeypatch):
    good = write_page(tmp_path, "good.txt", anonymous_page("Tony", [ABSTRACT_A]))
    bad = write_page(tmp_path, "bad.txt", anonymous_page("Tony", [ABSTRACT_B]))
    original_run = importing._Batch.run

    def failing_run(batch):
        if any(f.source == "bad.txt" for f in batch.files):
            Paper.objects.create(title="half written", slug="half-written")
            raise DatabaseError("simulated failure")
        return original_run(batch)

    monkeypatch.setattr(importing._Batch, "run", failing_run)

    report = import_pages([good, bad])

    assert {r.source: r.status for r in report.results} == {
        "bad.txt": FileStatus.REJECTED,
        "good.txt": FileStatus.NEW,
    }
    assert report.rejected[0].reason == (
        "bad.txt: the database refused the page: simulated failure"
    )
    assert list(SourcePage.objects.values_list("source", flat=True)) == ["good.txt"]
    assert not Paper.objects.filter(slug="half-written").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("a.txt", "b.txt"), ("b.txt", "a.txt")])
def test_import_title_spellings_show_the_fixed_choice(tmp_path, order):
    pages = {
        "a.txt": named_page("One, Ann", [("gpt-4 technical report", "arXiv", ABSTRACT_A)]),
        "b.txt": named_page("Two, Bob", [("GPT-4 Technical Report", "arXiv", ABSTRACT_A)]),
    }
    for name in order:
        import_pages([write_page(tmp_path, name, pages[name])])

    paper = Paper.objects.get()

    assert (paper.title, paper.slug) == ("GPT-4 Technical Report", "gpt-4-technical-report")


@pytest.mark.django_db
def test_import_abstract_only_paper_gains_title_and_keeps_old_slug_as_alias(tmp_path):
    import_pages([write_page(tmp_path, "anon.txt", anonymous_page("Tony", [ABSTRACT_A]))])
    untitled_slug = Paper.objects.get().slug

    import_pages(
        [write_page(tmp_path, "named.txt", named_page("One, Ann", [("Alpha", "V", ABSTRACT_A)]))]
    )

    paper = Paper.objects.get()
    assert untitled_slug == "untitled-we-study-alpha-it-is-a-first-abstract-about-alpha-systems"
    assert (paper.title, paper.slug) == ("Alpha", "alpha")
    assert list(paper.slug_aliases.values_list("slug", flat=True)) == [untitled_slug]


@pytest.mark.django_db
def test_import_title_without_abstract_joins_the_one_paper_of_that_title(tmp_path):
    import_pages(
        [
            write_page(tmp_path, "a.txt", named_page("One, Ann", [("Alpha", "V1", ABSTRACT_A)])),
            write_page(tmp_path, "b.txt", named_page("Two, Bob", [("ALPHA", "V2", "")])),
        ]
    )

    paper = Paper.objects.get()

    assert (paper.title, paper.abstract) == ("Alpha", ABSTRACT_A)
    assert set(paper.appearances.values_list("venue__name", flat=True)) == {"V1", "V2"}
    assert paper.authorships.count() == 2


@pytest.mark.django_db
def test_import_title_without_abstract_stays_apart_when_two_papers_share_the_title(tmp_path):
    import_pages(
        [
            write_page(tmp_path, "a.txt", named_page("One, Ann", [("Alpha", "V", ABSTRACT_A)])),
            write_page(tmp_path, "b.txt", named_page("Two, Bob", [("Alpha", "V", ABSTRACT_B)])),
            write_page(tmp_path, "c.txt", named_page("Three, Cy", [("Alpha", "V", "")])),
        ]
    )

    assert sorted(Paper.objects.values_list("abstract", flat=True)) == ["", ABSTRACT_A, ABSTRACT_B]
    assert Paper.objects.filter(slug__startswith="alpha").count() == 3


@pytest.mark.django_db
def test_import_changed_page_updates_its_entries(tmp_path):
    path = write_page(
        tmp_path,
        "p.txt",
        named_page("One, Ann", [("Alpha", "V", ABSTRACT_A), ("Beta", "V", ABSTRACT_B)]),
    )
    import_pages([path])
    write_page(
        tmp_path,
        "p.txt",
        named_page("One, Ann", [("Gamma", "V", ABSTRACT_C), ("Alpha", "V", ABSTRACT_A)]),
    )

    report = import_pages([path])

    assert [r.status for r in report.results] == [FileStatus.UPDATED]
    page = SourcePage.objects.get()
    assert list(page.entries.values_list("position", "title")) == [(1, "Gamma"), (2, "Alpha")]
    assert set(Paper.objects.values_list("title", flat=True)) == {"Alpha", "Gamma"}
    assert set(Authorship.objects.values_list("paper__title", flat=True)) == {"Alpha", "Gamma"}


@pytest.mark.django_db
def test_import_changed_page_keeps_a_curated_authorship(tmp_path):
    path = write_page(
        tmp_path,
        "p.txt",
        named_page("Wu, Jeff", [("Alpha", "V", ABSTRACT_A), ("Beta", "V", ABSTRACT_B)]),
    )
    import_pages([path])
    homonym = AuthorFactory(family_name="Wu", given_name="Jeff")
    entry = SourceEntry.objects.get(title="Beta")
    moved = Authorship.objects.create(
        paper=entry.paper, author=homonym, decided_by=DecidedBy.CURATOR, curated=True
    )
    old = entry.authorship
    entry.authorship = moved
    entry.save()
    old.delete()
    write_page(
        tmp_path,
        "p.txt",
        named_page(
            "Wu, Jeff",
            [("Beta", "V", ABSTRACT_B), ("Alpha", "V", ABSTRACT_A), ("Gamma", "V", ABSTRACT_C)],
        ),
    )

    import_pages([path])

    page_author = SourcePage.objects.get().author
    assert set(Authorship.objects.values_list("paper__title", "author_id")) == {
        ("Alpha", page_author.id),
        ("Beta", homonym.id),
        ("Gamma", page_author.id),
    }
    assert SourceEntry.objects.get(title="Beta").authorship_id == moved.id


@pytest.mark.django_db
def test_import_changed_anonymous_page_follows_its_assignment(tmp_path):
    path = write_page(tmp_path, "anon.txt", anonymous_page("Tony", [ABSTRACT_A]))
    import_pages([path])
    author = AuthorFactory()
    SourcePage.objects.update(author=author, assigned_by=DecidedBy.CURATOR)
    write_page(tmp_path, "anon.txt", anonymous_page("Tony", [ABSTRACT_A, ABSTRACT_B]))

    import_pages([path])

    page = SourcePage.objects.get()
    assert (page.author_id, page.assigned_by) == (author.id, DecidedBy.CURATOR)
    assert set(Authorship.objects.values_list("paper__abstract", "author_id")) == {
        (ABSTRACT_B, author.id)
    }


@pytest.mark.django_db
def test_import_changed_page_cannot_change_shape(tmp_path):
    path = write_page(tmp_path, "p.txt", anonymous_page("Tony", [ABSTRACT_A]))
    import_pages([path])
    write_page(tmp_path, "p.txt", named_page("One, Ann", [("Alpha", "V", ABSTRACT_A)]))

    report = import_pages([path])

    assert [r.status for r in report.results] == [FileStatus.REJECTED]
    assert report.results[0].reason == (
        "p.txt: the page was imported as a anonymous page and is now a named page; "
        "import it under a new file name"
    )
    assert SourcePage.objects.get().kind == SourcePage.Kind.ANONYMOUS


@pytest.mark.django_db
def test_import_entry_of_merged_paper_lands_on_the_survivor(tmp_path):
    import_pages(
        [
            write_page(tmp_path, "a.txt", named_page("One, Ann", [("Alpha", "V", ABSTRACT_A)])),
            write_page(tmp_path, "b.txt", named_page("Two, Bob", [("Alpha v2", "V", ABSTRACT_B)])),
        ]
    )
    survivor = Paper.objects.get(title="Alpha")
    merged = Paper.objects.get(title="Alpha v2")
    merged.entries.update(paper=survivor)
    Authorship.objects.filter(paper=merged).update(paper=survivor)
    merged.merged_into = survivor
    merged.save()

    import_pages(
        [write_page(tmp_path, "c.txt", named_page("Three, Cy", [("Alpha v2", "V", ABSTRACT_B)]))]
    )

    assert SourceEntry.objects.get(page__source="c.txt").paper_id == survivor.id
    assert Paper.objects.filter(merged_into__isnull=True).count() == 1


@pytest.mark.django_db
def test_import_with_worker_processes_gives_the_same_catalogue(sample_page_files):
    with transaction.atomic():
        import_pages(sample_page_files, workers=0, batch_pages=2)
        serial = export_text()
        transaction.set_rollback(True)

    import_pages(sample_page_files, workers=2, batch_pages=2)

    assert export_text() == serial


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_import_leaves_the_planner_statistics_of_its_tables_fresh(db, sample_page_files):
    import_pages(sample_page_files)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::int FROM pg_class "
            "WHERE relname IN ('catalog_paper', 'catalog_authorship', 'catalog_sourcepage')"
        )
        analysed = dict(cursor.fetchall())

    assert analysed == {
        "catalog_paper": Paper.objects.count(),
        "catalog_authorship": Authorship.objects.count(),
        "catalog_sourcepage": 5,
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's visibility map")
def test_import_outside_a_transaction_leaves_its_tables_vacuumed(
    transactional_db, sample_page_files
):
    import_pages(sample_page_files)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relallvisible > 0 FROM pg_class "
            "WHERE relname IN ('catalog_paper', 'catalog_authorship')"
        )
        vacuumed = dict(cursor.fetchall())

    assert vacuumed == {"catalog_paper": True, "catalog_authorship": True}
