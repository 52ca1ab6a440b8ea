"""Read-only JSON API under ``/api/``: viewsets over the selectors (nothing here writes).

Two ways to page through a list:

- ``/api/<things>/``: page-number pagination (``?page=``, ``?page_size=`` from 1 to
  200, default 50) with a ``count``; for browsing and search results. Deep pages
  cost an OFFSET scan.
- ``/api/stream/<things>/``: cursor pagination over the row id (``?cursor=`` from
  ``next``, ``?page_size=`` up to 500): every page costs one indexed range scan
  however deep, and rows added meanwhile never shift the pages. For exporting the
  whole catalogue. Filters apply; ``ordering=`` does not (always id order).

A detail embeds at most ``EMBEDDED`` (20) items of each list that grows with the
catalogue (an author's papers and co-authors, a paper's authors and entries, a
page's entries), with the list's count and the address of the whole list:
``/api/authors/<slug>/papers/``, ``.../coauthors/``, ``/api/papers/<slug>/authors/``,
``.../entries/``, ``/api/pages/<source>/entries/``, paginated like the lists.

Merged authors and papers, and their old slugs, answer 301 to the survivor (their
sub-lists too). Slugs are matched by shape in the URL, so a malformed one (a dot, a
NUL byte) is a plain 404 before any query.

Modules (each imports only from those above it; no cycles):

- ``pagination``: page-number and id-cursor pagination, with page-size checks.
- ``schema``: OpenAPI helpers: shared error responses, the list/detail/sub-list
  ``extend_schema`` builders, and ``ApiSchema`` (``allowEmptyValue`` on optional
  query parameters).
- ``viewsets``: the base viewset, the merged-record 301 mixin, the ``sublist``
  action decorator and the four viewsets (authors, papers, venues, pages).
- ``streams``: the cursor-paged list-only twins of the viewsets (``/api/stream/``).
- ``citing``: citations (CSL-JSON, BibTeX, RIS) of a paper or an author's papers.
- ``changes``: the change feed (``/api/changes/?after=``), for mirrors.
- ``urls``: the router and URL patterns (namespace ``api``), schema and docs views,
  and the JSON 404 for any other address; included by ``config/urls.py``.

Filters live in ``catalog.filters`` and serializers in ``catalog.serializers``.
"""
