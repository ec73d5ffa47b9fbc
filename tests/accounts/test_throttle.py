"""The sign-in throttle: per account and address, forwarding headers from trusted proxies only, and sign-in
that keeps working when the cache (Redis) is down."""

import pytest
from django.test import Client, override_settings

from accounts.models import SignInFailure

PASSWORD = "pass-1234-word"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def attempt(client, username, password, addr="198.51.100.7", **headers):
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=addr, **headers)
    return response


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.mark.django_db
def test_after_n_failures_that_account_waits_at_that_address_even_with_the_right_password(actors, settings):
    for _ in range(settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS):
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in attempt(Client(), "alice", "guess").content.decode()
    refused = attempt(Client(), "alice", PASSWORD)
    assert not signed_in(refused) and "กรุณารอ" in refused.content.decode()


@pytest.mark.django_db
def test_an_attacker_cannot_lock_the_user_out_from_elsewhere(actors, settings):
    for _ in range(settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS * 3):
        attempt(Client(), "alice", "guess", addr="203.0.113.66")
    assert signed_in(attempt(Client(), "alice", PASSWORD, addr="198.51.100.7"))


@pytest.mark.django_db
def test_colleagues_behind_one_nat_address_are_not_locked_out_by_a_neighbour(actors, settings):
    settings.SIGNIN_THROTTLE_PER_ADDRESS = 8
    office_nat = "192.0.2.10"
    for name in ["alice", "charlie", "ghost1", "ghost2", "ghost3", "ghost4", "ghost5", "ghost6", "ghost7"]:
        attempt(Client(), name, "guess", addr=office_nat)  # a neighbour mistyping, or guessing many accounts
    assert SignInFailure.objects.filter(address=office_nat).count() == 9  # the address is now "hot"
    assert signed_in(attempt(Client(), "bob", PASSWORD, addr=office_nat))  # never failed here: signs in
    # on a hot address an account that already failed there gets no second guess this window
    assert not signed_in(attempt(Client(), "charlie", PASSWORD, addr=office_nat))


@pytest.mark.django_db
def test_a_success_clears_that_accounts_failures(actors, settings):
    for _ in range(settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS - 1):
        attempt(Client(), "alice", "guess")
    assert signed_in(attempt(Client(), "alice", PASSWORD))
    assert not SignInFailure.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_x_forwarded_for_is_ignored_unless_a_trusted_proxy_sent_it(actors, settings):
    limit = settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS
    # Rotating the header from an untrusted client changes nothing: the count is on REMOTE_ADDR.
    for i in range(limit):
        attempt(Client(), "alice", "guess", addr="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert not signed_in(attempt(Client(), "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.200"))
    assert set(SignInFailure.objects.values_list("address", flat=True)) == {"198.51.100.7"}
    # Behind our proxy, the client's address is the entry the proxy appended.
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]
    for _ in range(limit):
        attempt(Client(), "bob", "guess", addr="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.1.9.9")
    bobs = SignInFailure.objects.filter(username="bob")
    assert set(bobs.values_list("address", flat=True)) == {"203.0.113.9"}
    assert not signed_in(attempt(Client(), "bob", PASSWORD, addr="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9"))
    assert signed_in(attempt(Client(), "bob", PASSWORD, addr="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.10"))


@pytest.mark.django_db
def test_the_token_endpoint_shares_the_throttle(actors, api_client, settings):
    for _ in range(settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS):
        attempt(Client(), "alice", "guess", addr="127.0.0.1")  # failures on the web page count for the API
    refused = api_client.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "sign_in_throttled"


BROKEN_CACHE = {"default": {"BACKEND": "tests.accounts.broken_cache.BrokenCache"}}


@pytest.mark.django_db
def test_sign_in_and_token_sign_in_work_when_the_cache_is_down(actors, api_client):
    with override_settings(CACHES=BROKEN_CACHE):
        from django.core.cache import cache

        with pytest.raises(ConnectionError):
            cache.get("anything")  # the cache really is down
        assert signed_in(attempt(Client(), "alice", PASSWORD))
        assert not signed_in(attempt(Client(), "alice", "guess"))
        response = api_client.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
        assert response.status_code == 200 and response.json()["token"]
