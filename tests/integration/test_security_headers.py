"""Security headers on a public page, the API and a curation page (CSP with exact
directives, HSTS when enabled, frame, content-type and referrer policies), and HTML
that needs no inline script or style: the site's pages, the admin, the browsable
API, and the API docs (whose one inline script carries the request's CSP nonce)."""

import re

import pytest

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
PAGES = ["/", "/api/venues/", "/curation/"]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def _directives(policy: str) -> dict[str, str]:
    """The policy's directives (django-csp writes them in no fixed order)."""
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def _headers(response) -> dict:
    names = [
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ]
    headers = {name: response.headers.get(name) for name in names}
    return {**headers, "Content-Security-Policy": _directives(headers["Content-Security-Policy"])}


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_public_api_and_curation_pages(curator_client, imported_seeds, url):
    response = curator_client.get(url, secure=True)

    assert (response.status_code, _headers(response)) == (
        200,
        {
            "Content-Security-Policy": CSP,
            "Strict-Transport-Security": None,  # HSTS_SECONDS unset
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_send_hsts_when_enabled(curator_client, imported_seeds, settings, url):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    over_https = curator_client.get(url, secure=True)
    over_http = curator_client.get(url)

    assert (
        over_https.headers.get("Strict-Transport-Security"),
        over_http.headers.get("Strict-Transport-Security"),
    ) == ("max-age=31536000; includeSubDomains; preload", None)


def test_security_headers_ssl_redirect_trusts_the_declared_proxy_header(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get("/healthz")
    proxied = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")

    assert (plain.status_code, plain["Location"], proxied.status_code) == (
        301,
        "https://testserver/healthz",
        200,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/authors/",
        "/authors/sutskever-ilya/",
        "/search/?q=learning",
        "/accounts/login/",
        "/curation/",
        "/curation/history/",
        "/admin/",
        "/admin/catalog/author/",
        "/admin/curation/curationaction/",
        "/admin/login/",
    ],
)
def test_security_headers_pages_need_no_inline_script_or_style(
    client, imported_seeds, django_user_model, url
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 12)
    if "login" not in url:
        client.force_login(admin)

    response = client.get(url, follow=True)

    assert (response.status_code, INLINE.findall(response.content.decode())) == (200, [])


def test_security_headers_browsable_api_has_no_inline_style_block(client, imported_seeds):
    response = client.get("/api/venues/", HTTP_ACCEPT="text/html")

    body = response.content.decode()
    assert (response.status_code, "<style" in body, "css/api-browsable.css" in body) == (
        200,
        False,
        True,
    )


def test_security_headers_api_docs_inline_script_carries_the_nonce(client, db):
    response = client.get("/api/docs/")

    body = response.content.decode()
    script_src = _directives(response["Content-Security-Policy"])["script-src"]
    nonce = re.fullmatch(r"'self' 'nonce-([^']+)'", script_src)
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert (response.status_code, "<style" in body) == (200, False)
    assert inline == [f'<script nonce="{nonce.group(1)}">']
