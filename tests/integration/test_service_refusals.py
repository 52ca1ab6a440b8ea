"""Refusals of the curation services: the exact message, and nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Author, Paper, SourcePage
from curation import services
from curation.models import CurationAction

from .conftest import export_text

ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"


def _author(slug: str) -> Author:
    return Author.objects.get(slug=slug)


def _papers_of(slug: str) -> list[Paper]:
    return list(Paper.objects.filter(authorships__author__slug=slug).order_by("pk"))


def _anonymous_page() -> SourcePage:
    return SourcePage.objects.filter(kind="anonymous").order_by("source").first()


def _give_orcid(author: Author, orcid: str, actor) -> CurationAction:
    return services.edit_author(
        author=author,
        actor=actor,
        family_name=author.family_name,
        given_name=author.given_name,
        orcid=orcid,
    )


def _state() -> tuple[str, int]:
    return export_text(), CurationAction.objects.count()


# --- merge authors and ORCIDs --------------------------------------------------------


def test_merge_authors_refuses_authors_with_different_orcids(imported_seeds, curator):
    ilya, wu = _author("sutskever-ilya"), _author("wu-jeff")
    _give_orcid(ilya, ORCID, curator)
    _give_orcid(wu, OTHER_ORCID, curator)
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.merge_authors(survivor=ilya, others=[wu], actor=curator)

    assert error.value.messages == [
        services.ORCID_CONFLICT.format(orcids="0000-0001-5109-3700, 0000-0002-1825-0097")
    ]
    assert _state() == before


def test_merge_authors_moves_the_only_orcid_to_the_survivor(imported_seeds, curator):
    ilya, wu = _author("sutskever-ilya"), _author("wu-jeff")
    _give_orcid(wu, ORCID, curator)
    before = export_text()

    action = services.merge_authors(survivor=ilya, others=[wu], actor=curator)

    ilya.refresh_from_db()
    wu.refresh_from_db()
    assert (ilya.orcid, wu.orcid, wu.merged_into_id) == (ORCID, "", ilya.pk)
    services.undo_action(action=action, actor=curator)
    wu.refresh_from_db()
    assert (wu.orcid, export_text()) == (ORCID, before)


# --- split an author ----------------------------------------------------------------


def test_split_author_refuses_moving_papers_to_the_same_author(imported_seeds, curator):
    wu = _author("wu-jeff")
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.split_author(
            author=wu, papers=_papers_of("wu-jeff")[:1], to_author=wu, actor=curator
        )

    assert error.value.messages == [services.SPLIT_SAME_AUTHOR]
    assert _state() == before


def test_split_author_refuses_a_paper_not_on_the_profile(imported_seeds, curator):
    wu = _author("wu-jeff")
    own = _papers_of("wu-jeff")[0]
    foreign = Paper.objects.exclude(authorships__author=wu).order_by("pk").first()
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.split_author(
            author=wu,
            papers=[own, foreign],
            new_author=services.NewAuthor("Wu", "Jeffrey"),
            actor=curator,
        )

    assert error.value.messages == [services.PAPER_NOT_ON_PROFILE.format(paper=foreign, author=wu)]
    assert _state() == before


# --- assign a page ------------------------------------------------------------------


def test_assign_page_refuses_both_an_existing_and_a_new_author(imported_seeds, curator):
    page = _anonymous_page()
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.assign_page(
            page=page,
            actor=curator,
            author=_author("wu-jeff"),
            new_author=services.NewAuthor("Nowak", "Łucja"),
        )

    assert error.value.messages == [services.CHOOSE_ONE_AUTHOR]
    assert _state() == before


def test_assign_page_refuses_a_new_author_with_an_orcid_taken(imported_seeds, curator):
    ilya = _author("sutskever-ilya")
    _give_orcid(ilya, ORCID, curator)
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.assign_page(
            page=_anonymous_page(),
            actor=curator,
            new_author=services.NewAuthor("Nowak", "Łucja", orcid=f"https://orcid.org/{ORCID}"),
        )

    assert error.value.messages == [
        services.ORCID_TAKEN.format(orcid=ORCID, author="Ilya Sutskever")
    ]
    assert _state() == before
    assert not Author.objects.filter(family_name="Nowak").exists()


# --- edits that change nothing ------------------------------------------------------


def test_edit_author_with_the_current_values_changes_nothing(imported_seeds, curator):
    wu = _author("wu-jeff")
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.edit_author(
            author=wu, actor=curator, family_name=wu.family_name, given_name=wu.given_name
        )

    assert error.value.messages == [services.NOTHING_TO_DO]
    assert _state() == before


def test_edit_paper_with_the_current_text_changes_nothing(imported_seeds, curator):
    paper = Paper.objects.exclude(title="").exclude(abstract="").order_by("pk").first()
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.edit_paper(
            paper=paper, actor=curator, title=f"  {paper.title} ", abstract=paper.abstract
        )

    assert error.value.messages == [services.NOTHING_TO_DO]
    assert _state() == before


# --- undo ------------------------------------------------------------------------------


def test_undo_refuses_to_give_back_an_orcid_another_author_took_since(imported_seeds, curator):
    wu, ilya = _author("wu-jeff"), _author("sutskever-ilya")
    _give_orcid(wu, ORCID, curator)
    cleared = _give_orcid(_author("wu-jeff"), "", curator)
    taken = _give_orcid(ilya, ORCID, curator)  # touches only Ilya, yet holds the ORCID
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.undo_action(action=cleared, actor=curator)

    assert error.value.messages == [
        services.UNDO_DEPENDS.format(actions=f"#{taken.pk} edit author ({taken.summary})")
    ]
    assert _state() == before
    cleared.refresh_from_db()
    assert cleared.undone_at is None


def test_undo_of_a_renaming_merge_gives_the_orcid_back_to_the_merged_author(
    imported_seeds, curator
):
    wu = Author.objects.get(slug="wu-jeff")
    ilya = Author.objects.get(slug="sutskever-ilya")
    services.edit_author(
        author=ilya, actor=curator, family_name="Sutskever", given_name="Ilya", orcid=ORCID
    )
    before = export_text()
    merge = services.merge_authors(
        survivor=wu, others=[ilya], display_name="Wu, Jeffrey", actor=curator
    )

    services.undo_action(action=merge, actor=curator)

    assert export_text() == before
    assert Author.objects.get(slug="sutskever-ilya").orcid == ORCID


def test_orcid_taken_between_the_check_and_the_write_is_refused_cleanly(
    imported_seeds, curator, monkeypatch
):
    ilya = Author.objects.get(slug="sutskever-ilya")
    services.edit_author(
        author=ilya, actor=curator, family_name="Sutskever", given_name="Ilya", orcid=ORCID
    )
    wu = Author.objects.get(slug="wu-jeff")
    before = (export_text(), CurationAction.objects.count())
    # As if another curator saved the same ORCID right after this one's check.
    monkeypatch.setattr(services.edits, "check_orcid", lambda orcid, **kwargs: orcid)

    with pytest.raises(ValidationError) as error:
        services.edit_author(
            author=wu, actor=curator, family_name="Wu", given_name="Jeff", orcid=ORCID
        )

    assert error.value.messages == [services.TAKEN_MEANWHILE]
    assert (export_text(), CurationAction.objects.count()) == before


def test_undo_refuses_to_give_back_a_value_an_import_row_holds_now(imported_seeds, curator):
    _give_orcid(_author("wu-jeff"), ORCID, curator)
    cleared = _give_orcid(_author("wu-jeff"), "", curator)
    Author.objects.filter(slug="sutskever-ilya").update(orcid=ORCID)  # as no action would
    before = _state()

    with pytest.raises(ValidationError) as error:
        services.undo_action(action=cleared, actor=curator)

    assert error.value.messages == [
        services.UNDO_VALUE_TAKEN.format(record="author «Ilya Sutskever»", fields="orcid")
    ]
    assert _state() == before
