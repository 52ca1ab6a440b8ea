"""Order-independence, checked on generated corpora (hypothesis)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.importing import import_pages
from tests.integration.conftest import export_text
from tests.pages import anonymous_page, named_page

# A pool of papers: each title is unique to one abstract (no homonym titles), so
# every join the importer makes is certain and order cannot matter.
POOL = [
    (title, f"Abstract of paper {n}: we study {title.lower()} in depth, with care.")
    for n, title in enumerate(
        ["Alpha Networks", "Beta Models", "Gamma Rays", "Delta Sets", "Epsilon Proofs"]
    )
]
VENUES = ["arXiv.org Machine Learning", "AAAI Conferences", "Neural Information Processing"]

entry_strategy = st.tuples(
    st.integers(0, len(POOL) - 1),  # which paper
    st.sampled_from(["as is", "lower", "upper"]),  # title spelling
    st.integers(0, len(VENUES) - 1),
    st.booleans(),  # abstract present
)
page_strategy = st.one_of(
    st.tuples(st.just("named"), st.lists(entry_strategy, min_size=0, max_size=4)),
    st.tuples(st.just("anonymous"), st.lists(st.integers(0, len(POOL) - 1), max_size=3)),
)


def _spell(title: str, how: str) -> str:
    return {"as is": title, "lower": title.lower(), "upper": title.upper()}[how]


def _corpus(pages) -> dict[str, str]:
    files = {}
    for number, (kind, entries) in enumerate(pages):
        if kind == "named":
            text = named_page(
                f"Author{number}, Ann",
                [
                    (_spell(POOL[p][0], how), VENUES[v], POOL[p][1] if has_abstract else "")
                    for p, how, v, has_abstract in entries
                ],
            )
        else:
            text = anonymous_page("Tony", [POOL[p][1] for p in entries])
        files[f"page{number:02d}.txt"] = text
    return files


def _export_after_importing(tmp_path, files: dict[str, str], order: list[str]) -> str:
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    with transaction.atomic():
        for name in order:
            import_pages([paths[name]])
        result = export_text()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pages=st.lists(page_strategy, min_size=1, max_size=5), data=st.data())
def test_import_any_file_order_gives_identical_export(tmp_path, pages, data):
    files = _corpus(pages)
    order = data.draw(st.permutations(sorted(files)))

    one_run = _export_after_importing(tmp_path, files, sorted(files))
    file_by_file = _export_after_importing(tmp_path, files, list(order))

    assert file_by_file == one_run
