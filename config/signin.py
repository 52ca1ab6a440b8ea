"""Sign-in hardening that django-axes calls back into: the client's address (the same
rule as the API's throttles, ``NUM_PROXIES``) and the lockout answer (our sign-in page
with a message, status 429) for both ``/accounts/login/`` and ``/admin/login/``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

LOCKED_OUT = (
    "Too many failed sign-ins for this user name from your address. "
    "Try again in {minutes} minutes, or ask an administrator to unlock the account."
)


def client_address(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``, or with ``NUM_PROXIES`` trusted proxies the address the
    outermost proxy saw (``X-Forwarded-For`` is ignored without proxies)."""
    return BaseThrottle().get_ident(request) or None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The sign-in page again, saying why and for how long (429 Too Many Requests)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": LOCKED_OUT.format(minutes=minutes),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "curation/login.html", context, status=429)
