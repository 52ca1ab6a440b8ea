"""factory_boy factories for the catalogue's models."""

import factory

from catalog import models
from catalog.normalize import abstract_key, fold, title_key


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Author

    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = "Ada"
    display_name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    sort_key = factory.LazyAttribute(lambda o: fold(f"{o.family_name} {o.given_name}"))
    slug = factory.Sequence(lambda n: f"author-{n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    key = factory.LazyAttribute(lambda o: fold(o.name))
    slug = factory.Sequence(lambda n: f"venue-{n}")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Paper

    title = factory.Sequence(lambda n: f"Paper number {n}")
    abstract = factory.Sequence(lambda n: f"An abstract about topic {n}.")
    title_key = factory.LazyAttribute(lambda o: title_key(o.title))
    abstract_key = factory.LazyAttribute(lambda o: abstract_key(o.abstract))
    slug = factory.Sequence(lambda n: f"paper-{n}")


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Authorship

    paper = factory.SubFactory(PaperFactory)
    author = factory.SubFactory(AuthorFactory)
    decided_by = models.DecidedBy.IMPORT
