"""Field messages reach API clients the one way: each is written in Thai and English (a `gettext` msgid or a
`supervision.errors.Said` with its values filled in) and read in the request's language — Thai by default,
English when asked for — never one "ไทย / English" string split apart again."""

from rest_framework.test import APIClient

from supervision.errors import InvalidInput, Said


def test_said_reads_in_the_active_language():
    from django.utils import translation

    message = Said("ไม่มีข้อ 7 ในแบบนิเทศนี้", "no item 7 in this instrument")
    with translation.override("th"):
        assert str(message) == "ไม่มีข้อ 7 ในแบบนิเทศนี้"
    with translation.override("en"):
        assert str(message) == "no item 7 in this instrument"
    error = InvalidInput(fields={"answers[0].item": [message]})
    with translation.override("en"):
        assert error.as_dict()["fields"] == {"answers[0].item": ["no item 7 in this instrument"]}


def test_an_api_field_error_is_thai_or_english_by_accept_language(actors):
    client = APIClient()
    client.force_authenticate(actors.alice.user)
    url = "/api/v1/visits/?ordering=nonsense"
    thai = client.get(url, HTTP_ACCEPT_LANGUAGE="th").json()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert thai["errors"]["ordering"][0].startswith("เรียงตาม nonsense ไม่ได้")
    assert english["errors"]["ordering"][0].startswith("cannot order by nonsense")
    assert " / " not in thai["errors"]["ordering"][0] and " / " not in english["errors"]["ordering"][0]
