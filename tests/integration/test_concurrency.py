"""Two curators changing the same records at the same moment (merging one author,
accepting batches that share a page): one wins, the other is refused cleanly and
changes nothing. Two writers of the change feed: their events commit in id order."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, connections

from catalog.models import Author, Authorship
from curation import services
from curation.access import CURATORS_GROUP
from curation.models import CurationAction
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    SourceEntryFactory,
    SourcePageFactory,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; SQLite serialises writers at BEGIN IMMEDIATE",
)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_merges_of_one_author_one_wins_one_is_refused(django_user_model):
    user = django_user_model.objects.create_user("carla")
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    left, moving, right = AuthorFactory(), AuthorFactory(), AuthorFactory()
    for author in (left, moving, right):
        AuthorshipFactory.create_batch(3, author=author)
    version_left = services.record_version(left, moving)
    version_right = services.record_version(right, moving)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def merge(name, survivor, version):
        try:
            start.wait()
            services.merge_authors(survivor=survivor, others=[moving], actor=user, version=version)
            outcomes[name] = "merged"
        except ValidationError as error:
            outcomes[name] = error.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=merge, args=("left", left, version_left)),
        threading.Thread(target=merge, args=("right", right, version_right)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    moving.refresh_from_db()
    winner = "left" if moving.merged_into_id == left.pk else "right"
    loser = "right" if winner == "left" else "left"
    # The loser waited for the winner's row lock, then saw the merged author.
    assert outcomes == {winner: "merged", loser: services.ALREADY_MERGED.format(record=moving)}
    assert CurationAction.objects.count() == 1
    loser_author = right if loser == "right" else left
    assert Author.objects.get(pk=loser_author.pk).authorships.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_batch_acceptances_sharing_a_page_one_wins_one_is_refused(
    django_user_model,
):
    curators = Group.objects.get_or_create(name=CURATORS_GROUP)[0]
    users = []
    for name in ("carla", "dmitri"):
        user = django_user_model.objects.create_user(name)
        user.groups.add(curators)
        users.append(user)
    first, second = AuthorFactory(), AuthorFactory()
    only_first, shared, only_second = SourcePageFactory(), SourcePageFactory(), SourcePageFactory()
    for page in (only_first, shared, only_second):
        SourceEntryFactory.create_batch(2, page=page)
    batches = {
        "carla": [(only_first, first), (shared, first)],
        "dmitri": [(shared, second), (only_second, second)],
    }
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(user):
        try:
            start.wait()
            services.assign_pages(assignments=batches[user.username], actor=user)
            outcomes[user.username] = "assigned"
        except ValidationError as error:
            outcomes[user.username] = error.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    shared.refresh_from_db()
    winner = "carla" if shared.author_id == first.pk else "dmitri"
    loser = "dmitri" if winner == "carla" else "carla"
    # The loser waited for the winner's row locks, then saw the shared page taken,
    # and wrote nothing: its other page still waits.
    assert outcomes == {
        winner: "assigned",
        loser: services.PAGE_ASSIGNED_MEANWHILE.format(page=shared, author=shared.author),
    }
    assert CurationAction.objects.count() == 1
    loser_page = only_second if loser == "dmitri" else only_first
    loser_page.refresh_from_db()
    assert loser_page.author_id is None
    winner_author = first if winner == "carla" else second
    assert Authorship.objects.filter(author=winner_author).count() == 4


@pytest.mark.django_db(transaction=True)
def test_change_events_commit_in_the_order_of_their_ids():
    from django.db import transaction

    from catalog.changes import events_after, record_change

    first_written = threading.Event()
    release_first = threading.Event()
    second_done = threading.Event()

    def first():
        try:
            with transaction.atomic():
                record_change(kind="edited", summary="first")
                first_written.set()
                release_first.wait(timeout=10)
        finally:
            connections.close_all()

    def second():
        try:
            first_written.wait(timeout=10)
            with transaction.atomic():
                record_change(kind="edited", summary="second")
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # The second writer waits for the first's commit: nothing after event N can
    # be visible before N itself.
    waited = not second_done.wait(timeout=1)
    visible_meanwhile = list(events_after(0).values_list("summary", flat=True))
    release_first.set()
    for thread in threads:
        thread.join(timeout=30)

    assert (waited, visible_meanwhile) == (True, [])
    assert list(events_after(0).values_list("summary", flat=True)) == ["first", "second"]
