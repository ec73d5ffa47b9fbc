"""The admin pages coordinators use: instrument import, frozen published versions, scoped visit lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.visits.test_instruments import GOOD, HEADER, as_csv
from visits.models import FollowUp, InstrumentVersion


@pytest.fixture
def cora_client(actors):
    client = Client()
    client.force_login(actors.cora.user)
    return client


def test_import_page_reports_rows_then_imports(cora_client):
    bad = as_csv([HEADER, ["ด้าน", "", "1.1", "rating", "ข้อ", "a|b", "", "", ""]])
    r = cora_client.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.csv", bad), "name": "แบบ", "code": "adm", "kind": "supervision"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    # The problem reads in the page's language (Thai here), not packed as "แถว 2 / row 2".
    assert "แถว 2, คอลัมน์" in page and "row 2" not in page and not InstrumentVersion.objects.exists()
    english = cora_client.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.csv", bad), "name": "แบบ", "code": "adm", "kind": "supervision"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "row 2, column" in english and "แถว 2" not in english
    r = cora_client.post(
        "/admin/visits/instrument/import/",
        {
            "file": SimpleUploadedFile("form.csv", as_csv(GOOD)),
            "name": "แบบ",
            "code": "adm",
            "kind": "supervision",
            "publish": "on",
        },
    )
    version = InstrumentVersion.objects.get(instrument__code="adm")
    assert r.status_code == 302 and version.is_published and version.items.count() == 4
    page = cora_client.get(f"/admin/visits/instrumentversion/{version.pk}/change/").content.decode()
    assert 'name="items-0-text"' not in page  # a published version's items are not editable
    export = cora_client.post(
        "/admin/visits/instrumentversion/", {"action": "export_xlsx", "_selected_action": [version.pk]}
    )
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_visit_list_is_scoped_and_read_only(actors, make_visit, cora_client):
    mine = make_visit()
    assert cora_client.get("/admin/visits/visit/").status_code == 200
    assert cora_client.get(f"/admin/visits/visit/{mine.pk}/change/").status_code == 200
    assert cora_client.get("/admin/visits/visit/add/").status_code == 403


def test_followup_verify_action(actors, cora_client):
    fu = FollowUp.objects.create(school=actors.school_a, recommendation="ควรพัฒนา", status="done")
    cora_client.post("/admin/visits/followup/", {"action": "mark_verified", "_selected_action": [fu.pk]})
    fu.refresh_from_db()
    assert fu.status == "verified" and fu.verified_by == actors.cora.user
