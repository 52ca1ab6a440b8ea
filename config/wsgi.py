"""WSGI entry point for gunicorn (settings from ``DJANGO_SETTINGS_MODULE``, default base)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
