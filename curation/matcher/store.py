"""Which trained models the app uses: the file named by the ``MATCHER_MODEL``
setting (written by ``manage.py train_matcher``), else the shipped
``curation/matcher/model.json``; it holds the page-to-author model and, under
``mixed``, the mixed-profile model. Loaded once per process and again when the
file changes (its modification time is checked at most once a second)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from .mixed import MixedModel
from .model import SHIPPED_MODEL, Model, ModelFileError

_loaded: dict[str, tuple[float, float, tuple[Model, MixedModel]]] = {}  # path -> ...
RECHECK_SECONDS = 1.0


def model_path() -> Path:
    configured = getattr(settings, "MATCHER_MODEL", "")
    return Path(configured) if configured else SHIPPED_MODEL


def current_model() -> Model:
    """The page-to-author model in use; a configured file that cannot be read is an
    error, named."""
    return _models()[0]


def current_mixed_model() -> MixedModel:
    """The mixed-profile model in use (the same file's ``mixed`` part)."""
    return _models()[1]


def _models() -> tuple[Model, MixedModel]:
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
    if model.mixed is None:
        raise ModelFileError(f"{path}: no mixed-profile part; run manage.py train_matcher")
    models = (model, MixedModel.from_dict(model.mixed, source=f"{path} (mixed)"))
    _loaded[key] = (now, mtime, models)
    return models
