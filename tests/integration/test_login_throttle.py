"""Sign-in hardening: lockout after repeated failures on both sign-in pages (per user
name and address), the lockout page, the audit of failures in the admin, and the
password length rule."""

import io
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from config.signin import LOCKED_OUT
from curation.access import CURATORS_GROUP

PASSWORD = "right-password-1"
SIGN_IN_PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def carla(db):
    user = get_user_model().objects.create_user("carla", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])
    return user


def _sign_in(client, url: str, username: str, password: str, address: str = "10.0.0.1", **extra):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _fail(client, url: str, times: int, username: str = "carla", **extra) -> list[int]:
    return [
        _sign_in(client, url, username, "wrong-password", **extra).status_code for _ in range(times)
    ]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_login_five_failures_lock_out_even_the_right_password(client, carla, url):
    failures = _fail(client, url, 5)

    response = _sign_in(client, url, "carla", PASSWORD)

    assert (failures, response.status_code, _signed_in(client)) == (
        [200, 200, 200, 200, 429],
        429,
        False,
    )


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_login_lockout_page_says_why_and_for_how_long(client, carla, url):
    _fail(client, url, 5)

    response = _sign_in(client, url, "carla", PASSWORD)

    assert (response.status_code, LOCKED_OUT.format(minutes=15) in response.content.decode()) == (
        429,
        True,
    )
    assert '<form method="post" action="/accounts/login/"' in response.content.decode()


def test_login_four_failures_then_the_right_password_signs_in(client, carla):
    failures = _fail(client, "/accounts/login/", 4)

    response = _sign_in(client, "/accounts/login/", "carla", PASSWORD)

    assert (failures, response.status_code, _signed_in(client)) == ([200] * 4, 302, True)


def test_login_lockout_leaves_other_addresses_and_users_alone(client, carla, django_user_model):
    django_user_model.objects.create_user("rita", password="rita-password-1")
    _fail(client, "/accounts/login/", 5)

    same_user_elsewhere = _sign_in(client, "/accounts/login/", "carla", PASSWORD, "10.0.0.2")
    client.logout()
    other_user_same_address = _sign_in(client, "/accounts/login/", "rita", "rita-password-1")

    assert (same_user_elsewhere.status_code, other_user_same_address.status_code) == (302, 302)


def test_login_lockout_is_not_escaped_by_a_forged_forwarded_for(client, carla):
    _fail(client, "/accounts/login/", 5)

    response = _sign_in(
        client, "/accounts/login/", "carla", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77"
    )

    assert (response.status_code, _signed_in(client)) == (429, False)


def test_login_lockout_counts_the_forwarded_address_behind_a_declared_proxy(
    client, carla, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    _fail(client, "/accounts/login/", 5, HTTP_X_FORWARDED_FOR="192.0.2.77")

    other_client = _sign_in(
        client, "/accounts/login/", "carla", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.78"
    )
    client.logout()
    locked_client = _sign_in(
        client, "/accounts/login/", "carla", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77"
    )

    assert (other_client.status_code, locked_client.status_code) == (302, 429)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.77"}


@override_settings(AXES_FAILURE_LIMIT=2)
def test_login_failure_limit_comes_from_the_settings(client, carla):
    assert _fail(client, "/accounts/login/", 2) == [200, 429]


def test_login_failures_are_kept_and_shown_read_only_in_the_admin(client, carla, django_user_model):
    _fail(client, "/accounts/login/", 3)
    _fail(client, "/admin/login/", 2)
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 12)
    client.force_login(admin)

    failures = client.get("/admin/axes/accessfailurelog/")
    attempts = client.get("/admin/axes/accessattempt/")
    add = client.get("/admin/axes/accessfailurelog/add/")

    assert sorted(AccessFailureLog.objects.values_list("username", "path_info")) == [
        ("carla", "/accounts/login/"),
        ("carla", "/accounts/login/"),
        ("carla", "/accounts/login/"),
        ("carla", "/admin/login/"),
        ("carla", "/admin/login/"),
    ]
    assert (failures.status_code, attempts.status_code, add.status_code) == (200, 200, 403)
    assert "carla" in failures.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_password_validation_refuses_11_characters_and_accepts_12(carla):
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("kq7-vbn2-xz", carla)

    password_validation.validate_password("kq7-vbn2-xzw", carla)  # no error
    assert [e.code for e in refused.value.error_list] == ["password_too_short"]


def test_password_demo_curator_gets_a_password_that_passes_validation(db):
    out = io.StringIO()

    call_command("demo_curator", "--username", "demo", stdout=out)

    password = re.search(r"with password: (\S+)", out.getvalue()).group(1)
    user = get_user_model().objects.get(username="demo")
    password_validation.validate_password(password, user)  # no error
    assert (len(password) >= 12, user.check_password(password)) == (True, True)
