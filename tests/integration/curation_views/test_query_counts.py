"""The number of queries of the curation pages does not grow with the data."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.importing import import_pages
from catalog.models import Author, Paper, ReaderReport
from catalog.reports import file_report
from curation import queues, services
from tests.factories import AuthorFactory, PaperFactory
from tests.pages import anonymous_page, named_page, write_page


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def _before_and_after(client, url: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Queries of a queue page before any computation (it runs no finder: it asks the
    worker), then once the worker computed the queues."""
    caches["queues"].clear()
    before = _queries(client, url)
    queues.compute(full=True)
    return before, _queries(client, url)


# Words for generated pages: every title and abstract its own, so that no two
# generated papers look like duplicates of each other.
WORDS = [
    "amber",
    "basalt",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "jasper",
    "kelp",
    "lagoon",
    "marble",
    "nectar",
    "onyx",
    "prairie",
    "quartz",
    "reef",
    "sierra",
    "tundra",
    "umber",
    "valley",
    "willow",
    "xenon",
    "yarrow",
    "zephyr",
]


def _unique_text(n: int, k: int, size: int = 6) -> str:
    return " ".join(
        WORDS[(n * 7 + k * 3 + i * 5) % len(WORDS)] + str(n * 10 + k) for i in range(size)
    )


def _add_anonymous_pages(tmp_path, count: int) -> None:
    """``count`` anonymous pages, each listing two seed papers' abstracts and its own."""
    abstracts = list(
        Paper.objects.exclude(abstract="").order_by("slug").values_list("abstract", flat=True)
    )
    files = [
        write_page(
            tmp_path,
            f"9{n:02d}_extra.txt",
            anonymous_page(
                "Tony", [abstracts[2 * n], abstracts[2 * n + 1], _unique_text(n, 0, 12)]
            ),
        )
        for n in range(count)
    ]
    import_pages(files)


def _tag(n: int) -> str:
    """A made-up word of its own for each ``n``: 'zqa', 'zqb', ..."""
    return "zq" + "".join(chr(97 + int(d)) for d in str(n))


def _add_mixed_profiles(tmp_path, count: int) -> None:
    """``count`` named pages whose author wrote four deep-learning papers and one on rivers."""
    main = [
        ("Gradient descent for deep networks", "neural network training by gradient descent"),
        ("Convolutional image classifiers", "convolutional network image classification"),
        ("Recurrent language models", "recurrent network language model sequence prediction"),
        ("Transformers at scale", "transformer attention language model pretraining"),
    ]
    files = []
    for n in range(count):
        tag = _tag(n)
        entries = [
            (
                f"{tag} {title} {tag}",
                "Neural Information Processing Systems",
                f"{tag} {abstract} in deep learning networks {tag}.",
            )
            for title, abstract in main
        ]
        entries.append(
            (
                f"{tag}x River sediment transport {tag}x",
                "AAAI Conferences",
                f"{tag}x river sediment erosion hydrology flood plain catchment rainfall {tag}x.",
            )
        )
        page = named_page(f"Mixed{tag}, Ann", entries)
        files.append(write_page(tmp_path, f"8{n:02d}_mixed.txt", page))
    import_pages(files)


def _add_candidate_pairs(count: int) -> None:
    """``count`` pairs of papers with one title, and ``count`` pairs of namesakes."""
    for n in range(count):
        tag = _tag(n)
        title = f"{tag} {_unique_text(n, 5, 4)} revisited {tag}"
        PaperFactory(title=title, abstract=f"{tag} We revisit {_unique_text(n, 6, 8)}.")
        PaperFactory(title=title, abstract=f"{tag} We revisit {_unique_text(n, 6, 8)}!")
        family = f"Twin{tag}"
        AuthorFactory(family_name=family, given_name="Jan", display_name=f"Jan {family}")
        AuthorFactory(family_name=family, given_name="Jan", display_name=f"Jan {family}")


def _add_actions(curator, count: int) -> None:
    """``count`` actions (every third undone), each dismissing two unrelated papers."""
    for n in range(count):
        first = PaperFactory(title=f"{_unique_text(n, 7, 4)} alpha")
        second = PaperFactory(title=f"{_unique_text(n, 8, 4)} omega")
        action = services.dismiss_pair(kind="paper", first=first, second=second, actor=curator)
        if n % 3 == 0:
            services.undo_action(action=action, actor=curator)


@pytest.fixture(params=["small", "large"])
def size(request):
    return request.param


def test_dashboard_queries_do_not_grow(curator_client, imported_seeds, curator, tmp_path, size):
    large = size == "large"
    _add_anonymous_pages(tmp_path, 4 if large else 0)
    _add_mixed_profiles(tmp_path, 5 if large else 1)
    _add_candidate_pairs(6 if large else 2)
    _add_actions(curator, 8 if large else 3)
    for author in list(Author.objects.order_by("pk")[:1]) * (6 if large else 1):
        file_report(kind=ReaderReport.Kind.WRONG_NAME, author=author, text="Misspelt")
    queues.compute(full=True)
    shown = curator_client.get("/curation/").context

    cold, warm = _before_and_after(curator_client, "/curation/")

    assert (len(shown["pages"]), shown["waiting"]) == ((6, 6) if large else (2, 2))
    assert len(shown["mixed"]) == (6 if large else 2)
    assert len(shown["author_pairs"]) == (6 if large else 2)
    assert len(shown["paper_pairs"]) == (6 if large else 2)
    assert len(shown["recent"]) == (8 if large else 3)
    assert (len(shown["reports"]), shown["open_reports"]) == ((6, 6) if large else (1, 1))
    # Before any computation no finder runs: the page asks the worker and says so.
    assert (cold, warm) == ((200, 7), (200, 12))


def test_page_queue_queries_do_not_grow(curator_client, imported_seeds, tmp_path, size):
    _add_anonymous_pages(tmp_path, 4 if size == "large" else 0)
    queues.compute(full=True)
    shown = curator_client.get("/curation/pages/").context["pages"]

    cold, warm = _before_and_after(curator_client, "/curation/pages/")

    assert len(shown) == (6 if size == "large" else 2)
    assert (cold, warm) == ((200, 3), (200, 6))


def test_duplicate_queues_queries_do_not_grow(curator_client, imported_seeds, size):
    count = 30 if size == "large" else 2
    _add_candidate_pairs(count)
    queues.compute(full=True)
    papers = curator_client.get("/curation/papers/duplicates/").context["pairs"]
    authors = curator_client.get("/curation/authors/duplicates/").context["pairs"]

    paper_queries = _before_and_after(curator_client, "/curation/papers/duplicates/")
    author_queries = _before_and_after(curator_client, "/curation/authors/duplicates/")

    assert (len(papers), len(authors)) == (count, count)
    assert paper_queries == ((200, 3), (200, 5))
    assert author_queries == ((200, 3), (200, 5))


def test_mixed_profiles_queue_queries_do_not_grow(curator_client, imported_seeds, tmp_path, size):
    count = 8 if size == "large" else 1
    _add_mixed_profiles(tmp_path, count)
    queues.compute(full=True)
    shown = curator_client.get("/curation/authors/mixed/").context["profiles"]

    cold, warm = _before_and_after(curator_client, "/curation/authors/mixed/")

    assert len(shown) == count + 1  # and Wu, Jeff from the seeds
    assert (cold, warm) == ((200, 3), (200, 4))


def test_history_queries_do_not_grow(curator_client, db, curator, size):
    count = 30 if size == "large" else 3
    _add_actions(curator, count)

    status, queries = _queries(curator_client, "/curation/history/")
    filtered = _queries(curator_client, "/curation/history/?actor=carla&kind=dismiss_pair")

    assert (status, queries) == (200, 6)
    assert filtered == (200, 6)
