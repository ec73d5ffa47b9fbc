import pytest
from rest_framework.authtoken.models import Token

from tests import factories as f

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_it_gives_a_token_for_good_credentials_and_the_token_works(actors, api_client):
    response = api_client.post(TOKEN_URL, {"username": "alice", "password": "pass-1234-word"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=actors.alice.user).key

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_it_refuses_a_wrong_password_in_thai_by_default_and_in_english_on_request(actors, api_client):
    bad = {"username": "alice", "password": "nope"}
    thai = api_client.post(TOKEN_URL, bad, format="json")
    assert thai.status_code == 400
    assert thai.json()["errors"]["non_field_errors"] == ["ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"]

    english = api_client.post(TOKEN_URL, bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["errors"]["non_field_errors"] == ["Wrong username or password."]
    assert not Token.objects.exists()


def test_it_names_missing_fields_in_the_request_language(api_client, db):
    thai = api_client.post(TOKEN_URL, {}, format="json")
    assert thai.json()["errors"]["username"] == ["ฟิลด์นี้จำเป็น"]
    english = api_client.post(TOKEN_URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"]["password"] == ["This field is required."]


def test_it_throttles_repeated_login_attempts(actors, api_client, settings):
    """Per account and address (accounts.throttle): the guessing address waits, another address signs in."""
    for _ in range(settings.SIGNIN_THROTTLE_PER_ACCOUNT_ADDRESS):
        assert api_client.post(TOKEN_URL, {"username": "alice", "password": "guess"}, format="json").status_code == 400
    blocked = api_client.post(TOKEN_URL, {"username": "alice", "password": "pass-1234-word"}, format="json")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    elsewhere = api_client.post(
        TOKEN_URL, {"username": "alice", "password": "pass-1234-word"}, format="json", REMOTE_ADDR="10.9.8.7"
    )
    assert elsewhere.status_code == 200 and elsewhere.json()["token"]


def test_me_lists_roles_office_and_committees(actors, client_for):
    body = client_for(actors.alice).get("/api/v1/me/").json()
    assert body["roles"] == ["supervisor"]
    assert body["office"]["code"] == "SEC29"
    assert body["committees"] == [
        {"id": actors.committee_a.pk, "kind": "internal", "number": 1, "name": "คณะนิเทศที่ 1", "role": "chair"}
    ]
    dana = client_for(actors.dana).get("/api/v1/me/").json()
    assert dana["school_id"] == actors.school_a.pk
    assert dana["roles"] == ["school_director"]


def test_anonymous_and_person_less_users_get_nothing(actors, api_client):
    assert api_client.get("/api/v1/me/").status_code == 401
    stranger = f.UserFactory(username="stranger")
    api_client.force_authenticate(stranger)
    assert api_client.get("/api/v1/me/").status_code == 403
    assert api_client.get("/api/v1/schools/").status_code == 403


def test_a_bad_token_is_401_and_the_person_comes_with_the_token(actors, api_client, django_assert_num_queries):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response.json()["detail"] == "Invalid token."

    token = api_client.post(TOKEN_URL, {"username": "bob", "password": "pass-1234-word"}, format="json").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    with django_assert_num_queries(3):  # token + user + person in one; roles; committees
        body = api_client.get("/api/v1/me/").json()
    assert body["person_id"] == actors.bob.pk
