"""The curation app: curators' operations, their journal, queues and pages."""

from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation"
