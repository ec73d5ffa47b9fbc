"""Files of the participation records (agenda attachments, meeting photos, document versions, exchange
attachments): checked by their content, never by the name or the client's content type, like visit evidence.

- size: more than EVIDENCE_MAX_BYTES is refused (413) before the bytes are read whole;
- type: a PDF by its `%PDF-` magic, an image (JPEG, PNG, WebP) by Pillow checking its structure, and the
  office formats plans and manuals are written in (Word, Excel, PowerPoint: an OOXML zip whose
  `[Content_Types].xml` names the main part); anything else is refused (415), as is a name whose extension
  says another type than the content (a PNG named .pdf);
- the SHA-256 and size are kept and shown, so a reader can check a copy against the record.
"""

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from visits.errors import EvidenceTypeRejected
from visits.evidence import _read, process_image, sniff

OOXML = {
    "word": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "wordprocessingml.document.main+xml",
    ),
    "xl": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        "spreadsheetml.sheet.main+xml",
    ),
    "ppt": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
        "presentationml.presentation.main+xml",
    ),
}
EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    **{suffix: content_type for content_type, suffix, _ in OOXML.values()},
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,.pptx"  # the file inputs' hint; the check is by content
ACCEPT_IMAGES = ".jpg,.jpeg,.png,.webp"


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    suffix: str
    is_image: bool
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def _office_document(data: bytes):
    if data[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            types = z.read("[Content_Types].xml").decode("utf-8", "replace")
            names = set(z.namelist())
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    for folder, (content_type, suffix, main) in OOXML.items():
        if main in types and any(n.startswith(f"{folder}/") for n in names):
            return content_type, suffix
    return None


def check_upload(upload, *, images_only: bool = False) -> CheckedFile:
    """The bytes of `upload` and what they are, or the refusal (413 too large, 415 another type)."""
    name = os.path.basename(getattr(upload, "name", "") or "")[:255]
    data = _read(upload)
    if not data:
        raise EvidenceTypeRejected("ไฟล์ว่าง", "the file is empty")
    office = None if images_only else _office_document(data)
    if office is not None:
        content_type, suffix, is_image = *office, False
    else:
        try:
            kind = sniff(data)
        except EvidenceTypeRejected:
            if images_only:
                raise EvidenceTypeRejected(
                    "ภาพต้องเป็นไฟล์ JPEG, PNG หรือ WebP", "a photo must be a JPEG, PNG or WebP file"
                ) from None
            raise EvidenceTypeRejected(
                "รับเฉพาะไฟล์ PDF, ภาพ (JPEG, PNG, WebP) หรือเอกสาร Word, Excel, PowerPoint",
                "only PDF, images (JPEG, PNG, WebP) or Word, Excel, PowerPoint documents are accepted",
            ) from None
        if images_only and not kind.is_image:
            raise EvidenceTypeRejected("ภาพต้องเป็นไฟล์ JPEG, PNG หรือ WebP", "a photo must be a JPEG, PNG or WebP file")
        content_type, suffix, is_image = kind.content_type, kind.suffix, kind.is_image
    ext = os.path.splitext(name)[1].lower()
    claimed = EXTENSIONS.get(ext)
    if ext and claimed is None:
        raise EvidenceTypeRejected(f"ไม่รับไฟล์ชนิด {ext}", f"{ext} files are not accepted")
    if claimed and claimed != content_type:
        raise EvidenceTypeRejected(
            f"ชื่อไฟล์ระบุเป็น {ext} แต่เนื้อไฟล์เป็น {content_type}", f"the name says {ext} but the content is {content_type}"
        )
    return CheckedFile(data, content_type, suffix, is_image, hashlib.sha256(data).hexdigest(), name)


def keep(record, field: str, checked: CheckedFile, user, stem: str = "file") -> None:
    """Put the checked bytes in `record.<field>` and fill its StoredFile facts (the caller saves it)."""
    getattr(record, field).save(f"{stem}{checked.suffix}", ContentFile(checked.data), save=False)
    record.content_type = checked.content_type
    record.original_name = checked.original_name
    record.size = checked.size
    record.sha256 = checked.sha256
    record.uploaded_by = user if user is not None and user.is_authenticated else None
    record.uploaded_at = timezone.now()


def thumbnail(checked: CheckedFile) -> bytes:
    """An upright JPEG thumbnail of a checked image (decoded at reduced scale)."""
    return process_image(checked.data).thumbnail
