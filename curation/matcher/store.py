"""Which trained model the app uses: the file named by the ``MATCHER_MODEL``
setting (written by ``manage.py train_matcher``), else the shipped
``curation/matcher/model.json``. Loaded once per process and again when the
file changes (its modification time is checked at most once a second)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from .model import SHIPPED_MODEL, Model

_loaded: dict[str, tuple[float, float, Model]] = {}  # path -> (checked at, mtime, model)
RECHECK_SECONDS = 1.0


def model_path() -> Path:
    configured = getattr(settings, "MATCHER_MODEL", "")
    return Path(configured) if configured else SHIPPED_MODEL


def current_model() -> Model:
    """The model in use; a configured file that cannot be read is an error, named."""
    path = model_path()
    key = str(path)
    now = time.monotonic()
    kept = _loaded.get(key)
    if kept and now - kept[0] < RECHECK_SECONDS:
        return kept[2]
    mtime = path.stat().st_mtime
    if kept and kept[1] == mtime:
        _loaded[key] = (now, mtime, kept[2])
        return kept[2]
    model = Model.load(path)
    _loaded[key] = (now, mtime, model)
    return model
