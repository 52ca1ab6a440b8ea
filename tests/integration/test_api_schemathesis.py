"""Property tests of the API against its own OpenAPI schema (Schemathesis, in-process).

Every operation of /api/schema/ gets generated requests, valid and invalid; each
response must be no 5xx, a documented status and content type, and match the
schema. The catalogue holds the five sample pages, imported once for the module.
"""

from pathlib import Path

import pytest
import schemathesis
import werkzeug.test
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from catalog.importing import import_pages
from config.wsgi import application
from tests.conftest import SAMPLE_PAGES

CONFIG = schemathesis.config.SchemathesisConfig.from_path(
    Path(__file__).resolve().parents[2] / "schemathesis.toml"
)


@pytest.fixture(scope="module")
def seeded_catalogue(django_db_setup, django_db_blocker):
    """The sample pages, imported once inside a transaction rolled back at the end.

    The app is called in-process, so Django's request signals would close the test
    transaction's connection after each request (PostgreSQL): they are unhooked for
    the module (a function-scoped fixture would trip a Hypothesis health check).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            import_pages(sorted(SAMPLE_PAGES.glob("*.txt")))
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded when the module is collected (schemathesis.pytest.from_fixture, the lazy
# way, fails on pytest 9); generating the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_catalogue")
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_every_generated_request_as_its_schema_says(case):
    case.call_and_validate()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_catalogue")
def test_generated_requests_meet_the_seeded_catalogue():
    client = werkzeug.test.Client(application)

    response = client.get("/api/authors/", headers={"Host": "localhost"})

    assert (response.status_code, response.json["count"]) == (200, 3)
