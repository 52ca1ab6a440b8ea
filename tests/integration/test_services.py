"""Curation services on the seed catalogue: each operation, its undo, its refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from catalog.models import Author, Authorship, Paper, SourceEntry, SourcePage
from catalog.selectors import author_by_slug, paper_by_slug
from curation import services
from curation.models import CurationAction, DismissedPair
from tests.factories import PaperFactory

from .conftest import export_text


def _anonymous_pages():
    return list(SourcePage.objects.filter(kind="anonymous").order_by("source"))


def _papers_of(author):
    return set(Paper.objects.filter(authorships__author=author).values_list("slug", flat=True))


def test_assign_page_to_new_author_creates_authorships_with_provenance(imported_seeds, curator):
    page = _anonymous_pages()[0]

    action = services.assign_page(
        page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )

    author = Author.objects.get(display_name="Łucja Nowak")
    page.refresh_from_db()
    entries = SourceEntry.objects.filter(page=page)
    assert (page.author, page.assigned_by) == (author, "curator")
    assert author.slug == "nowak-lucja"
    assert set(author.names.values_list("name", flat=True)) == {"Nowak, Łucja"}
    assert {e.authorship.author_id for e in entries} == {author.pk}
    assert set(entries.values_list("paper__slug", flat=True)) == _papers_of(author)
    assert set(Authorship.objects.filter(author=author).values_list("curated", flat=True)) == {True}
    assert action.kind == CurationAction.Kind.ASSIGN_PAGE


def test_undo_of_assign_restores_the_export_and_retires_the_slug(imported_seeds, curator):
    before = export_text()
    action = services.assign_page(
        page=_anonymous_pages()[0], actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )

    services.undo_action(action=action, actor=curator)

    assert export_text() == before
    action.refresh_from_db()
    assert action.undone_by == curator
    again = services.assign_page(
        page=_anonymous_pages()[0], actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )
    assert Author.objects.get(pk=again.targets.get(model="author").object_id).slug != "nowak-lucja"


def test_assign_page_to_existing_author_reuses_his_authorships(imported_seeds, curator):
    ilya = Author.objects.get(slug="sutskever-ilya")
    page = _anonymous_pages()[0]
    expected = _papers_of(ilya) | set(page.entries.values_list("paper__slug", flat=True))

    services.assign_page(page=page, actor=curator, author=ilya)

    assert _papers_of(ilya) == expected
    assert Authorship.objects.filter(author=ilya).count() == len(expected)
    assert set(page.entries.values_list("authorship__author__slug", flat=True)) == {
        "sutskever-ilya"
    }


def test_assign_page_refuses_an_assigned_page(imported_seeds, curator):
    page = SourcePage.objects.get(kind="named", label__startswith="Wu")
    ilya = Author.objects.get(slug="sutskever-ilya")

    with pytest.raises(ValidationError) as error:
        services.assign_page(page=page, actor=curator, author=ilya)

    assert error.value.messages == [
        services.PAGE_ALREADY_ASSIGNED.format(page=page, author=page.author)
    ]


def test_assign_page_refuses_a_stale_form(imported_seeds, curator):
    page = _anonymous_pages()[0]
    ilya = Author.objects.get(slug="sutskever-ilya")
    version = services.record_version(page)
    # Meanwhile another curator assigns the page and takes it back.
    services.assign_page(page=page, actor=curator, author=ilya)
    services.unassign_page(page=page, actor=curator)
    before = export_text()

    with pytest.raises(ValidationError) as error:
        services.assign_page(page=page, actor=curator, author=ilya, version=version)

    assert error.value.messages == [services.STALE_FORM]
    assert export_text() == before


def test_services_refuse_non_curators(imported_seeds, reader):
    with pytest.raises(PermissionDenied):
        services.assign_page(
            page=_anonymous_pages()[0], actor=reader, new_author=services.NewAuthor("Nowak")
        )


def test_merge_authors_moves_everything_and_leaves_a_redirecting_tombstone(imported_seeds, curator):
    ilya = Author.objects.get(slug="sutskever-ilya")
    page = _anonymous_pages()[0]
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Sutskever", "I."))
    other = Author.objects.get(display_name="I. Sutskever")
    papers = _papers_of(ilya) | _papers_of(other)
    before = export_text()

    action = services.merge_authors(
        survivor=ilya, others=[other], actor=curator, display_name="Sutskever, Ilya"
    )

    other.refresh_from_db()
    assert other.merged_into == ilya
    assert author_by_slug(other.slug) == ilya
    assert _papers_of(ilya) == papers
    assert set(ilya.names.values_list("name", flat=True)) == {"Sutskever, Ilya", "Sutskever, I."}
    assert set(page.entries.values_list("authorship__author__slug", flat=True)) == {ilya.slug}
    page.refresh_from_db()
    assert page.author == ilya

    services.undo_action(action=action, actor=curator)

    assert export_text() == before


def test_split_author_moves_papers_to_a_new_homonym_and_undo_restores(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")
    odd = list(Paper.objects.filter(authorships__author=wu).order_by("slug")[:2])
    before = export_text()

    action = services.split_author(
        author=wu, papers=odd, actor=curator, new_author=services.NewAuthor("Wu", "Jeff")
    )

    new = Author.objects.exclude(pk=wu.pk).get(display_name="Jeff Wu")
    assert _papers_of(new) == {p.slug for p in odd}
    assert not _papers_of(wu) & _papers_of(new)
    assert new.slug.startswith("wu-jeff-")
    moved = SourceEntry.objects.filter(paper__in=odd, page__author=wu)
    assert {e.authorship.author_id for e in moved} == {new.pk}

    services.undo_action(action=action, actor=curator)

    assert export_text() == before
    with pytest.raises(Http404):
        author_by_slug(new.slug)


def test_merge_papers_abstract_only_into_titled_keeps_title_and_redirects(imported_seeds, curator):
    titled = Paper.objects.exclude(title="").order_by("slug").first()
    untitled = Paper.objects.filter(title="").order_by("slug").first()
    before = export_text()

    action = services.merge_papers(survivor=untitled, others=[titled], actor=curator)

    untitled.refresh_from_db()
    assert untitled.title == titled.title
    assert paper_by_slug(titled.slug) == untitled
    assert paper_by_slug(untitled.slug) == untitled  # its old slug is kept as an alias

    services.undo_action(action=action, actor=curator)

    assert export_text() == before


def test_merge_papers_choosing_no_title_pins_the_choice(db, curator):
    titled = PaperFactory(title="A Title Someone Typed Wrongly", abstract="")
    untitled = PaperFactory(title="", abstract="The abstract both records describe.")

    services.merge_papers(
        survivor=untitled,
        others=[titled],
        title_from=untitled,
        abstract_from=untitled,
        actor=curator,
    )

    untitled.refresh_from_db()
    assert (untitled.title, untitled.title_curated) == ("", True)
    assert (untitled.abstract, untitled.abstract_curated) == (
        "The abstract both records describe.",
        False,
    )


def test_merge_papers_refuses_to_leave_no_title_and_no_abstract(db, curator):
    titled = PaperFactory(title="Only A Title", abstract="")
    untitled = PaperFactory(title="", abstract="Only an abstract.")

    with pytest.raises(ValidationError) as error:
        services.merge_papers(
            survivor=titled,
            others=[untitled],
            title_from=untitled,
            abstract_from=titled,
            actor=curator,
        )

    assert error.value.messages == [services.PAPER_NEEDS_TEXT]
    assert Paper.objects.filter(merged_into__isnull=False).count() == 0
    assert CurationAction.objects.count() == 0


def test_undo_refuses_when_a_later_action_depends_on_it(imported_seeds, curator):
    page = _anonymous_pages()[0]
    first = services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak"))
    nowak = Author.objects.get(display_name="Nowak")
    second = services.edit_author(author=nowak, actor=curator, family_name="Nowak", given_name="Ł.")

    with pytest.raises(ValidationError) as error:
        services.undo_action(action=first, actor=curator)

    assert error.value.messages == [
        services.UNDO_DEPENDS.format(actions=f"#{second.pk} edit author ({second.summary})")
    ]


def test_dismiss_pair_and_undo(imported_seeds, curator):
    a, b = Author.objects.order_by("pk")[:2]

    action = services.dismiss_pair(kind="author", first=b, second=a, actor=curator)

    assert list(DismissedPair.objects.values_list("low_id", "high_id")) == [(a.pk, b.pk)]
    services.undo_action(action=action, actor=curator)
    assert DismissedPair.objects.count() == 0


def test_edit_paper_gives_an_abstract_only_paper_a_title(imported_seeds, curator):
    paper = Paper.objects.filter(title="").order_by("slug").first()
    old_slug = paper.slug

    services.edit_paper(paper=paper, actor=curator, title="A Named Paper", abstract=paper.abstract)

    paper.refresh_from_db()
    assert (paper.title, paper.title_curated, paper.slug) == (
        "A Named Paper",
        True,
        "a-named-paper",
    )
    assert paper_by_slug(old_slug) == paper
    assert set(paper.match_keys.values_list("kind", flat=True)) == {"t", "a"}


def _wu_paper() -> Paper:
    return Paper.objects.filter(authorships__author__slug="wu-jeff").order_by("pk").first()


def _refused_naming(action, later) -> None:
    with pytest.raises(ValidationError) as error:
        services.undo_action(action=action, actor=later.actor)
    assert error.value.messages == [
        services.UNDO_DEPENDS.format(
            actions=f"#{later.pk} {later.get_kind_display()} ({later.summary})"
        )
    ]


def test_undo_of_an_assign_is_refused_while_a_split_uses_its_new_author(imported_seeds, curator):
    page = _anonymous_pages()[1]
    assign = services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak"))
    nowak = Author.objects.get(display_name="Nowak")
    split = services.split_author(
        author=Author.objects.get(slug="wu-jeff"),
        papers=[_wu_paper()],
        to_author=nowak,
        actor=curator,
    )
    before = export_text()

    _refused_naming(assign, split)

    assert export_text() == before


def test_undo_of_an_assign_is_refused_while_a_merge_into_its_new_author_stands(
    imported_seeds, curator
):
    page = _anonymous_pages()[0]
    assign = services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak"))
    nowak = Author.objects.get(display_name="Nowak")
    merge = services.merge_authors(
        survivor=nowak, others=[Author.objects.get(slug="wu-jeff")], actor=curator
    )

    _refused_naming(assign, merge)


def test_undo_of_a_split_is_refused_while_a_page_is_assigned_to_its_new_author(
    imported_seeds, curator
):
    split = services.split_author(
        author=Author.objects.get(slug="wu-jeff"),
        papers=[_wu_paper()],
        new_author=services.NewAuthor("Wu", "Jeffrey"),
        actor=curator,
    )
    jeffrey = Author.objects.get(slug="wu-jeffrey")
    assign = services.assign_page(page=_anonymous_pages()[0], author=jeffrey, actor=curator)

    _refused_naming(split, assign)

    services.undo_action(action=assign, actor=curator)
    services.undo_action(action=split, actor=curator)  # in reverse order, both undo
    assert not Authorship.objects.filter(author=jeffrey).exists()


def test_new_author_with_a_name_longer_than_the_columns_is_refused(imported_seeds, curator):
    page = _anonymous_pages()[0]
    before = export_text()

    with pytest.raises(ValidationError) as error:
        services.assign_page(
            page=page,
            actor=curator,
            new_author=services.NewAuthor(family_name="F" * 200, given_name="G" * 99),
        )

    assert error.value.messages == [services.NAME_TOO_LONG]
    assert (export_text(), CurationAction.objects.count()) == (before, 0)


def test_edit_author_between_the_longest_names_cuts_the_summary(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")
    services.edit_author(author=wu, actor=curator, family_name="F" * 200, given_name="G" * 98)
    wu.refresh_from_db()

    action = services.edit_author(
        author=wu, actor=curator, family_name="H" * 200, given_name="G" * 98
    )

    wu.refresh_from_db()
    assert (len(wu.display_name), len(action.summary)) == (299, 500)
    assert action.summary.endswith("…")


def test_edit_author_refuses_an_empty_family_name(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")

    with pytest.raises(ValidationError) as error:
        services.edit_author(author=wu, actor=curator, family_name="  ", given_name="Jeff")

    assert error.value.messages == [services.NAME_REQUIRED]


def test_orcid_pasted_as_an_address_is_stored_bare(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")

    services.edit_author(
        author=wu,
        actor=curator,
        family_name="Wu",
        given_name="Jeff",
        orcid=" https://orcid.org/0000-0002-1825-0097 ",
    )

    wu.refresh_from_db()
    assert wu.orcid == "0000-0002-1825-0097"


def test_split_of_one_paper_says_paper(imported_seeds, curator):
    action = services.split_author(
        author=Author.objects.get(slug="wu-jeff"),
        papers=[_wu_paper()],
        new_author=services.NewAuthor("Wu", "Jeffrey"),
        actor=curator,
    )

    assert action.summary == "Moved 1 paper from Jeff Wu (wu-jeff) to Jeffrey Wu (wu-jeffrey)"


def test_edit_author_removes_a_wrong_name_variant_and_undo_brings_it_back(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")
    services.edit_author(author=wu, actor=curator, family_name="Wu", given_name="Jeffrey")
    before = export_text()

    action = services.edit_author(
        author=wu, actor=curator, family_name="Wu", given_name="Jeffrey", drop_names=["Wu, Jeff"]
    )

    assert set(wu.names.values_list("name", flat=True)) == {"Wu, Jeffrey"}
    assert action.summary == "Edited author Jeffrey Wu (wu-jeff); name variants removed: Wu, Jeff"
    services.undo_action(action=action, actor=curator)
    assert export_text() == before


def test_edit_author_keeps_the_name_shown_as_a_variant(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")

    with pytest.raises(ValidationError) as error:
        services.edit_author(
            author=wu, actor=curator, family_name="Wu", given_name="Jeff", drop_names=["Wu, Jeff"]
        )

    assert error.value.messages == [services.NAME_SHOWN_STAYS.format(name="Wu, Jeff")]


def test_undo_of_a_split_is_refused_while_an_assign_gave_the_paper_back(imported_seeds, curator):
    parascandolo = Author.objects.get(slug="parascandolo-giambattista")
    page = _anonymous_pages()[0]
    shared = Paper.objects.filter(authorships__author=parascandolo, entries__page=page)
    paper = shared.order_by("pk").first()
    split = services.split_author(
        author=parascandolo,
        papers=[paper],
        new_author=services.NewAuthor("Wu", "Jeff"),
        actor=curator,
    )
    assign = services.assign_page(page=page, author=parascandolo, actor=curator)
    before = export_text()

    _refused_naming(split, assign)  # the paper is on his profile again, by the page

    assert export_text() == before


def test_undo_of_a_split_is_refused_while_later_actions_gave_and_took_the_paper(
    imported_seeds, curator
):
    parascandolo = Author.objects.get(slug="parascandolo-giambattista")
    page = _anonymous_pages()[0]
    paper = (
        Paper.objects.filter(authorships__author=parascandolo, entries__page=page)
        .order_by("pk")
        .first()
    )
    split = services.split_author(
        author=parascandolo,
        papers=[paper],
        new_author=services.NewAuthor("Wu", "Jeff"),
        actor=curator,
    )
    assign = services.assign_page(page=page, author=parascandolo, actor=curator)
    unassign = services.unassign_page(page=page, actor=curator)
    before = export_text()

    with pytest.raises(ValidationError) as error:
        services.undo_action(action=split, actor=curator)

    named = "; ".join(f"#{a.pk} {a.get_kind_display()} ({a.summary})" for a in (assign, unassign))
    assert error.value.messages == [services.UNDO_DEPENDS.format(actions=named)]
    assert export_text() == before
