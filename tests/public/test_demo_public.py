"""The demo's public pages and exports: anonymous reads of what is published, 404 for the rest, no contact
details anywhere, and the exports read back with openpyxl."""

import io
import re

import pytest
from django.test import Client

from public import workflow
from public.models import Publication, PublicationEvent
from supervision.models import AreaOffice, Person

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# A Thai telephone number: 9 or 10 digits, Arabic or Thai, from a leading zero and the digit after it (0 8…,
# 0 4…; a chart's axis "0 20 40 60 80" is not one), then dashes or spaces anywhere.
PHONE = re.compile(r"(?<!\d)[0๐]\d(?:[- ]?\d){7,8}(?!\d)")
# Where a photo or file of a visit or follow-up lives (the API's evidence and media addresses).
EVIDENCE_URL = re.compile(r"/media/|/evidence|/api/v1/(visits|followups)/|line\.me", re.IGNORECASE)


def _disclosed(text: str, secrets: set[str]) -> list[str]:
    """Contact details or evidence addresses found in what a reader gets (page HTML or a PDF's text)."""
    found = [m.group(0) for pattern in (EMAIL, PHONE, EVIDENCE_URL) for m in pattern.finditer(text)]
    return found + [s for s in secrets if s in text]


def _pdf_reading(pdf: bytes) -> str:
    """A PDF as its readers get it: the text pdftotext and pypdf extract and every link it carries."""
    from pypdf import PdfReader

    from tests.reports.pdftext import pdftotext, pypdf_text

    links = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in PdfReader(io.BytesIO(pdf)).pages
        for annotation in page.get("/Annots") or []
    ]
    return "\n".join([pdftotext(pdf), pdftotext(pdf, "-raw"), pypdf_text(pdf), *links])


@pytest.fixture
def demo(demo_module, db, settings):
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 0
    return AreaOffice.objects.get(code="SEC29")


def _public_pages(client, office):
    pages = {f"/public/{office.code}/", f"/public/{office.code}/ita/"}
    pages |= {f"/public/{office.code}/rounds/{p.round.slug}/" for p in Publication.objects.filter(kind="round")}
    return {url: client.get(url) for url in pages}


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_public_page_of_the_demo_is_anonymous_and_discloses_no_contact_details(demo, language):
    """In each language a reader can choose (the switch's cookie), every public page and every PDF it links."""
    from django.conf import settings

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = _public_pages(client, demo)
    assert len(pages) == 3
    secrets = set()
    for person in Person.objects.filter(office=demo):
        secrets |= {x for x in (person.email, person.phone, person.line_user_id) if x}
    secrets |= {x for x in (demo.phone, demo.email) if x}
    assert secrets, "the demo's people have contact details for the scan to look for"
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert response["Content-Language"] == language, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, url
        assert _disclosed(html, secrets) == [], url
        assert "evidence" not in html, url
    ita = pages[f"/public/{demo.code}/ita/"].content.decode()
    for code in ("O10", "O11", "O12", "O15", "O16", "O33"):
        assert code in ita
    round_html = pages[f"/public/{demo.code}/rounds/aug-2563/"].content.decode()
    if language == "th":
        assert "โรงเรียนเป้าหมาย 81 โรง" in round_html and "การเปิดเผยข้อมูลสาธารณะ (ITA)" in ita
    else:
        assert "81 schools planned" in round_html and "Coverage by consortium" in round_html
        assert "Public disclosure (ITA)" in ita and "Six-monthly monitoring report" in ita
        assert "สิงหาคม" not in round_html  # the round's dates in English (3 August 2563), BE
    pdf_links = {
        link for response in pages.values() for link in re.findall(r'href="([^"]+\.pdf)"', response.content.decode())
    }
    assert len(pdf_links) >= 5
    for link in sorted(pdf_links):  # every published PDF, read as its readers read it
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", link
        pdf = b"".join(response.streaming_content) if response.streaming else response.content
        reading = _pdf_reading(pdf)
        assert len(reading) > 200, link  # the text really came out
        assert _disclosed(reading, secrets) == [], link


def test_unpublished_and_withdrawn_are_404_and_publishing_is_logged(demo):
    from django.contrib.auth import get_user_model

    client = Client()
    assert client.get("/public/NOPE/").status_code == 404
    assert client.get(f"/public/{demo.code}/rounds/onet-m3-2562/").status_code == 404
    director = get_user_model().objects.get(username="director")
    p = Publication.objects.get(kind="round", round__slug="aug-2563")
    workflow.publication_transition(publication_id=p.pk, to="withdrawn", user=director)
    assert client.get(f"/public/{demo.code}/rounds/aug-2563/").status_code == 404
    assert client.get(f"/public/{demo.code}/documents/{p.pk}.pdf").status_code == 404
    event = PublicationEvent.objects.filter(publication=p).first()
    assert (event.action, event.by, event.to_status) == ("withdraw", director, "withdrawn")
    coordinator = get_user_model().objects.get(username="coordinator")
    with pytest.raises(Exception) as refused:
        workflow.publication_transition(publication_id=p.pk, to="published", user=coordinator)
    assert getattr(refused.value, "code", "") == "wrong_role"
    workflow.publication_transition(publication_id=p.pk, to="published", user=director)
    assert client.get(f"/public/{demo.code}/rounds/aug-2563/").status_code == 200


def test_exports_of_the_demo_round_give_the_81_schools_and_the_stored_answers(demo):
    from django.contrib.auth import get_user_model
    from openpyxl import load_workbook

    from visits.models import Answer, Visit

    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))
    body = b"".join(client.get("/dashboard/export.xlsx?round=aug-2563").streaming_content)
    wb = load_workbook(io.BytesIO(body), read_only=True)
    schools = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert len({row[1] for row in schools[1:]}) == 81
    answers_sheet = next(name for name in wb.sheetnames if name.startswith("คำตอบ"))
    rows = list(wb[answers_sheet].iter_rows(values_only=True))
    header = rows[0]
    visits = Visit.objects.filter(round__slug="aug-2563")
    assert len(rows) - 1 == visits.count()
    one = visits.order_by("school__code").first()
    row = next(r for r in rows[1:] if r[0] == str(one.pk))
    for answer in Answer.objects.filter(visit=one, item__type="rating"):
        column = header.index(f"{answer.item.code} {answer.item.text}")
        assert row[column] == answer.value
    assert hasattr(row[5], "year")  # a real date, not text


def test_the_scan_finds_contact_details_and_evidence_addresses_inside_a_pdf(office):
    """The scan above is not blind to PDFs: planted in a record's text, each kind is found (Thai digits too)."""
    import datetime

    from public.documents import build_record_pdf
    from visits.reports.data import office_info

    planted = [
        "ติดต่อ somchai.k@example.go.th",
        "โทร 045-312-456",
        "โทร ๐๘๑-๒๓๔-๕๖๗๘",
        "มือถือ 08-0000-0017",
        "ภาพ https://nithet.example/media/evidence/abc.jpg",
        "ไลน์ https://line.me/ti/p/abcdef",
    ]
    pdf = build_record_pdf(office_info(office), "บันทึกทดสอบการสแกน", datetime.date(2020, 9, 30), planted)
    found = " ".join(_disclosed(_pdf_reading(pdf), set()))
    for expected in ("somchai.k@example.go.th", "045-312-456", "๐๘๑-๒๓๔-๕๖๗๘", "08-0000-0017", "/media/", "line.me"):
        assert expected in found, expected
