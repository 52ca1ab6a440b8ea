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
    from django.contrib.auth.models import Group

    from curation.access import CURATORS_GROUP

    user = django_user_model.objects.create_user("carla", password="curator-pass-1")
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user


@pytest.fixture
def reader(db, django_user_model):
    """Signed in, but not a curator."""
    return django_user_model.objects.create_user("rita", password="reader-pass-1")
