"""Undo is exact: any sequence of curator operations, undone in reverse order,
gives back the export from before (hypothesis, on the seed catalogue)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.importing import import_pages
from catalog.models import Author, Paper, SourcePage
from curation import services
from curation.access import CURATORS_GROUP
from tests.integration.conftest import export_text

OPERATIONS = [
    "assign_existing",
    "assign_new",
    "unassign",
    "merge_authors",
    "merge_papers",
    "split_new",
    "split_existing",
    "edit_author",
    "edit_paper",
    "dismiss",
]


ORCIDS = ["", "0000-0002-1825-0097", "0000-0001-5109-3700"]


def _pick(data, items, label):
    items = list(items)
    if not items:
        return None
    return items[data.draw(st.integers(0, len(items) - 1), label=label)]


def _subset(data, items, label, *, min_size=1, max_size=None):
    items = list(items)
    chosen = data.draw(
        st.lists(
            st.integers(0, len(items) - 1),
            min_size=min_size,
            max_size=max_size or len(items),
            unique=True,
        ),
        label=label,
    )
    return [items[i] for i in sorted(chosen)]


def _run(operation, data, actor):  # noqa: C901 - one branch per operation
    authors = Author.objects.filter(merged_into__isnull=True).order_by("pk")
    papers = Paper.objects.filter(merged_into__isnull=True).order_by("pk")
    if operation == "assign_existing":
        page = _pick(data, SourcePage.objects.filter(author__isnull=True), "page")
        author = _pick(data, authors, "author")
        if page and author:
            return services.assign_page(page=page, author=author, actor=actor)
    elif operation == "assign_new":
        page = _pick(data, SourcePage.objects.filter(author__isnull=True), "page")
        if page:
            name = data.draw(st.sampled_from(["Nowak, Łucja", "Sutskever, I.", "Wu, Jeff"]))
            family, given = name.split(", ")
            return services.assign_page(
                page=page, new_author=services.NewAuthor(family, given), actor=actor
            )
    elif operation == "unassign":
        page = _pick(data, SourcePage.objects.filter(assigned_by="curator"), "page")
        if page:
            return services.unassign_page(page=page, actor=actor)
    elif operation == "merge_authors":
        if authors.count() >= 2:
            chosen = _subset(data, authors, "authors", min_size=2, max_size=3)
            return services.merge_authors(
                survivor=chosen[-1],
                others=chosen[:-1],
                actor=actor,
                display_name=data.draw(st.sampled_from(["", chosen[0].inverted_name])),
            )
    elif operation == "merge_papers":
        chosen = _subset(data, papers, "papers", min_size=2, max_size=3)
        return services.merge_papers(
            survivor=chosen[data.draw(st.integers(0, len(chosen) - 1))],
            others=chosen,
            actor=actor,
        )
    elif operation in ("split_new", "split_existing"):
        author = _pick(data, authors, "author")
        own = Paper.objects.filter(authorships__author=author).order_by("pk")
        if author and own.count() >= 2:
            moving = _subset(data, own, "papers", max_size=own.count() - 1)
            if operation == "split_new":
                return services.split_author(
                    author=author,
                    papers=moving,
                    new_author=services.NewAuthor("Wu", "Jeff"),
                    actor=actor,
                )
            target = _pick(data, authors.exclude(pk=author.pk), "target")
            if target:
                return services.split_author(
                    author=author, papers=moving, to_author=target, actor=actor
                )
    elif operation == "edit_author":
        author = _pick(data, authors, "author")
        if author:
            names = sorted(set(author.names.values_list("name", flat=True)))
            return services.edit_author(
                author=author,
                actor=actor,
                family_name=author.family_name,
                given_name=data.draw(st.sampled_from(["Ilya", "Ł.", "Jeff", ""])),
                orcid=data.draw(st.sampled_from(ORCIDS), label="orcid"),
                drop_names=_subset(data, names, "drop", min_size=0) if names else [],
            )
    elif operation == "edit_paper":
        paper = _pick(data, papers, "paper")
        if paper:
            return services.edit_paper(
                paper=paper,
                actor=actor,
                title=data.draw(st.sampled_from(["", "Adaptive Skip Intervals", "A New Title"])),
                abstract=paper.abstract or "Some abstract.",
            )
    elif operation == "dismiss":
        kind = data.draw(st.sampled_from(["author", "paper"]))
        pool = authors if kind == "author" else papers
        if pool.count() >= 2:
            first, second = _subset(data, pool, "pair", min_size=2, max_size=2)
            return services.dismiss_pair(kind=kind, first=first, second=second, actor=actor)
    return None


# Each example imports the seeds and runs up to six operations: 60 take about 10 s.
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _apply(operations, data, actor) -> list:
    """Run the operations; refusals change nothing and are skipped."""
    done = []
    for operation in operations:
        try:
            with transaction.atomic():
                action = _run(operation, data, actor)
        except ValidationError:
            continue  # a refusal changes nothing, which the final export also checks
        if action is not None:
            done.append(action)
    return done


def _curator(django_user_model):
    actor = django_user_model.objects.create_user("prop-curator")
    actor.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return actor


@pytest.mark.django_db
@EXAMPLES
@given(operations=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=6), data=st.data())
def test_undoing_every_operation_in_reverse_gives_the_same_export(
    sample_page_files, django_user_model, operations, data
):
    with transaction.atomic():
        import_pages(sample_page_files)
        actor = _curator(django_user_model)
        before = export_text()
        done = _apply(operations, data, actor)

        for action in reversed(done):
            services.undo_action(action=action, actor=actor)

        assert export_text() == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@EXAMPLES
@given(operations=st.lists(st.sampled_from(OPERATIONS), min_size=2, max_size=6), data=st.data())
def test_undo_in_any_order_is_exact_or_refused_by_name(
    sample_page_files, django_user_model, operations, data
):
    """Undo in a random order: each undo succeeds, or is refused naming the later
    actions it waits for or the row holding a value it would give back (never a bare
    database conflict);
    then the rest, undone newest first, gives back the export from before."""
    with transaction.atomic():
        import_pages(sample_page_files)
        actor = _curator(django_user_model)
        before = export_text()
        done = _apply(operations, data, actor)
        refusals = set()

        for action in data.draw(st.permutations(done), label="undo order"):
            try:
                services.undo_action(action=action, actor=actor)
            except ValidationError as error:
                refusals.add(error.code)
        for action in reversed(done):
            action.refresh_from_db()
            if action.undone_at is None:
                services.undo_action(action=action, actor=actor)

        assert refusals <= {"depends", "taken"}
        assert export_text() == before
        transaction.set_rollback(True)
