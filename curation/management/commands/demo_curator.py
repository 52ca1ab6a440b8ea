"""Create (or reset) a local demo curator with a fresh random password and print it.

The user is put in the group ``curators`` (``curation.curate``); a new user is not staff.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from curation.access import ensure_curators_group


class Command(BaseCommand):
    help = "Create or reset a demo curator account with a new random password (local use)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="curator")

    def handle(self, *args, username: str, **options):
        if not username.strip():
            raise CommandError("--username must not be empty")
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()  # not staff: the group alone opens curation and the admin (read-only)
        user.groups.add(ensure_curators_group())
        verb = "Created" if created else "Reset"
        self.stdout.write(
            f"{verb} curator '{username}' with password: {password}\n"
            "Sign in at /accounts/login/ (curation at /curation/, admin at /admin/)."
        )
