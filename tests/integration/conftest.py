import io

import pytest

from catalog.exporting import write_export
from catalog.importing import ImportReport, import_pages


def export_text(fmt: str = "json") -> str:
    out = io.StringIO()
    write_export(out, fmt)
    return out.getvalue()


@pytest.fixture
def imported_seeds(db, sample_page_files) -> ImportReport:
    return import_pages(sample_page_files)


@pytest.fixture
def curator(db, django_user_model):
    """In the ``curators`` group (so with ``curation.curate``), not staff."""
    from curation.access import ensure_curators_group

    user = django_user_model.objects.create_user("carla", password="curator-pass-1")
    user.groups.add(ensure_curators_group())
    return user


@pytest.fixture
def staff_only(db, django_user_model):
    """Staff, with no group and no permission: may open the admin, may curate nothing."""
    return django_user_model.objects.create_user("stan", password="staff-pass-1", is_staff=True)


@pytest.fixture
def reader(db, django_user_model):
    """Signed in, but not a curator."""
    return django_user_model.objects.create_user("rita", password="reader-pass-1")


@pytest.fixture
def curation_scene(imported_seeds, curator) -> dict:
    """The seeds, page 004 assigned by a curator (an action to look at and undo), a
    reader's open report, and for every curation URL: its address and a POST that
    does the operation."""
    from catalog.models import Author, Paper, ReaderReport, SourcePage
    from catalog.reports import file_report
    from curation import services

    p001 = SourcePage.objects.get(source="001_fa869cb8beed8520.txt")
    p004 = SourcePage.objects.get(source="004_ecb8618afa550e8b.txt")
    action = services.assign_page(
        page=p004, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )
    ilya = Author.objects.get(slug="sutskever-ilya")
    giamba = Author.objects.get(slug="parascandolo-giambattista")
    wu = Author.objects.get(slug="wu-jeff")
    titled = Paper.objects.exclude(title="").order_by("slug").first()
    untitled = Paper.objects.filter(title="").order_by("slug").first()
    # The two papers of Wu, Jeff's page that belong to someone else (PDE, MDP).
    odd = list(
        Paper.objects.filter(
            title__in=[
                "Inference of Nonlinear Partial Differential Equations via Constrained "
                "Gaussian Processes",
                "An Exact Dynamic Programming Solution for a Decentralized Two-Player "
                "Markov Decision Process",
            ]
        ).order_by("pk")
    )
    report = file_report(kind=ReaderReport.Kind.WRONG_NAME, author=wu, text="It is Jeffrey Wu.")
    merge_papers = f"/curation/papers/merge/?ids={titled.pk}&ids={untitled.pk}"
    merge_authors = f"/curation/authors/merge/?ids={ilya.pk}&ids={giamba.pk}"
    urls = {
        "dashboard": ("/curation/", None),
        "page-queue": ("/curation/pages/", None),
        "paper-duplicates": ("/curation/papers/duplicates/", None),
        "author-duplicates": ("/curation/authors/duplicates/", None),
        "mixed-profiles": ("/curation/authors/mixed/", None),
        "history": ("/curation/history/", None),
        "action-detail": (f"/curation/history/{action.pk}/", None),
        "page-assign": (
            f"/curation/pages/{p001.pk}/assign/",
            {"family_name": "Kowalska", "given_name": "Anna"},
        ),
        "page-unassign": (f"/curation/pages/{p004.pk}/unassign/", {}),
        "page-reject": (f"/curation/pages/{p001.pk}/not-this-author/", {"author": ilya.pk}),
        "accept-confident": (
            "/curation/pages/accept-confident/",
            {"page": [p001.pk], "author": [ilya.pk]},
        ),
        "merge-papers": (
            merge_papers,
            {
                "ids": [titled.pk, untitled.pk],
                "survivor": titled.pk,
                "title_from": titled.pk,
                "abstract_from": titled.pk,
            },
        ),
        "merge-authors": (
            merge_authors,
            {"ids": [ilya.pk, giamba.pk], "survivor": ilya.pk, "display_name": "Sutskever, Ilya"},
        ),
        "split-author": (
            "/curation/authors/wu-jeff/split/",
            {"papers": [p.pk for p in odd], "family_name": "Wu", "given_name": "Jeff"},
        ),
        "edit-author": (
            "/curation/authors/wu-jeff/edit/",
            {"family_name": "Wu", "given_name": "Jeffrey", "orcid": ""},
        ),
        "edit-paper": (
            f"/curation/papers/{untitled.slug}/edit/",
            {"title": "A Named Paper", "abstract": untitled.abstract},
        ),
        "dismiss": ("/curation/dismiss/", {"kind": "author", "first": ilya.pk, "second": wu.pk}),
        "undo": (f"/curation/history/{action.pk}/undo/", {}),
        "reports": ("/curation/reports/", None),
        "report": (f"/curation/reports/{report.pk}/", {"decision": "resolve", "note": "Renamed."}),
    }
    return {"urls": urls, "action": action, "report": report}
