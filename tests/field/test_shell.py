"""The field app's shell and catalogue: every Thai string of the JavaScript is in Django's catalogue with its
English, and the shell hands the active language's translations to the app."""

import json
import re
from pathlib import Path

import polib
import pytest

from field.strings import MESSAGES, msgids_in_js

pytestmark = pytest.mark.django_db
PO = Path(__file__).resolve().parents[2] / "field" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_string_list_matches_the_javascript():
    assert msgids_in_js() == list(MESSAGES), "run `make field-strings`"


def test_every_string_has_its_english():
    english = {e.msgid: e.msgstr for e in polib.pofile(str(PO))}
    missing = [m for m in MESSAGES if not english.get(m)]
    assert missing == []


def _catalogue(html: str) -> dict:
    return json.loads(re.search(r'<script id="field-catalogue" type="application/json">(.*?)</script>', html, re.S)[1])


def test_the_shell_carries_the_catalogue_in_the_active_language(actors, client):
    client.force_login(actors.bob.user)
    thai = client.get("/field/")
    assert thai.status_code == 200 and thai["Cache-Control"] == "no-cache"
    assert _catalogue(thai.content.decode())["ส่งตอนนี้"] == "ส่งตอนนี้"
    assert "csrftoken" in thai.cookies  # the outbox's writes need it after an offline restart
    client.cookies["django_language"] = "en"
    english = client.get("/field/", HTTP_ACCEPT_LANGUAGE="en")
    assert _catalogue(english.content.decode())["ส่งตอนนี้"] == "Send now"


def test_signed_out_the_shell_sends_to_sign_in(client):
    assert client.get("/field/").status_code == 302
