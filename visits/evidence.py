"""Evidence files: checked by their content (never the name or the client's content type), hashed,
described (EXIF time and GPS kept) and given an upright thumbnail.

The stored file is exactly the bytes the tablet sent, so its SHA-256 and size are the manifest's; what is
turned upright from EXIF is a derivative (the thumbnail; browsers turn the original by its EXIF themselves).
An image is measured from its header before anything is decoded: more than EVIDENCE_MAX_PIXELS is refused
(413), and the thumbnail is decoded at a reduced scale (JPEG draft mode, `reduce` for the others), never as
the full bitmap first.

The API calls `evidence_store()` for `PUT /visits/{id}/evidence/{evidence_id}/`; errors are typed so it
can answer 413 (EvidenceTooLarge), 415 (EvidenceTypeRejected) or 400 (EvidenceHashMismatch).
Photos may arrive after the visit was submitted: the manifest listed them, so storing the bytes is
allowed in any state. Storing the same bytes twice changes nothing.
"""

import datetime
import hashlib
import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import ExifTags, Image, UnidentifiedImageError

from visits import selectors
from visits.errors import (
    EvidenceHashMismatch,
    EvidenceTooLarge,
    EvidenceTooManyPixels,
    EvidenceTypeRejected,
    Forbidden,
    NotFound,
)
from visits.models import Evidence

IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
PDF = ("application/pdf", ".pdf")
THUMB_SIZE = (320, 320)


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    suffix: str
    is_image: bool


def too_large(size: int) -> EvidenceTooLarge:
    limit = settings.EVIDENCE_MAX_BYTES
    return EvidenceTooLarge(
        f"ไฟล์ใหญ่เกินกำหนด ({size:,} ไบต์ เกิน {limit:,} ไบต์)",
        f"file too large ({size:,} bytes, limit {limit:,})",
        max_bytes=limit,
        size=size,
    )


def sniff(data: bytes) -> Sniffed:
    """What the bytes really are: a PDF by its `%PDF-` magic, an image by Pillow actually decoding it."""
    if data[:5] == b"%PDF-":
        return Sniffed(*PDF, is_image=False)
    fmt = sniff_image(data)
    return Sniffed(*IMAGE_TYPES[fmt], is_image=True)


def sniff_image(data: bytes) -> str:
    """'JPEG' | 'PNG' | 'WEBP' if the bytes are such an image of an acceptable size, else EvidenceTypeRejected
    (or EvidenceTooManyPixels). Reads the header and checks the structure; decodes no pixels."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format
            check_pixels(im.size)
            im.verify()
        if fmt not in IMAGE_TYPES:
            raise EvidenceTypeRejected()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceTypeRejected() from None
    return fmt


def check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    limit = settings.EVIDENCE_MAX_PIXELS
    if width * height > limit:
        raise EvidenceTooManyPixels(
            f"ภาพมีขนาด {width:,} × {height:,} พิกเซล เกิน {limit:,} พิกเซล",
            f"the image is {width:,} × {height:,} pixels, more than {limit:,}",
            max_pixels=limit,
            width=width,
            height=height,
        )


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return num / den


def _gps_degrees(dms, ref) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    return -deg if ref in ("S", "W", b"S", b"W") else deg


def read_exif(im: Image.Image) -> tuple[datetime.datetime | None, float | None, float | None]:
    """(taken at, lat, lon) from EXIF; the time is the camera's local clock, taken as Asia/Bangkok."""
    exif = im.getexif()
    taken = None
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if raw:
        try:
            taken = timezone.make_aware(datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S"))
        except ValueError:
            taken = None
    lat = lon = None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps:
        if ExifTags.GPS.GPSLatitude in gps and ExifTags.GPS.GPSLongitude in gps:
            lat = _gps_degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
            lon = _gps_degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
        if (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
            lat = lon = None
    return taken, lat, lon


@dataclass
class ProcessedImage:
    thumbnail: bytes  # upright (EXIF orientation applied), at most THUMB_SIZE
    width: int  # as seen upright
    height: int
    taken_at: datetime.datetime | None
    lat: float | None
    lon: float | None


TURNED_SIDEWAYS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
T = Image.Transpose
UPRIGHT = {  # EXIF orientation → the turn that shows the picture upright (as ImageOps.exif_transpose does)
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_270,
    7: T.TRANSVERSE,
    8: T.ROTATE_90,
}


def process_image(data: bytes) -> ProcessedImage:
    """EXIF facts and an upright thumbnail, decoding only a reduced image (the size was checked by sniff)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            check_pixels(im.size)
            taken, lat, lon = read_exif(im)
            orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
            width, height = im.size
            if orientation in TURNED_SIDEWAYS:
                width, height = height, width
            im.thumbnail(THUMB_SIZE)  # JPEG: draft mode decodes at 1/2…1/8 scale; others: reduce() while decoding
            thumb = im.copy()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceTypeRejected() from None  # a truncated or damaged image: its pixels do not decode
    if orientation in UPRIGHT:
        thumb = thumb.transpose(UPRIGHT[orientation])
    if thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    tbuf = io.BytesIO()
    thumb.save(tbuf, format="JPEG", quality=80)
    return ProcessedImage(tbuf.getvalue(), width, height, taken, lat, lon)


EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def _claimed_type(filename: str) -> str | None:
    """The type a file's name claims; a name that disagrees with the content is refused (a PNG named .pdf)."""
    return EXTENSIONS.get(os.path.splitext(filename or "")[1].lower())


def _read(upload) -> bytes:
    """bytes, a file object or a Django UploadedFile → bytes, refusing early when the size says too large."""
    limit = settings.EVIDENCE_MAX_BYTES
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise too_large(size)
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data) if isinstance(upload, bytes | bytearray) else getattr(upload, "size", len(data)))
    return data


@transaction.atomic
def evidence_store(*, evidence_id, user, upload, sha256: str | None = None, original_name: str = "") -> Evidence:
    """Store the bytes of listed evidence. Checks, in order: visible (404) and writable (403) by the user,
    size (413), SHA-256 against the declared one and `sha256` if given (400), content type (415)."""
    ev = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("visit__school")
        .filter(pk=evidence_id, visit__in=selectors.visits_for_user(user))
        .first()
    )
    if ev is None:
        raise NotFound()
    if not selectors.can_edit_visit(user, ev.visit):
        raise Forbidden()
    original_name = os.path.basename(original_name or getattr(upload, "name", "") or "")
    data = _read(upload)
    if not data:
        raise EvidenceTypeRejected("ไฟล์ว่าง", "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    given = (sha256 or "").strip().lower()
    if given and given != digest:
        raise EvidenceHashMismatch(expected=given, actual=digest)
    if digest != ev.sha256:
        raise EvidenceHashMismatch(
            "ไฟล์ไม่ตรงกับค่า SHA-256 ที่แจ้งไว้ในรายการ",
            "the file does not match the SHA-256 listed in the manifest",
            expected=ev.sha256,
            actual=digest,
        )
    if ev.is_uploaded:
        return ev  # the same bytes again: nothing to do
    kind = sniff(data)
    if ev.kind == Evidence.Kind.PHOTO and not kind.is_image:
        raise EvidenceTypeRejected("หลักฐานประเภทภาพถ่ายต้องเป็น JPEG, PNG หรือ WebP", "a photo must be JPEG, PNG or WebP")
    claimed = _claimed_type(original_name or ev.original_name)
    if claimed and claimed != kind.content_type:
        ext = os.path.splitext(original_name or ev.original_name)[1]
        raise EvidenceTypeRejected(
            f"ชื่อไฟล์ระบุเป็น {ext} แต่เนื้อไฟล์เป็น {kind.content_type}",
            f"the name says {ext} but the content is {kind.content_type}",
        )
    name = f"{ev.id}{kind.suffix}"
    if kind.is_image:
        img = process_image(data)
        ev.file.save(name, ContentFile(data), save=False)  # the original bytes: hash and size as in the manifest
        ev.thumbnail.save(f"{ev.id}-thumb.jpg", ContentFile(img.thumbnail), save=False)
        ev.width, ev.height = img.width, img.height
        # The tablet re-encodes photos (resized, EXIF dropped) and declares capture time and place itself; the
        # file's own EXIF wins when it has one.
        ev.exif_taken_at = img.taken_at or ev.exif_taken_at
        if img.lat is not None:
            ev.exif_lat, ev.exif_lon = img.lat, img.lon
    else:
        ev.file.save(name, ContentFile(data), save=False)
    ev.content_type = kind.content_type
    ev.size = len(data)
    if original_name:
        ev.original_name = os.path.basename(original_name)[:255]
    ev.uploaded_at = timezone.now()
    ev.save()
    return ev
