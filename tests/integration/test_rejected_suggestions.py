"""'Not this author' (curation.services.reject_suggestion) and unassignments are
curators' decisions that a page is not an author's: the suggestions never offer the
author for that page again, the queues drop the suggestion at once, and undoing the
decision (or assigning the page to that author after all) takes it back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.models import Author, SourcePage
from curation import queues, services
from curation.finders import page_suggestions
from curation.models import CurationAction, RejectedSuggestion

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"


def _suggested(page: SourcePage) -> list[str]:
    return [s.author.slug for s in page_suggestions(page)]


@pytest.fixture
def page_004(imported_seeds) -> SourcePage:
    return SourcePage.objects.get(source=PAGE_004)


@pytest.fixture
def ilya(imported_seeds) -> Author:
    return Author.objects.get(slug="sutskever-ilya")


def test_reject_suggestion_is_never_offered_again_until_undone(page_004, ilya, curator):
    before = _suggested(page_004)

    action = services.reject_suggestion(page=page_004, author=ilya, actor=curator)
    after = _suggested(page_004)
    services.undo_action(action=action, actor=curator)
    after_undo = _suggested(page_004)

    assert before[0] == "sutskever-ilya"
    assert after == [slug for slug in before if slug != "sutskever-ilya"]
    assert after_undo == before
    assert (action.kind, action.summary) == (
        CurationAction.Kind.REJECT_SUGGESTION,
        f"Page {PAGE_004} is not Ilya Sutskever's",
    )
    assert RejectedSuggestion.objects.count() == 0


def test_reject_suggestion_twice_is_refused(page_004, ilya, curator):
    services.reject_suggestion(page=page_004, author=ilya, actor=curator)

    with pytest.raises(ValidationError) as refused:
        services.reject_suggestion(page=page_004, author=ilya, actor=curator)

    assert refused.value.messages == [services.ALREADY_REJECTED.format(page=page_004, author=ilya)]


def test_reject_suggestion_of_the_page_own_author_says_unassign(page_004, ilya, curator):
    services.assign_page(page=page_004, author=ilya, actor=curator)
    page_004.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.reject_suggestion(page=page_004, author=ilya, actor=curator)

    assert refused.value.messages == [services.REJECT_OWN_AUTHOR.format(page=page_004, author=ilya)]


def test_reject_suggestion_by_a_non_curator_is_refused(page_004, ilya, reader):
    with pytest.raises(PermissionDenied):
        services.reject_suggestion(page=page_004, author=ilya, actor=reader)

    assert RejectedSuggestion.objects.count() == 0


def test_unassign_records_that_the_page_is_not_the_author_s(page_004, ilya, curator):
    services.assign_page(page=page_004, author=ilya, actor=curator)
    page_004.refresh_from_db()

    unassign = services.unassign_page(page=page_004, actor=curator)
    page_004.refresh_from_db()
    after = _suggested(page_004)
    services.undo_action(action=unassign, actor=curator)

    assert "sutskever-ilya" not in after
    assert RejectedSuggestion.objects.count() == 0  # the undo took it back too
    page_004.refresh_from_db()
    assert page_004.author == ilya


def test_assigning_the_page_to_a_rejected_author_takes_the_rejection_back(page_004, ilya, curator):
    services.reject_suggestion(page=page_004, author=ilya, actor=curator)

    assign = services.assign_page(page=page_004, author=ilya, actor=curator)

    assert RejectedSuggestion.objects.count() == 0
    services.undo_action(action=assign, actor=curator)
    assert list(RejectedSuggestion.objects.values_list("page_id", "author_id")) == [
        (page_004.pk, ilya.pk)
    ]


def test_queue_drops_a_rejected_suggestion_at_once_and_the_worker_keeps_it_out(
    page_004, ilya, curator
):
    queues.compute(full=True)
    before = queues.queues("pages")["pages"]

    services.reject_suggestion(page=page_004, author=ilya, actor=curator)
    at_once = queues.queues("pages")["pages"]
    after_partial_run = (queues.compute(), queues.queues("pages")["pages"])[1]

    def suggested(queue, source):
        (item,) = [i for i in queue.items if i.page.source == source]
        return [s.author.slug for s in item.suggestions]

    assert suggested(before, PAGE_004)[0] == "sutskever-ilya"
    assert "sutskever-ilya" not in suggested(at_once, PAGE_004)
    assert "sutskever-ilya" not in suggested(after_partial_run, PAGE_004)
    assert suggested(after_partial_run, PAGE_001)[0] == "sutskever-ilya"  # only that page


def test_not_this_author_from_the_assign_page_previews_then_records(
    client, curator, page_004, ilya
):
    client.force_login(curator)
    assign = f"/curation/pages/{page_004.pk}/assign/"
    form = client.get(assign).content.decode()

    preview = client.post(f"/curation/pages/{page_004.pk}/not-this-author/", {"author": ilya.pk})
    done = client.post(
        f"/curation/pages/{page_004.pk}/not-this-author/", {"author": ilya.pk, "confirm": "1"}
    )
    after = client.get(assign)

    assert form.count("Not this author…") == 3  # one per suggestion
    assert preview.context["preview"].summary == f"Page {PAGE_004} is not Ilya Sutskever's"
    assert RejectedSuggestion.objects.filter(page=page_004).count() == 1
    assert (done.status_code, done["Location"]) == (302, assign)
    assert [s.author.slug for s in after.context["suggestions"]] == [
        "parascandolo-giambattista",
        "wu-jeff",
    ]
