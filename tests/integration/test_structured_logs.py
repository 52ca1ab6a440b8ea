"""Structured logs: the configured handler writes one JSON object per line, one per
curator's action (``curation.actions``, after commit; a preview logs nothing) and one
per server error (``django.request``, with method, path and status)."""

import io
import json
import logging

import pytest
from django.urls import path

from catalog.models import SourcePage
from config.logging import JsonLines
from curation import services

FIELDS = {"time", "level", "logger", "message"}


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]


@pytest.fixture
def log_lines():
    """What the settings' JSON handler on the root logger writes, line by line."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonLines))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def _anonymous_page() -> SourcePage:
    return SourcePage.objects.filter(kind=SourcePage.Kind.ANONYMOUS).order_by("source").first()


def test_structured_logs_one_json_line_per_curation_action(
    imported_seeds, curator, log_lines, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = services.assign_page(
            page=_anonymous_page(), actor=curator, new_author=services.NewAuthor("Nowak", "Ann")
        )

    lines = [line for line in log_lines() if line["logger"] == "curation.actions"]
    assert [{k: v for k, v in line.items() if k not in {"time", "message"}} for line in lines] == [
        {
            "level": "INFO",
            "logger": "curation.actions",
            "kind": "assign_page",
            "actor": "carla",
            "action_id": action.pk,
            "summary": action.summary,
        }
    ]
    assert list(lines[0])[:4] == ["time", "level", "logger", "message"]


def test_structured_logs_a_preview_logs_nothing(
    imported_seeds, curator, log_lines, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.preview(
            services.assign_page,
            lambda rows: rows,
            page=_anonymous_page(),
            actor=curator,
            new_author=services.NewAuthor("Nowak", "Ann"),
        )

    assert [line for line in log_lines() if line["logger"] == "curation.actions"] == []


@pytest.mark.urls(__name__)
def test_structured_logs_one_json_line_per_server_error(client, db, log_lines):
    client.raise_request_exception = False

    response = client.get("/boom/?q=1")

    lines = [line for line in log_lines() if line["logger"] == "django.request"]
    assert response.status_code == 500
    assert [
        (line["level"], line["message"], line["status"], line["method"], line["path"])
        for line in lines
    ] == [("ERROR", "Internal Server Error: /boom/", 500, "GET", "/boom/")]
    assert set(lines[0]) >= FIELDS
    assert "RuntimeError: boom" in lines[0]["exc_info"]
