"""factory_boy factories for the catalogue's models."""

import factory

from catalog import models
from catalog.normalize import abstract_key, fold, title_key


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Author
        skip_postgeneration_save = True  # the hook saves a name, not the author

    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = "Ada"
    display_name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    sort_key = factory.LazyAttribute(lambda o: fold(f"{o.family_name} {o.given_name}"))
    slug = factory.Sequence(lambda n: f"author-{n}")

    @factory.post_generation
    def shown_name(self, create, extracted, **kwargs):
        """``shown_name=True``: the shown name is also one of the author's names, as the
        importer and the services keep it (name search reads names only)."""
        if create and extracted:
            name = ", ".join(p for p in (self.family_name, self.given_name) if p)
            models.AuthorName.variant(self, name, added_by=models.DecidedBy.IMPORT).save()


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


class AuthorNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AuthorName

    author = factory.SubFactory(AuthorFactory)
    name = factory.LazyAttribute(lambda o: o.author.display_name)
    search_key = factory.LazyAttribute(lambda o: fold(o.name))
    added_by = models.DecidedBy.IMPORT


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Appearance

    paper = factory.SubFactory(PaperFactory)
    venue = factory.SubFactory(VenueFactory)


class SourcePageFactory(factory.django.DjangoModelFactory):
    """An anonymous page waiting for a curator (give ``author`` and ``kind`` for others)."""

    class Meta:
        model = models.SourcePage

    source = factory.Sequence(lambda n: f"page-{n:04d}.txt")
    kind = models.SourcePage.Kind.ANONYMOUS
    label = "Tony"
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    raw_text = ""
    author = None
    assigned_by = factory.LazyAttribute(lambda o: models.DecidedBy.IMPORT if o.author else "")


class SourceEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SourceEntry

    page = factory.SubFactory(SourcePageFactory)
    position = factory.Sequence(lambda n: n + 1)
    line = factory.LazyAttribute(lambda o: o.position + 1)
    paper = factory.SubFactory(PaperFactory)
    abstract = factory.LazyAttribute(lambda o: o.paper.abstract)
    abstract_key = factory.LazyAttribute(lambda o: abstract_key(o.abstract))


class CurationActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "curation.CurationAction"

    kind = "dismiss_pair"
    actor_name = "curator"
    summary = "not duplicates"


class DismissedPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "curation.DismissedPair"

    kind = "paper"
    action = factory.SubFactory(CurationActionFactory)


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A finished upload's import (``state`` and the counts to change it)."""

    class Meta:
        model = "curation.ImportJob"

    created_by_name = "carla"
    state = "done"
    uploaded = factory.Sequence(lambda n: f"upload-{n}.txt")
    files_total = 1
    files_done = 1
    new = 1
    summary = "1 files: 1 new, 0 updated, 0 unchanged, 0 rejected."
