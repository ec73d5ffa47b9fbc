"""Every text of a visit has a limit (visits/limits.py, the README's table): at the limit it is kept whole; one
character more is a 400 naming the field, in Thai by default and in English when asked, and nothing of the
visit changes — through the PUT and through the sync batch alike."""

import uuid

import pytest

from tests.api.conftest import visit_body
from visits import limits
from visits.models import Answer, Visit

pytestmark = pytest.mark.django_db

THAI = "ครูจัดกิจกรรมการเรียนรู้เชิงรุก "  # 32 characters, spaced Thai as a committee writes it


def text(n: int) -> str:
    return (THAI * (n // len(THAI) + 1))[: n - 1] + "ก"  # exactly n, no trailing space to strip


@pytest.fixture
def long_item(field):
    return field.items["T1"]  # the factories' instrument's long-text item


def _cases(field, long_item):
    """(field name in the error, body given a length)."""
    r1 = field.items["R1"].pk
    return [
        (
            "answers[3].value",
            limits.LONG_TEXT_MAX,
            lambda n: {"answers": [*_base(field), {"item": long_item.pk, "value": text(n)}]},
        ),
        ("answers[0].note", limits.NOTE_MAX, lambda n: {"answers": [{"item": r1, "value": 3, "note": text(n)}]}),
        ("findings.strengths", limits.FINDING_MAX, lambda n: {"findings": {"strengths": text(n)}}),
        ("findings.observation_notes", limits.FINDING_MAX, lambda n: {"findings": {"observation_notes": text(n)}}),
        (
            "findings.recommendations[0]",
            limits.RECOMMENDATION_MAX,
            lambda n: {"findings": {"recommendations": [text(n)]}},
        ),
        (
            "findings.recommendations",
            limits.RECOMMENDATIONS_MAX,
            lambda n: {"findings": {"recommendations": [f"ข้อเสนอแนะข้อ {i}" for i in range(n)]}},
        ),
        (
            "evidence[0].caption",
            limits.CAPTION_MAX,
            lambda n: {"evidence": [{"id": str(uuid.uuid4()), "sha256": "a" * 64, "size": 10, "caption": text(n)}]},
        ),
    ]


def _base(field):
    items = field.items
    return [
        {"item": items["R1"].pk, "value": 3},
        {"item": items["Y1"].pk, "value": True},
        {"item": items["R2"].pk, "value": 4},
    ]


def _field_error(body: dict, key: str) -> list[str]:
    """The messages under exactly the key a client reads: one spelling of a path, `[i]` for every list index
    (`answers[3].value` and `answers[0].note` alike; tests/api/test_error_paths.py walks many more)."""
    errors = body["errors"]
    assert key in errors, (key, errors)
    return errors[key]


CASES = ["long", "note", "strengths", "notes", "rec", "recs", "caption"]


@pytest.mark.parametrize("case", range(len(CASES)), ids=CASES)
def test_a_text_at_its_limit_is_kept_and_one_more_is_a_clear_400(actors, field, long_item, client_for, case):
    key, limit, make = _cases(field, long_item)[case]
    bob = client_for(actors.bob)
    vid = uuid.uuid4()
    created = bob.put(f"/api/v1/visits/{vid}/", visit_body(field), format="json")
    assert created.status_code == 201

    over = {**visit_body(field), **make(limit + 1)}
    th = bob.put(f"/api/v1/visits/{vid}/", over, format="json")
    assert th.status_code == 400, th.json()
    message = " ".join(_field_error(th.json(), key))
    assert any("\u0e00" <= c <= "\u0e7f" for c in message), message  # Thai by default
    en = bob.put(f"/api/v1/visits/{vid}/", over, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 400
    en_message = " ".join(_field_error(en.json(), key))
    # The limit as the message prints it: the long-text answer's own message groups thousands ("5,000"), DRF's
    # do not ("2000").
    printed = f"{limit:,}" if key == "answers[3].value" else str(limit)
    assert printed in en_message and "\u0e01" not in en_message, en_message
    assert Visit.objects.get(pk=vid).version == created.json()["version"]  # nothing changed

    synced = bob.post("/api/v1/sync/", {"visits": [{"id": str(vid), **over}]}, format="json")
    assert synced.status_code in (200, 400)
    item = synced.json()["visits"][0] if synced.status_code == 200 else synced.json()
    assert (item.get("status") or synced.status_code) == 400, item

    at = {**visit_body(field), **make(limit)}
    kept = bob.put(f"/api/v1/visits/{vid}/", at, format="json")
    assert kept.status_code == 200, kept.json()


def test_a_long_answer_at_the_limit_comes_back_whole(actors, field, long_item, client_for):
    bob = client_for(actors.bob)
    vid = uuid.uuid4()
    value = text(limits.LONG_TEXT_MAX)
    body = visit_body(field, answers=[*_base(field), {"item": long_item.pk, "value": value}])
    assert bob.put(f"/api/v1/visits/{vid}/", body, format="json").status_code == 201
    assert Answer.objects.get(visit_id=vid, item=long_item).value == value
    got = bob.get(f"/api/v1/visits/{vid}/").json()
    assert value in [a["value"] for a in got["answers"]]
