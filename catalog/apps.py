"""The catalogue app: papers, authors, venues, pages and their provenance."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalogue"
