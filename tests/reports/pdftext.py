"""Read a PDF back the way users and tools do (pdftotext = poppler/Evince, PDFium = Chromium's viewer,
pypdf, pdfminer) and list its fonts. The text is returned exactly as each tool gives it: nothing is
folded or repaired, so a test sees what a reader copying or searching the PDF gets."""

import io
import re
import shutil
import subprocess
import tempfile

from pypdf import PdfReader

BASE14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdftotext(pdf: bytes, *args: str) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (Debian poppler-utils) is needed to check copy/paste of Thai"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run([exe, *args, fh.name, "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def pdfminer_text(pdf: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(pdf))


def pdfium_text(pdf: bytes) -> str:
    """What Chromium's PDF viewer (PDFium) gives to copy and search."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


EXTRACTORS = {"pdftotext": pdftotext, "pypdf": pypdf_text, "pdfminer": pdfminer_text, "pdfium": pdfium_text}


def all_texts(pdf: bytes) -> dict[str, str]:
    return {name: extract(pdf) for name, extract in EXTRACTORS.items()}


def squeeze(text: str) -> str:
    """Without any whitespace: lines of Thai are broken between words, with no space to put back."""
    return re.sub(r"\s+", "", text)


def fonts(pdf: bytes) -> list[dict]:
    """Every font used on every page: its base name, whether its program is embedded."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[font["/BaseFont"]] = {
                "name": str(font["/BaseFont"]),
                "embedded": embedded,
                "subtype": str(font["/Subtype"]),
            }
    return list(found.values())
