"""The catalogue: papers, authors, venues, and the scraped pages that claim them.

Models hold fields, constraints and small properties only; writes live in
``catalog.importing`` (the importer) and ``curation.services`` (curators).
"""

from __future__ import annotations

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from .names import PersonName
from .normalize import fold

ORCID_INVALID = "ORCID must look like 0000-0002-1825-0097 and its check digit must match."


_SLUG_MARK = "0slug0mark0"


@lru_cache(maxsize=64)
def _slug_url_parts(name: str, prefix: str) -> tuple[str, str]:
    url = reverse(name, kwargs={"slug": _SLUG_MARK})
    before, after = url.split(_SLUG_MARK)
    return before, after


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``, resolved once per URL name and script
    prefix: a profile links 200 records, and ``reverse`` costs 20 us each. Slugs are
    ASCII letters, digits, '-' and '_' (``SlugField``): nothing to quote."""
    before, after = _slug_url_parts(name, get_script_prefix())
    return f"{before}{slug}{after}"


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit, as ORCID defines it."""
    digits = orcid.replace("-", "")
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for ch in digits[:15]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


def validate_orcid(value: str) -> None:
    parts = value.split("-")
    if len(parts) != 4 or any(len(p) != 4 for p in parts) or not orcid_checksum_ok(value):
        raise ValidationError(ORCID_INVALID, code="orcid")


class DecidedBy(models.TextChoices):
    IMPORT = "import", "import"
    CURATOR = "curator", "curator"


class MergeableQuerySet(models.QuerySet):
    def live(self) -> MergeableQuerySet:
        """Records not merged away (tombstones left out)."""
        return self.filter(merged_into__isnull=True)


class MergeableRecord(models.Model):
    """A record curators can merge: the merged one stays as a tombstone that redirects."""

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        help_text="Set when this record was merged: it is a tombstone that redirects.",
        # Indexed for tombstones only (Meta): an index holding every live row under
        # NULL looks selective to SQLite, which then sorts every live row of a list.
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # The version of the record's public page (its cache key, ETag and Last-Modified):
    # moved by ``catalog.freshness`` whenever anything the page shows changes, the
    # record itself or its neighbours (a co-author's new name, a paper's new title).
    # ``updated_at`` moves only with the record's own row: curators' forms check it.
    page_changed_at = models.DateTimeField(default=timezone.now)

    objects = MergeableQuerySet.as_manager()

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="%(class)s_tombstones_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="%(class)s_not_merged_into_itself",
            ),
        ]

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class Author(MergeableRecord):
    display_name = models.CharField(max_length=300)
    family_name = models.CharField(max_length=200, blank=True)
    given_name = models.CharField(max_length=200, blank=True)
    # Folded "family given": alphabetical order and exact-name lookups.
    sort_key = models.CharField(max_length=400, db_index=True)
    slug = models.SlugField(max_length=120, unique=True)
    orcid = models.CharField("ORCID", max_length=19, blank=True, validators=[validate_orcid])
    # At least one authorship: only such authors are listed publicly (an author whose
    # last page was unassigned keeps its address, which answers 410 Gone). Kept by
    # catalog.freshness.renew_pages, which every write calls.
    has_papers = models.BooleanField(default=True)
    # The profile's status, kept by the curation services from the actions that are
    # not undone: when a curator last confirmed it (assigned it a page, merged,
    # split or edited it; empty: as imported) and last changed it in any way.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    curator_changed_at = models.DateTimeField(null=True, blank=True)

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "confirmed by a curator"
        IMPORTED = "imported", "as imported"

    class Meta(MergeableRecord.Meta):
        ordering = ["sort_key", "slug"]
        indexes = [
            *MergeableRecord.Meta.indexes,
            # The author list: listed authors in order, read 50 at a time from the index.
            models.Index(
                fields=["sort_key", "slug"],
                condition=Q(merged_into__isnull=True, has_papers=True),
                name="author_listed_order_idx",
            ),
        ]
        constraints = [
            *MergeableRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["orcid"], condition=~Q(orcid=""), name="author_orcid_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return slug_url("catalog:author-detail", self.slug)

    @property
    def status(self) -> str:
        return self.Status.CONFIRMED if self.confirmed_at else self.Status.IMPORTED

    @property
    def inverted_name(self) -> str:
        return ", ".join(p for p in (self.family_name, self.given_name) if p)

    def set_name(self, person: PersonName) -> None:
        """Take the parts of a parsed name (not saved)."""
        self.display_name = person.display
        self.family_name = person.family
        self.given_name = person.given
        self.sort_key = person.sort_key


class AuthorNameQuerySet(models.QuerySet):
    def live(self) -> AuthorNameQuerySet:
        """Names of authors not merged away."""
        return self.filter(author__merged_into__isnull=True)


class AuthorName(models.Model):
    """A name variant seen on a page or typed by a curator, for search and matching."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=300)
    # Folded words of the name ('lukasz kaiser'): diacritics- and case-insensitive search.
    search_key = models.CharField(max_length=400, db_index=True)
    added_by = models.CharField(max_length=10, choices=DecidedBy.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorNameQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["author", "name"], name="author_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def variant(cls, author: Author, name: str, *, added_by: str = DecidedBy.CURATOR) -> AuthorName:
        """An unsaved name variant with its search key: the one place both are set."""
        return cls(author=author, name=name, search_key=fold(name), added_by=added_by)


class AuthorSlugAlias(models.Model):
    """A slug an author answered to before; the URL keeps working (301).

    No author: the slug is retired (its author was withdrawn by an undo). It
    answers 404 and is never given to anyone else.
    """

    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.CASCADE, related_name="slug_aliases"
    )
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        verbose_name_plural = "author slug aliases"

    def __str__(self) -> str:
        return self.slug


class Venue(models.Model):
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=400, unique=True, help_text="Folded name used to match.")
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("catalog:venue-detail", self.slug)


class Paper(MergeableRecord):
    title = models.CharField(max_length=1000, blank=True, help_text="Blank when abstract-only.")
    abstract = models.TextField(blank=True)
    title_key = models.CharField(max_length=1000, blank=True, db_index=True)
    abstract_key = models.CharField(max_length=32, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    title_curated = models.BooleanField(
        default=False, help_text="A curator chose the title: imports never change it."
    )
    abstract_curated = models.BooleanField(
        default=False, help_text="A curator chose the abstract: imports never change it."
    )

    class Meta(MergeableRecord.Meta):
        ordering = ["title_key", "slug"]
        indexes = [
            *MergeableRecord.Meta.indexes,
            # Paper lists: live papers in order, read a page at a time from the index.
            models.Index(
                fields=["title_key", "slug"],
                condition=Q(merged_into__isnull=True),
                name="paper_live_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"[abstract only] {self.abstract[:60]}"

    def get_absolute_url(self) -> str:
        return slug_url("catalog:paper-detail", self.slug)

    @property
    def is_abstract_only(self) -> bool:
        return not self.title


class PaperKey(models.Model):
    """A normalized title or abstract a paper answers to: the importer's matching index.

    One row per key and paper, however many pages repeat it, so matching an
    entry costs the same for a paper on two pages and one on two thousand.
    """

    class Kind(models.TextChoices):
        TITLE = "t", "title"
        ABSTRACT = "a", "abstract"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="match_keys")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.CharField(max_length=32, help_text="Digest of the folded title or abstract.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "paper"], name="paper_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key}"


class PaperSlugAlias(models.Model):
    """A slug a paper answered to before (say, before it gained a title)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="slug_aliases")
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        verbose_name_plural = "paper slug aliases"

    def __str__(self) -> str:
        return self.slug


class Appearance(models.Model):
    """A paper listed under a venue; derived from the entries that name the venue."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="appearances")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="appearances")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "venue"], name="appearance_unique")]

    def __str__(self) -> str:
        return f"{self.paper} @ {self.venue}"


class SourcePage(models.Model):
    """One imported page file. Its source name is its identity across re-imports."""

    class Kind(models.TextChoices):
        NAMED = "named", "named"
        ANONYMOUS = "anonymous", "anonymous"

    source = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(
        max_length=300, help_text="The author line of a named page; the label of an anonymous one."
    )
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    raw_text = models.TextField()
    author = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
        help_text="Who the page belongs to; empty while an anonymous page waits for a curator.",
    )
    assigned_by = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["source"]
        indexes = [models.Index(fields=["kind", "author"], name="page_kind_author_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=True, assigned_by="")
                | Q(author__isnull=False) & ~Q(assigned_by=""),
                name="page_assignment_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return self.source

    @property
    def is_assigned(self) -> bool:
        return self.author_id is not None


# An authorship whose paper and author are both not merged away: a filter, or a
# value the database computes per row (``annotate(live=LIVE_AUTHORSHIP)``).
LIVE_AUTHORSHIP = Q(author__merged_into__isnull=True, paper__merged_into__isnull=True)


class AuthorshipQuerySet(models.QuerySet):
    def live(self) -> AuthorshipQuerySet:
        """Authorships whose paper and author are both not merged away."""
        return self.filter(LIVE_AUTHORSHIP)


class Authorship(models.Model):
    """Paper x author. The entries pointing here are its provenance."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices)
    curated = models.BooleanField(
        default=False, help_text="A curator's decision: no re-import or finder changes it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "author"], name="authorship_unique")
        ]
        indexes = [models.Index(fields=["author", "paper"], name="authorship_author_paper_idx")]

    def __str__(self) -> str:
        return f"{self.author} - {self.paper}"


class SourceEntry(models.Model):
    """One entry of a page, in page order, as written: the provenance of everything."""

    # No index of its own: the (page, position) unique index starts with it.
    page = models.ForeignKey(
        SourcePage, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    position = models.PositiveIntegerField(help_text="1-based order on the page.")
    line = models.PositiveIntegerField(help_text="Line of the entry in the page file.")
    title = models.CharField(max_length=1000, blank=True)
    venue_name = models.CharField(max_length=300, blank=True)
    abstract = models.TextField(blank=True)
    # Matching goes through PaperKey; these record what the entry said, unindexed.
    title_key = models.CharField(max_length=1000, blank=True)
    abstract_key = models.CharField(max_length=32, blank=True)
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="entries")
    authorship = models.ForeignKey(
        Authorship,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        help_text="The authorship this entry claims; empty on an unassigned anonymous page.",
    )

    class Meta:
        ordering = ["page", "position"]
        verbose_name_plural = "source entries"
        constraints = [
            models.UniqueConstraint(fields=["page", "position"], name="entry_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.page.source}:{self.line}"


# Readers' reports and the change feed: their own module, imported here so that
# Django finds them (``catalog.models.ReaderReport`` works as any model name).
from .activity import ChangeEvent, ReaderReport  # noqa: E402,F401
