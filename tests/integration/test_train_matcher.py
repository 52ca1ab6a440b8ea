"""manage.py train_matcher and the facts it learns from (curation.finders.page_facts)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Author, SourcePage
from curation import services
from curation.finders.page_facts import decision_examples, gather
from curation.management.commands import train_matcher
from curation.matcher.model import Model
from curation.matcher.store import current_model
from curation.matcher.training import write_examples
from tests.unit.test_matcher import _examples

TONY_001, TONY_004 = "001_fa869cb8beed8520.txt", "004_ecb8618afa550e8b.txt"


def _run(*args: str) -> str:
    out = StringIO()
    call_command("train_matcher", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small_examples(tmp_path):
    path = tmp_path / "examples.csv.gz"
    write_examples(path, _examples())
    return path


def test_train_matcher_with_few_decisions_writes_nothing(db, tmp_path, small_examples):
    output = tmp_path / "model.json"

    said = _run("--output", str(output), "--examples", str(small_examples))

    assert "Curators' decisions: 0 pages, 0 examples." in said
    assert "nothing written, the shipped model stays in use" in said
    assert not output.exists()


def test_train_matcher_needs_a_file_to_write(db, settings, small_examples):
    settings.MATCHER_MODEL = ""

    with pytest.raises(CommandError, match="Give --output FILE, or set MATCHER_MODEL"):
        _run("--examples", str(small_examples))


def test_train_matcher_shipped_only_writes_the_model_the_app_loads(
    db, settings, tmp_path, small_examples
):
    output = tmp_path / "model.json"
    settings.MATCHER_MODEL = str(output)

    said = _run("--shipped-only", "--examples", str(small_examples))

    assert said.splitlines()[0].startswith("Cross-validated by owner (60 pages, 180 examples)")
    assert current_model() == Model.load(output)
    assert current_model().about["shipped_examples"] == 180


def test_train_matcher_learns_from_decisions_once_there_are_enough(
    imported_seeds, curator, tmp_path, small_examples, monkeypatch
):
    monkeypatch.setattr(train_matcher, "MIN_DECISIONS", 1)
    page = SourcePage.objects.get(source=TONY_001)
    services.assign_page(
        page=page, author=Author.objects.get(family_name="Sutskever"), actor=curator
    )
    output = tmp_path / "model.json"

    said = _run("--output", str(output), "--examples", str(small_examples))

    assert said.splitlines()[0] == "Curators' decisions: 1 pages, 3 examples."
    assert Model.load(output).about["decision_examples"] == 3


def test_decision_examples_label_assigned_pages_and_rejected_suggestions(imported_seeds, curator):
    sutskever = Author.objects.get(family_name="Sutskever")
    parascandolo = Author.objects.get(family_name="Parascandolo")
    services.assign_page(
        page=SourcePage.objects.get(source=TONY_001), author=sutskever, actor=curator
    )
    services.reject_suggestion(
        page=SourcePage.objects.get(source=TONY_004), author=parascandolo, actor=curator
    )

    found = {(page, author, label) for _, page, author, label, _ in decision_examples()}

    assert found == {
        (TONY_001, sutskever.slug, 1),
        (TONY_001, parascandolo.slug, 0),
        (TONY_001, Author.objects.get(family_name="Wu").slug, 0),
        (TONY_004, parascandolo.slug, 0),
    }


def test_gather_reads_what_the_catalogue_knows_of_a_seed_page(imported_seeds):
    page = SourcePage.objects.get(source=TONY_001)

    found = gather([page])[page.pk]

    holders = {a for authors in found.facts.authors_of.values() for a in authors}
    sutskever = Author.objects.get(family_name="Sutskever")
    assert found.facts.entries == 10
    assert holders == {sutskever.pk, Author.objects.get(family_name="Parascandolo").pk}
    assert len(found.facts.listed) == 2
    assert set(found.candidates) == {
        sutskever.pk,
        Author.objects.get(family_name="Parascandolo").pk,
        Author.objects.get(family_name="Wu").pk,
    }
