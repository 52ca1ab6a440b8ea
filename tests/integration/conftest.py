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
