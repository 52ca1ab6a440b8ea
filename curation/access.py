"""Who may curate, and who may open the admin.

- Curating (every page under /curation/, every write the services make, the admin's
  curation actions, the curation links on public pages) needs the permission
  ``curation.curate``. Members of the ``curators`` group have it (a migration, and
  :func:`ensure_curators_group`, give it to the group); superusers have every
  permission. Staff status alone gives nothing of curation.
- The admin opens to active users who are staff or may curate. Inside, each model
  needs its view permission: curators have them all (read-only, as for everyone:
  rows change only through the importer and the services); a staff member with no
  permission sees an empty index and gets 403 on every model.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

CURATORS_GROUP = "curators"
CURATE_CODENAME = "curate"
CURATE_PERMISSION = f"curation.{CURATE_CODENAME}"
CURATE_DESCRIPTION = "Can curate the catalogue (assign, merge, split, edit, dismiss, undo)"
# What curators see in the Django admin: every model it shows, read-only (its
# actions lead to the curation forms, which call the services).
ADMIN_PERMISSIONS = [
    ("catalog", "view_author"),
    ("catalog", "view_paper"),
    ("catalog", "view_sourcepage"),
    ("catalog", "view_venue"),
    ("catalog", "view_authorship"),
    ("catalog", "view_sourceentry"),
    ("catalog", "view_authorname"),
    ("catalog", "view_appearance"),
    ("catalog", "view_authorslugalias"),
    ("catalog", "view_paperslugalias"),
    ("curation", "view_curationaction"),
    ("curation", "view_actiontarget"),
    ("curation", "view_dismissedpair"),
]

MaybeUser = AbstractBaseUser | AnonymousUser | None


def is_curator(user: MaybeUser) -> bool:
    """Active and allowed ``curation.curate`` (directly, by a group, or as superuser).

    The answer of ``user.has_perm(CURATE_PERMISSION)`` in one query (``has_perm``
    would load every permission of the user and of their groups: two). Asked once
    per user object (a request's user): the answer is kept on it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not hasattr(user, "_is_curator"):
        user._is_curator = (
            user.is_superuser
            or Permission.objects.filter(
                Q(user=user) | Q(group__user=user),
                content_type__app_label="curation",
                codename=CURATE_CODENAME,
            ).exists()
        )
    return user._is_curator


def may_open_admin(user: MaybeUser) -> bool:
    """Active staff, or curators (who need not be staff: the group is enough)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or is_curator(user)


def curate_permission() -> Permission:
    """``curation.curate``, created if missing (it is declared on ``CurationAction``)."""
    content_type, _ = ContentType.objects.get_or_create(
        app_label="curation", model="curationaction"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=CURATE_CODENAME,
        defaults={"name": CURATE_DESCRIPTION},
    )
    return permission


def ensure_curators_group() -> Group:
    """The ``curators`` group, with ``curation.curate`` and the admin's view permissions."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    group.permissions.add(curate_permission())
    for app_label, codename in ADMIN_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)
    return group
