"""Who may curate: members of the ``curators`` group, and staff."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission

CURATORS_GROUP = "curators"
# What curators see and do in the Django admin (its actions call the same services).
ADMIN_PERMISSIONS = [
    ("catalog", "view_author"),
    ("catalog", "view_paper"),
    ("catalog", "view_sourcepage"),
    ("catalog", "view_venue"),
    ("catalog", "view_authorship"),
    ("catalog", "view_sourceentry"),
    ("catalog", "view_authorname"),
    ("curation", "view_curationaction"),
    ("curation", "view_dismissedpair"),
]


def is_curator(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Asked once per user object (a request's user): the answer is kept on it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not hasattr(user, "_is_curator"):
        user._is_curator = user.is_staff or user.groups.filter(name=CURATORS_GROUP).exists()
    return user._is_curator


def ensure_curators_group() -> Group:
    """The ``curators`` group, with the admin permissions it needs."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    for app_label, codename in ADMIN_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)
    return group
