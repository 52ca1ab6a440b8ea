"""JSON shapes of the read-only API. Serializers only read what the selectors fetched.

Records are named by slug (authors, papers, venues) or source name (pages), never by
row id, and each carries ``url``, its API address. Provenance is spelled out: the
page entries (source file, position, line) that claim each authorship.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import selectors
from .models import Author, Authorship, Paper, SourceEntry, SourcePage, Venue

# --- errors (documentation only: DRF's exception handler writes these) ----------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong.")


# A 400 body: each rejected query parameter with its messages.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"has_orcid": ["Enter true or false."]},
}


# --- references: the short form of a record inside another ---------------------


class AuthorRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail", lookup_field="slug")

    class Meta:
        model = Author
        fields = ["slug", "display_name", "url"]


class VenueRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail", lookup_field="slug")

    class Meta:
        model = Venue
        fields = ["slug", "name", "url"]


class PaperRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paper-detail", lookup_field="slug")

    class Meta:
        model = Paper
        fields = ["slug", "title", "url"]


class ClaimSerializer(serializers.ModelSerializer):
    """A page entry that claims an authorship: where exactly the page says so."""

    source = serializers.CharField(source="page.source", help_text="The page file's name.")
    page = serializers.HyperlinkedRelatedField(
        view_name="api:page-detail",
        lookup_field="source",
        read_only=True,
        help_text="The page's API address.",
    )

    class Meta:
        model = SourceEntry
        fields = ["source", "position", "line", "page"]


def _venues(appearances) -> list[Venue]:
    return [appearance.venue for appearance in appearances.all()]


# --- authors ------------------------------------------------------------------------


class AuthorListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail", lookup_field="slug")
    orcid = serializers.SerializerMethodField()
    paper_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Author
        fields = [
            "slug",
            "url",
            "display_name",
            "family_name",
            "given_name",
            "orcid",
            "paper_count",
        ]

    def get_orcid(self, author: Author) -> str | None:
        return author.orcid or None


class AuthorPaperSerializer(serializers.ModelSerializer):
    """One of an author's papers, with the entries that claim the authorship."""

    slug = serializers.CharField(source="paper.slug")
    url = serializers.HyperlinkedRelatedField(
        source="paper", view_name="api:paper-detail", lookup_field="slug", read_only=True
    )
    title = serializers.CharField(source="paper.title", help_text='"" when abstract-only.')
    venues = serializers.SerializerMethodField()
    claims = ClaimSerializer(source="entries", many=True, read_only=True)

    class Meta:
        model = Authorship
        fields = ["slug", "url", "title", "venues", "decided_by", "curated", "claims"]

    @extend_schema_field(VenueRefSerializer(many=True))
    def get_venues(self, authorship: Authorship) -> list:
        venues = _venues(authorship.paper.appearances)
        return VenueRefSerializer(venues, many=True, context=self.context).data


class CoauthorSerializer(AuthorRefSerializer):
    shared = serializers.IntegerField(help_text="How many papers the two share.")

    class Meta(AuthorRefSerializer.Meta):
        fields = [*AuthorRefSerializer.Meta.fields, "shared"]


class AuthorDetailSerializer(AuthorListSerializer):
    names = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="Every name variant seen."
    )
    papers = serializers.SerializerMethodField()
    coauthors = serializers.SerializerMethodField()

    class Meta(AuthorListSerializer.Meta):
        fields = [field for field in AuthorListSerializer.Meta.fields if field != "paper_count"] + [
            "names",
            "papers",
            "coauthors",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(AuthorPaperSerializer(many=True))
    def get_papers(self, author: Author) -> list:
        papers = selectors.author_papers(author)
        return AuthorPaperSerializer(papers, many=True, context=self.context).data

    @extend_schema_field(CoauthorSerializer(many=True))
    def get_coauthors(self, author: Author) -> list:
        coauthors = selectors.coauthors(author)
        return CoauthorSerializer(coauthors, many=True, context=self.context).data


# --- papers -------------------------------------------------------------------------


class PaperListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paper-detail", lookup_field="slug")
    venues = serializers.SerializerMethodField()
    authors = serializers.SerializerMethodField()

    class Meta:
        model = Paper
        fields = ["slug", "url", "title", "abstract", "venues", "authors", "created_at"]
        extra_kwargs = {"title": {"help_text": '"" when abstract-only.'}}

    @extend_schema_field(VenueRefSerializer(many=True))
    def get_venues(self, paper: Paper) -> list:
        return VenueRefSerializer(_venues(paper.appearances), many=True, context=self.context).data

    @extend_schema_field(AuthorRefSerializer(many=True))
    def get_authors(self, paper: Paper) -> list:
        authors = [authorship.author for authorship in paper.authorships.all()]
        return AuthorRefSerializer(authors, many=True, context=self.context).data


class PaperAuthorSerializer(serializers.ModelSerializer):
    """One author of a paper, with the entries that claim the authorship."""

    slug = serializers.CharField(source="author.slug")
    display_name = serializers.CharField(source="author.display_name")
    url = serializers.HyperlinkedRelatedField(
        source="author", view_name="api:author-detail", lookup_field="slug", read_only=True
    )
    claims = ClaimSerializer(source="entries", many=True, read_only=True)

    class Meta:
        model = Authorship
        fields = ["slug", "display_name", "url", "decided_by", "curated", "claims"]


class PaperEntrySerializer(serializers.ModelSerializer):
    """A page entry that resolved to the paper, as written on the page."""

    source = serializers.CharField(source="page.source")
    page = serializers.HyperlinkedRelatedField(
        view_name="api:page-detail", lookup_field="source", read_only=True
    )
    venue = serializers.CharField(source="venue_name", help_text="As written; may be blank.")
    author = serializers.SerializerMethodField(
        help_text="Slug of the author the entry claims; null on an unassigned page."
    )

    class Meta:
        model = SourceEntry
        fields = ["source", "page", "position", "line", "title", "venue", "abstract", "author"]

    def get_author(self, entry: SourceEntry) -> str | None:
        return entry.authorship.author.slug if entry.authorship_id else None


class PaperDetailSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paper-detail", lookup_field="slug")
    venues = serializers.SerializerMethodField()
    authors = PaperAuthorSerializer(source="authorships", many=True, read_only=True)
    entries = PaperEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Paper
        fields = [
            "slug",
            "url",
            "title",
            "abstract",
            "venues",
            "authors",
            "entries",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"title": {"help_text": '"" when abstract-only.'}}

    @extend_schema_field(VenueRefSerializer(many=True))
    def get_venues(self, paper: Paper) -> list:
        return VenueRefSerializer(_venues(paper.appearances), many=True, context=self.context).data


# --- venues -------------------------------------------------------------------------


class VenueSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail", lookup_field="slug")
    paper_count = serializers.IntegerField(read_only=True)
    papers = serializers.SerializerMethodField(help_text="The venue's papers (a filtered list).")

    class Meta:
        model = Venue
        fields = ["slug", "url", "name", "paper_count", "papers"]

    def get_papers(self, venue: Venue) -> str:
        url = self.context["request"].build_absolute_uri(reverse("api:paper-list"))
        return f"{url}?venue={venue.slug}"


# --- pages --------------------------------------------------------------------------


class PageListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:page-detail", lookup_field="source")
    assigned = serializers.BooleanField(source="is_assigned", help_text="Has an author.")
    author = AuthorRefSerializer(read_only=True, allow_null=True)
    assigned_by = serializers.SerializerMethodField(
        help_text="Who assigned the page: import, curator, or null while unassigned."
    )
    entry_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SourcePage
        fields = [
            "source",
            "url",
            "kind",
            "label",
            "assigned",
            "author",
            "assigned_by",
            "entry_count",
            "content_hash",
            "imported_at",
            "updated_at",
        ]

    def get_assigned_by(self, page: SourcePage) -> str | None:
        return page.assigned_by or None


class PageEntrySerializer(serializers.ModelSerializer):
    venue = serializers.CharField(source="venue_name", help_text="As written; may be blank.")
    paper = PaperRefSerializer(read_only=True, help_text="The paper the entry resolved to.")
    author = serializers.SerializerMethodField(
        help_text="Slug of the author the entry claims; null on an unassigned page."
    )

    class Meta:
        model = SourceEntry
        fields = ["position", "line", "title", "venue", "abstract", "paper", "author"]

    def get_author(self, entry: SourceEntry) -> str | None:
        return entry.authorship.author.slug if entry.authorship_id else None


class PageDetailSerializer(PageListSerializer):
    entries = PageEntrySerializer(many=True, read_only=True)

    class Meta(PageListSerializer.Meta):
        fields = [*PageListSerializer.Meta.fields, "entries"]
