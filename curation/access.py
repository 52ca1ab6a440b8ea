"""Who may curate: members of the ``curators`` group, and staff."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CURATORS_GROUP = "curators"


def is_curator(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.groups.filter(name=CURATORS_GROUP).exists()
