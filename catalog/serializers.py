"""JSON shapes of the read-only API. Serializers only read what the selectors fetched.

Records are named by slug (authors, papers, venues) or source name (pages), never by
row id, and each carries ``url``, its API address; a reference to another record is
always the same small object (``slug`` or ``source``, a name, ``url``). Provenance is
spelled out: the page entries (source file, position, line) that claim each authorship.

Embedded lists are bounded: a record shows at most ``EMBEDDED`` items of a list that
can grow with the catalogue, next to ``<list>_count`` (how many there are) and
``<list>_url`` (the whole list, paginated, with items of the same shape).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Author, Authorship, Paper, SourceEntry, SourcePage, Venue
from .selectors import MAX_CLAIMS_SHOWN

EMBEDDED = 20  # items of a growing list shown inside a record

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


@extend_schema_field(VenueRefSerializer(many=True))
class VenuesField(serializers.ReadOnlyField):
    """A paper's venues, from its prefetched appearances (``source`` leads to them)."""

    def to_representation(self, appearances):
        venues = [appearance.venue for appearance in appearances.all()]
        return VenueRefSerializer(venues, many=True, context=self.context).data


def _list_link(view_name: str, lookup_field: str, what: str):
    return serializers.HyperlinkedIdentityField(
        view_name=view_name,
        lookup_field=lookup_field,
        help_text=f"The whole list of {what}, paginated, items shaped as in the embedded list.",
    )


def _count(help_text: str):
    return serializers.IntegerField(read_only=True, help_text=help_text)


def _shown(what: str, link: str) -> str:
    return f"The first {EMBEDDED} {what}; all of them at {link}."


CLAIMS_SHOWN = (
    f"The first {MAX_CLAIMS_SHOWN} page entries claiming the authorship, by source name "
    "and position; all of them in the paper's entries list."
)


# --- page entries: provenance --------------------------------------------------------


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
        fields = ["source", "page", "position", "line"]


class EntrySerializer(serializers.ModelSerializer):
    """A page entry as written, and the author it claims."""

    venue = serializers.CharField(source="venue_name", help_text="As written; may be blank.")
    author = AuthorRefSerializer(
        source="authorship.author",
        read_only=True,
        allow_null=True,
        help_text="The author the entry claims; null on an unassigned page.",
    )

    class Meta:
        model = SourceEntry
        fields = ["position", "line", "title", "venue", "abstract", "author"]


class PageEntrySerializer(EntrySerializer):
    """An entry of a page, with the paper it resolved to."""

    paper = PaperRefSerializer(read_only=True, help_text="The paper the entry resolved to.")

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "paper"]


class PaperEntrySerializer(EntrySerializer):
    """A page entry that resolved to the paper, with the page it stands on."""

    source = serializers.CharField(source="page.source", help_text="The page file's name.")
    page = serializers.HyperlinkedRelatedField(
        view_name="api:page-detail",
        lookup_field="source",
        read_only=True,
        help_text="The page's API address.",
    )

    class Meta(EntrySerializer.Meta):
        fields = ["source", "page", *EntrySerializer.Meta.fields]


# --- authors ------------------------------------------------------------------------


class HomonymHintSerializer(serializers.Serializer):
    venue = serializers.CharField(allow_null=True, help_text="The author's most frequent venue.")
    coauthor = serializers.CharField(
        allow_null=True, help_text="The co-author they share most papers with."
    )
    papers = serializers.IntegerField()


HOMONYM_HELP = (
    "When another listed author has the same name: what tells this one apart (null otherwise)."
)


def _hint(serializer: serializers.Serializer, author: Author) -> dict | None:
    """The author's homonym hint from the view's ``hints`` (catalog.homonyms)."""
    hint = serializer.context.get("hints", {}).get(author.pk)
    return hint.as_dict() if hint else None


class AuthorListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:author-detail", lookup_field="slug")
    orcid = serializers.SerializerMethodField()
    paper_count = _count("How many papers the author has.")
    homonym = serializers.SerializerMethodField(help_text=HOMONYM_HELP)
    status = serializers.ChoiceField(
        choices=Author.Status.choices,
        read_only=True,
        help_text="confirmed: a curator assigned the profile a page, merged, split or edited "
        "it (and did not undo it); imported: as the pages gave it.",
    )
    curator_changed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When a curator last changed the profile (null: never).",
    )

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
            "homonym",
            "status",
            "curator_changed_at",
        ]

    def get_orcid(self, author: Author) -> str | None:
        return author.orcid or None

    @extend_schema_field(HomonymHintSerializer(allow_null=True))
    def get_homonym(self, author: Author) -> dict | None:
        return _hint(self, author)


class AuthorPaperSerializer(serializers.ModelSerializer):
    """One of an author's papers, with the entries that claim the authorship."""

    slug = serializers.CharField(source="paper.slug")
    url = serializers.HyperlinkedRelatedField(
        source="paper", view_name="api:paper-detail", lookup_field="slug", read_only=True
    )
    title = serializers.CharField(source="paper.title", help_text='"" when abstract-only.')
    venues = VenuesField(source="paper.appearances")
    claim_count = _count("How many page entries claim the authorship.")
    claims = ClaimSerializer(
        source="claims_shown", many=True, read_only=True, help_text=CLAIMS_SHOWN
    )

    class Meta:
        model = Authorship
        fields = [
            "slug",
            "url",
            "title",
            "venues",
            "decided_by",
            "curated",
            "claim_count",
            "claims",
        ]


class CoauthorSerializer(AuthorRefSerializer):
    shared = serializers.IntegerField(help_text="How many papers the two share.")
    homonym = serializers.SerializerMethodField(help_text=HOMONYM_HELP)

    class Meta(AuthorRefSerializer.Meta):
        fields = [*AuthorRefSerializer.Meta.fields, "shared", "homonym"]

    @extend_schema_field(HomonymHintSerializer(allow_null=True))
    def get_homonym(self, author: Author) -> dict | None:
        return _hint(self, author)


class AuthorDetailSerializer(AuthorListSerializer):
    names = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="Every name variant seen."
    )
    papers = AuthorPaperSerializer(
        source="authorships_shown",
        many=True,
        read_only=True,
        help_text=_shown(
            "papers (abstract-only last), each with the page lines claiming it", "papers_url"
        ),
    )
    papers_url = _list_link("api:author-papers", "slug", "the author's papers")
    coauthor_count = _count("How many live authors share a paper with the author.")
    coauthors = CoauthorSerializer(
        source="coauthors_shown",
        many=True,
        read_only=True,
        help_text=_shown("co-authors, most shared papers first", "coauthors_url"),
    )
    coauthors_url = _list_link("api:author-coauthors", "slug", "co-authors")

    class Meta(AuthorListSerializer.Meta):
        fields = [
            *AuthorListSerializer.Meta.fields,
            "names",
            "papers",
            "papers_url",
            "coauthor_count",
            "coauthors",
            "coauthors_url",
            "created_at",
            "updated_at",
        ]


# --- papers -------------------------------------------------------------------------


class PaperAuthorRefSerializer(serializers.ModelSerializer):
    """An author of a paper (an authorship), shaped as any author reference."""

    slug = serializers.CharField(source="author.slug")
    display_name = serializers.CharField(source="author.display_name")
    url = serializers.HyperlinkedRelatedField(
        source="author", view_name="api:author-detail", lookup_field="slug", read_only=True
    )

    class Meta:
        model = Authorship
        fields = ["slug", "display_name", "url"]


class PaperAuthorSerializer(PaperAuthorRefSerializer):
    """An author of a paper, with who decided it and the entries that claim it."""

    claim_count = _count("How many page entries claim the authorship.")
    claims = ClaimSerializer(
        source="claims_shown", many=True, read_only=True, help_text=CLAIMS_SHOWN
    )

    class Meta(PaperAuthorRefSerializer.Meta):
        fields = [
            *PaperAuthorRefSerializer.Meta.fields,
            "decided_by",
            "curated",
            "claim_count",
            "claims",
        ]


class PaperListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paper-detail", lookup_field="slug")
    venues = VenuesField(source="appearances")
    author_count = _count("How many authors the paper has.")
    authors = PaperAuthorRefSerializer(
        source="authorships_shown",
        many=True,
        read_only=True,
        help_text=_shown("authors, by name", "authors_url"),
    )
    authors_url = _list_link("api:paper-authors", "slug", "the paper's authors")

    class Meta:
        model = Paper
        fields = [
            "slug",
            "url",
            "title",
            "abstract",
            "venues",
            "author_count",
            "authors",
            "authors_url",
            "created_at",
        ]
        extra_kwargs = {"title": {"help_text": '"" when abstract-only.'}}


class PaperDetailSerializer(PaperListSerializer):
    authors = PaperAuthorSerializer(
        source="authorships_shown",
        many=True,
        read_only=True,
        help_text=_shown("authors, by name, each with the page lines claiming it", "authors_url"),
    )
    entry_count = _count("How many page entries list the paper.")
    entries = PaperEntrySerializer(
        source="entries_shown",
        many=True,
        read_only=True,
        help_text=_shown(
            "page entries listing the paper, by source name and position", "entries_url"
        ),
    )
    entries_url = _list_link("api:paper-entries", "slug", "page entries listing the paper")

    class Meta(PaperListSerializer.Meta):
        fields = [
            "slug",
            "url",
            "title",
            "abstract",
            "venues",
            "author_count",
            "authors",
            "authors_url",
            "entry_count",
            "entries",
            "entries_url",
            "created_at",
            "updated_at",
        ]


# --- venues -------------------------------------------------------------------------


class VenueSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:venue-detail", lookup_field="slug")
    paper_count = _count("How many papers are listed under the venue.")
    papers_url = serializers.SerializerMethodField(
        help_text="The venue's papers: the paper list filtered by this venue."
    )

    class Meta:
        model = Venue
        fields = ["slug", "url", "name", "paper_count", "papers_url"]

    def get_papers_url(self, venue: Venue) -> str:
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
    entry_count = _count("How many entries the page has.")

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


class PageDetailSerializer(PageListSerializer):
    entries = PageEntrySerializer(
        source="entries_shown",
        many=True,
        read_only=True,
        help_text=_shown("entries, in page order", "entries_url"),
    )
    entries_url = _list_link("api:page-entries", "source", "the page's entries")

    class Meta(PageListSerializer.Meta):
        fields = [*PageListSerializer.Meta.fields, "entries", "entries_url"]
