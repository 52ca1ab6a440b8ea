"""Structured logs: one JSON object per line on standard error (``time``, ``level``,
``logger``, ``message``, then the record's own fields), and the ``LOGGING`` dict the
settings use. Standard error, not output: ``manage.py export_catalog > file`` writes
the export on standard output, and a log line there would corrupt it.

What is logged: every request error (``django.request``: a 5xx at ERROR, a 4xx at
WARNING, with ``method``, ``path``, ``status`` and the traceback) and every curator's
action (``curation.actions``, INFO: ``kind``, ``actor``, ``action_id``, ``summary``),
plus whatever other loggers emit at ``LOG_LEVEL`` or above (sign-in failures and
lockouts from ``axes`` at INFO and WARNING).
"""

from __future__ import annotations

from typing import Any

from pythonjsonlogger.json import JsonFormatter

FIRST = ("time", "level", "logger", "message")


class JsonLines(JsonFormatter):
    """A record as one JSON line; a request in the record becomes its method and path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "status_code": "status"},
            timestamp="time",
            json_ensure_ascii=False,
        )

    def add_fields(self, log_data: dict[str, Any], record, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        request = log_data.pop("request", None)
        if hasattr(request, "path"):  # django.request: not the object, what it asked
            log_data["method"] = request.method
            log_data["path"] = request.path
        log_data.pop("server_time", None)  # django.server's duplicate of ``time``
        ordered = {key: log_data.pop(key) for key in FIRST if key in log_data}
        ordered.update(log_data)
        log_data.clear()
        log_data.update(ordered)


def logging_config(level: str) -> dict[str, Any]:
    """JSON lines to stderr; ``level`` for the root logger, curators' actions always."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLines}},
        "handlers": {
            "json_lines": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
            }
        },
        "root": {"handlers": ["json_lines"], "level": level},
        "loggers": {
            # Django's own console handler (DEBUG only) would print each error twice.
            "django": {"handlers": [], "level": level, "propagate": True},
            "curation.actions": {"level": "INFO"},
            # Its start-up banner would open every management command's output.
            "axes.apps": {"level": "WARNING"},
        },
    }
