"""Once a visit is submitted its evidence — captions, kinds, items, hashes, new photos, new signatures — changes
only through a return. Every write path refuses with the same DomainError (409 `evidence_locked`, Thai or
English): the visit PUT's manifest, the evidence PUT, the sync batch's manifests, the signature PUT, and the
admin (read-only). A retry of what was already sent still answers as before, and bytes that a listed photo
still lacks are still accepted when they match the listed hash (the tablet sends them after the visit)."""

import hashlib
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.api.conftest import visit_body
from visits.models import Evidence, Signature, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(color=(10, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="PNG")
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Submitted:
    """A visit bob recorded with two photos and one signature, submitted; then the server lost the second
    photo's bytes (restored from a backup taken before they arrived), so it is listed but not held."""

    def __init__(self, client, field):
        self.client, self.field = client, field
        self.vid, self.sent, self.unsent, self.sig = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        self.sent_bytes, self.unsent_bytes = png((200, 30, 30)), png((30, 200, 30))
        self.manifest = [
            {
                "id": str(self.sent),
                "sha256": sha(self.sent_bytes),
                "size": len(self.sent_bytes),
                "caption": "ห้องสมุด",
                "item": field.items["Y1"].pk,  # the item that needs a photo
            },
            {"id": str(self.unsent), "sha256": sha(self.unsent_bytes), "size": len(self.unsent_bytes)},
        ]
        r = client.put(f"/api/v1/visits/{self.vid}/", visit_body(field, evidence=self.manifest), format="json")
        assert r.status_code == 201, r.json()
        assert self.upload(self.sent, self.sent_bytes).status_code == 201
        assert self.upload(self.unsent, self.unsent_bytes).status_code == 201  # a visit is submitted with its files
        assert self.sign(self.sig, png((0, 0, 0))).status_code == 201
        r = client.post(f"/api/v1/visits/{self.vid}/transitions/", {"to": "submitted"}, format="json")
        assert r.status_code == 200, r.json()
        self.version = r.json()["version"]
        lost = Evidence.objects.get(pk=self.unsent)
        lost.file.delete(save=False)
        Evidence.objects.filter(pk=self.unsent).update(file="", uploaded_at=None)

    def upload(self, ev, data, **extra):
        return self.client.put(
            f"/api/v1/visits/{self.vid}/evidence/{ev}/",
            {"file": SimpleUploadedFile("photo.png", data), "sha256": sha(data), **extra},
            format="multipart",
        )

    def sign(self, sid, image, **headers):
        return self.client.put(
            f"/api/v1/visits/{self.vid}/signatures/{sid}/",
            {
                "file": SimpleUploadedFile("s.png", image),
                "sha256": sha(image),
                "role": "school_director",
                "signer_name": "ดารา",
            },
            format="multipart",
            **headers,
        )

    def put_manifest(self, manifest, **headers):
        return self.client.put(
            f"/api/v1/visits/{self.vid}/", visit_body(self.field, evidence=manifest), format="json", **headers
        )

    def evidence(self):
        return sorted(Evidence.objects.filter(visit_id=self.vid).values_list("id", "caption", "kind", "sha256", "size"))


@pytest.fixture
def submitted(actors, field, client_for):
    return Submitted(client_for(actors.bob), field)


def _locked(response, lang="th"):
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "evidence_locked"
    expected = "returned" if lang == "en" else "ส่งกลับ"
    assert expected in body["detail"], body
    return body


def test_visit_put_cannot_recaption_rekind_or_rehash_evidence_after_submission(submitted):
    before = submitted.evidence()
    recaption = [dict(submitted.manifest[0], caption="ภาพอื่น"), submitted.manifest[1]]
    _locked(submitted.put_manifest(recaption))
    _locked(submitted.put_manifest([dict(submitted.manifest[0], kind="document"), submitted.manifest[1]]), "th")
    other = png((1, 2, 3))
    rehash = [submitted.manifest[0], dict(submitted.manifest[1], sha256=sha(other), size=len(other))]
    _locked(submitted.put_manifest(rehash, HTTP_ACCEPT_LANGUAGE="en"), "en")
    new_photo = [*submitted.manifest, {"id": str(uuid.uuid4()), "sha256": sha(other), "size": len(other)}]
    _locked(submitted.put_manifest(new_photo))
    assert submitted.evidence() == before
    assert Visit.objects.get(pk=submitted.vid).version == submitted.version

    # the tablet retrying its last PUT (same manifest) still gets the stored visit back
    assert submitted.put_manifest(submitted.manifest).status_code == 200


def test_evidence_put_after_submission_only_delivers_the_listed_bytes(submitted):
    other = png((1, 2, 3))
    refused = submitted.upload(submitted.unsent, other)  # other bytes for the listed photo: the hash is the list's
    assert refused.status_code == 400 and refused.json()["code"] == "evidence_hash_mismatch"
    _locked(submitted.upload(uuid.uuid4(), other))  # a photo the visit never listed
    assert submitted.upload(submitted.unsent, submitted.unsent_bytes).status_code == 201  # the listed bytes: kept
    assert submitted.upload(submitted.sent, submitted.sent_bytes).status_code == 200  # a retry: unchanged
    ev = Evidence.objects.get(pk=submitted.unsent)
    assert ev.sha256 == sha(submitted.unsent_bytes) and ev.file.read() == submitted.unsent_bytes
    assert Evidence.objects.filter(visit_id=submitted.vid).count() == 2


def test_sync_manifests_cannot_change_evidence_after_submission(submitted):
    before = submitted.evidence()
    entries = [
        {"visit": str(submitted.vid), **submitted.manifest[0], "caption": "แก้คำบรรยาย"},
        {"visit": str(submitted.vid), **submitted.manifest[1], "kind": "document"},
        {"visit": str(submitted.vid), **submitted.manifest[0]},  # the same again: answered as before
    ]
    r = submitted.client.post("/api/v1/sync/", {"evidence": entries}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200, r.json()
    answers = r.json()["evidence"]
    assert [a["status"] for a in answers] == [409, 409, 200]
    assert [a["error"]["code"] for a in answers[:2]] == ["evidence_locked", "evidence_locked"]
    assert "returned" in answers[0]["error"]["detail"]
    assert submitted.evidence() == before


def test_no_new_signature_after_submission_but_a_retry_answers_as_before(submitted):
    _locked(submitted.sign(uuid.uuid4(), png((9, 9, 9))))
    assert submitted.sign(submitted.sig, png((0, 0, 0))).status_code == 200  # the one signed before: a retry
    assert Signature.objects.filter(visit_id=submitted.vid).count() == 1


def test_the_admin_shows_evidence_read_only(submitted, actors):
    """The visit's admin page lists evidence without inputs, and a forged inline POST changes nothing."""
    web = Client()
    web.force_login(actors.cora.user)
    url = f"/admin/visits/visit/{submitted.vid}/change/"
    page = web.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ห้องสมุด" in html and 'name="evidence_set-0-caption"' not in html
    before = submitted.evidence()
    web.post(
        url,
        {
            "evidence_set-TOTAL_FORMS": "1",
            "evidence_set-INITIAL_FORMS": "1",
            "evidence_set-0-id": str(submitted.sent),
            "evidence_set-0-caption": "แก้ผ่านหน้าผู้ดูแล",
            "evidence_set-0-kind": "document",
        },
    )
    assert submitted.evidence() == before


def test_after_a_return_the_evidence_can_change_again(submitted, actors, client_for):
    chair = client_for(actors.alice)
    r = chair.post(
        f"/api/v1/visits/{submitted.vid}/transitions/", {"to": "returned", "comment": "ขอภาพเพิ่ม"}, format="json"
    )
    assert r.status_code == 200, r.json()
    recaption = [dict(submitted.manifest[0], caption="ห้องสมุดหลังปรับปรุง"), submitted.manifest[1]]
    assert submitted.put_manifest(recaption).status_code == 200
    assert Evidence.objects.get(pk=submitted.sent).caption == "ห้องสมุดหลังปรับปรุง"
    assert submitted.sign(uuid.uuid4(), png((9, 9, 9))).status_code == 201
