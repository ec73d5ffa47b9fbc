"""Evidence files: content decides the type, size and hash are enforced, photos come out upright."""

import hashlib
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from visits import services
from visits.errors import EvidenceHashMismatch, EvidenceTooLarge, EvidenceTypeRejected, Forbidden, NotFound
from visits.evidence import evidence_store
from visits.models import Evidence

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(fmt="PNG", size=(40, 20), exif=None) -> bytes:
    buf = io.BytesIO()
    params = {"exif": exif.tobytes()} if exif is not None else {}
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt, **params)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def visit(make_visit):
    return make_visit(complete=False)


def declare(actors, visit, data, kind="photo", **kw):
    ev, _ = services.evidence_declare(
        visit_id=visit.pk,
        user=actors.bob.user,
        evidence_id=uuid.uuid4(),
        sha256=sha(data),
        size=len(data),
        kind=kind,
        **kw,
    )
    return ev


def test_photo_is_stored_with_thumbnail_and_type_from_content(actors, visit):
    data = image_bytes("PNG", (800, 400))
    ev = declare(actors, visit, data, item="Y1", caption="แผนการสอน")
    stored = evidence_store(
        evidence_id=ev.pk, user=actors.bob.user, upload=data, sha256=sha(data), original_name="IMG_0001.png"
    )
    assert stored.content_type == "image/png" and stored.file.name.endswith(".png") and stored.uploaded_at
    assert (stored.width, stored.height) == (800, 400)
    with Image.open(stored.thumbnail.path) as thumb:
        assert max(thumb.size) == 320 and thumb.format == "JPEG"


def test_png_named_pdf_is_refused(actors, visit):
    data = image_bytes("PNG")
    ev = declare(actors, visit, data, kind="document")
    with pytest.raises(EvidenceTypeRejected) as info:
        evidence_store(
            evidence_id=ev.pk,
            user=actors.bob.user,
            upload=SimpleUploadedFile("report.pdf", data, content_type="application/pdf"),
        )
    assert info.value.http_status == 415 and ".pdf" in info.value.message_en
    assert not Evidence.objects.get(pk=ev.pk).is_uploaded


def test_text_named_jpg_is_refused(actors, visit):
    data = b"this is not a photo at all"
    ev = declare(actors, visit, data)
    with pytest.raises(EvidenceTypeRejected):
        evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data, original_name="photo.jpg")


def test_pdf_document_accepted_but_not_as_a_photo(actors, visit):
    doc = declare(actors, visit, PDF_BYTES, kind="document")
    stored = evidence_store(evidence_id=doc.pk, user=actors.bob.user, upload=PDF_BYTES, original_name="plan.pdf")
    assert stored.content_type == "application/pdf" and stored.file.read() == PDF_BYTES
    photo = declare(actors, visit, PDF_BYTES + b" ", kind="photo")
    with pytest.raises(EvidenceTypeRejected):
        evidence_store(evidence_id=photo.pk, user=actors.bob.user, upload=PDF_BYTES + b" ")


def test_webp_and_jpeg_accepted(actors, visit):
    for fmt, ctype in (("WEBP", "image/webp"), ("JPEG", "image/jpeg")):
        data = image_bytes(fmt)
        ev = declare(actors, visit, data)
        assert evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data).content_type == ctype


def test_oversized_refused_at_manifest_and_upload(actors, visit, settings):
    data = image_bytes("PNG", (300, 300))
    ev = declare(actors, visit, data)
    settings.EVIDENCE_MAX_BYTES = len(data) - 1
    with pytest.raises(EvidenceTooLarge) as info:
        evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=SimpleUploadedFile("a.png", data))
    assert info.value.http_status == 413
    with pytest.raises(EvidenceTooLarge):
        declare(actors, visit, data)


def test_wrong_hash_rejected_and_nothing_stored(actors, visit):
    data = image_bytes()
    ev = declare(actors, visit, data)
    other = image_bytes(size=(41, 20))
    with pytest.raises(EvidenceHashMismatch):
        evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=other)
    with pytest.raises(EvidenceHashMismatch):
        evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data, sha256="f" * 64)
    assert not Evidence.objects.get(pk=ev.pk).is_uploaded


def test_same_upload_twice_is_one_file(actors, visit):
    data = image_bytes()
    ev = declare(actors, visit, data)
    first = evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data)
    second = evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data)
    assert first.file.name == second.file.name and first.uploaded_at == second.uploaded_at


def test_exif_orientation_applied_and_time_gps_kept(actors, visit):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # camera held sideways: turn 90° clockwise to view
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2020:08:03 10:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (15.0, 13.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (104.0, 51.0, 0.0)
    data = image_bytes("JPEG", (40, 20), exif)
    ev = declare(actors, visit, data)
    stored = evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data)
    assert (stored.width, stored.height) == (20, 40)  # as seen upright
    # The original is kept byte for byte (its hash and size are the manifest's); the thumbnail is upright.
    with stored.file.open("rb") as fh:
        kept = fh.read()
    assert kept == data and stored.size == len(data) and sha(kept) == stored.sha256
    with Image.open(stored.thumbnail.path) as im:
        assert im.size == (20, 40)
    assert stored.exif_taken_at.isoformat() == "2020-08-03T10:15:00+07:00"
    assert stored.exif_lat == pytest.approx(15.225) and stored.exif_lon == pytest.approx(104.85)
    assert stored.sha256 == sha(data)  # the declared hash of what the tablet sent is kept


def test_only_the_visit_team_may_upload(actors, visit):
    data = image_bytes()
    ev = declare(actors, visit, data)
    with pytest.raises(NotFound):
        evidence_store(evidence_id=ev.pk, user=actors.charlie.user, upload=data)
    with pytest.raises(Forbidden):
        evidence_store(evidence_id=ev.pk, user=actors.oscar.user, upload=data)


def test_a_visit_is_submitted_only_once_its_listed_photos_arrived(actors, make_visit):
    from visits.errors import InvalidTransition
    from visits.workflow import visit_transition

    visit = make_visit()
    data = image_bytes()
    ev = declare(actors, visit, data, item="Y1")
    with pytest.raises(InvalidTransition) as refused:
        visit_transition(visit_id=visit.pk, to="submitted", user=actors.bob.user)
    assert refused.value.code == "files_missing"
    assert [m["id"] for m in refused.value.extra["missing_files"]] == [str(ev.pk)]
    visit.refresh_from_db()
    assert visit.status == "draft"
    assert evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data).is_uploaded
    assert visit_transition(visit_id=visit.pk, to="submitted", user=actors.bob.user).status == "submitted"


def test_a_decompression_bomb_is_refused_from_its_header(actors, visit, settings, monkeypatch):
    """A small PNG that declares 13,300 × 13,300 pixels: refused with 413 before a pixel is decoded."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    side = 13_300
    row = b"\x00" + b"\x00" * side  # filter byte + one greyscale row
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * side, 9))
        + chunk(b"IEND", b"")
    )
    assert len(bomb) < 1_000_000
    decoded = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda im: decoded.append(im.size) or real_load(im))
    ev = declare(actors, visit, bomb)
    with pytest.raises(EvidenceTooLarge) as info:
        evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=bomb)
    assert info.value.code == "evidence_too_many_pixels" and info.value.http_status == 413
    assert "13,300 × 13,300" in info.value.message_th and decoded == []
    ev.refresh_from_db()
    assert not ev.is_uploaded


def test_a_large_jpeg_thumbnail_is_decoded_at_reduced_scale(actors, visit, settings, monkeypatch):
    data = image_bytes("JPEG", (4000, 3000))
    from PIL.JpegImagePlugin import JpegImageFile

    scales = []
    real_draft = JpegImageFile.draft

    def spy(im, mode, size):
        result = real_draft(im, mode, size)
        scales.append(im.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    ev = declare(actors, visit, data)
    stored = evidence_store(evidence_id=ev.pk, user=actors.bob.user, upload=data)
    assert scales and max(scales[-1]) <= 1000  # JPEG draft: decoded at 1/4 or 1/8 scale, not 4000 × 3000
    assert (stored.width, stored.height) == (4000, 3000)
    with Image.open(stored.thumbnail.path) as im:
        assert max(im.size) == 320
