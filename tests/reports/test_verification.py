"""The verification code of a visit report: stored when the PDF is built, checked by a public page at
SITE_URL/verify/<code>/ (kind, school, date, status, content hash), the PDF only for those allowed."""

import pytest
from django.test import override_settings

from tests.factories import VisitFactory
from tests.reports.pdftext import pypdf_text
from visits.models import IssuedDocument
from visits.reports.service import report_render

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://nithet.example.go.th")
def test_the_printed_address_and_the_stored_code_lead_to_a_public_page(client):
    visit = VisitFactory(status="approved")
    _, pdf = report_render("visit", visit.pk)
    doc = IssuedDocument.objects.get(object_key=str(visit.pk))
    text = pypdf_text(pdf)
    url = f"https://nithet.example.go.th/verify/{doc.code}/"
    assert url in text.replace("\n", "")
    assert "127.0.0.1" not in text
    assert doc.kind == "visit" and len(doc.content_hash) == 64 and doc.created_at

    page = client.get(f"/verify/{doc.code}/")  # nobody signed in
    assert page.status_code == 200
    html = page.content.decode()
    assert "ข้อมูลยังตรงกับที่บันทึกไว้" in html
    assert visit.school.name_th in html
    assert doc.content_hash in html
    assert "อนุมัติแล้ว" in html
    assert "report.pdf" not in html  # the PDF itself is not for the public


def test_typed_codes_are_forgiving_and_unknown_ones_say_so(client):
    visit = VisitFactory(status="approved")
    report_render("visit", visit.pk)
    code = IssuedDocument.objects.get().code
    assert client.get(f"/verify/{code.lower().replace('-', '')}/").status_code == 200
    page = client.get("/verify/0000-0000/")
    assert page.status_code == 404
    assert "ไม่พบเอกสารที่มีรหัสนี้" in page.content.decode()


def test_a_changed_record_is_reported_as_changed_since(client):
    visit = VisitFactory(status="approved")
    report_render("visit", visit.pk)
    code = IssuedDocument.objects.get().code
    visit.strengths = "ครูจัดกิจกรรมการเรียนรู้เชิงรุกได้ดีมาก (แก้ไขภายหลัง)"
    visit.save()
    html = client.get(f"/verify/{code}/").content.decode()
    assert "ข้อมูลของเรื่องนี้เปลี่ยนไปหลังจากออกเอกสารนี้" in html


def test_the_pdf_link_only_for_a_reader_the_access_rule_allows(client, django_user_model):
    visit = VisitFactory(status="approved")
    report_render("visit", visit.pk)
    code = IssuedDocument.objects.get().code
    stranger = django_user_model.objects.create_user("stranger", password="x")
    client.force_login(stranger)
    assert "report.pdf" not in client.get(f"/verify/{code}/").content.decode()
    boss = django_user_model.objects.create_superuser("boss", password="x")  # sees every visit
    client.force_login(boss)
    assert f"/api/v1/visits/{visit.pk}/report.pdf" in client.get(f"/verify/{code}/").content.decode()


@override_settings(SITE_URL="https://nithet.example.go.th")
def test_the_qr_code_and_the_printed_address_are_the_verification_page():
    from visits.reports import charts
    from visits.reports.data import visit_data

    visit = VisitFactory(status="approved")
    data = visit_data(visit)
    assert data.verify_url == f"https://nithet.example.go.th/verify/{data.verify_code}/"
    drawn = []
    original = charts.QRCode.__init__

    def spy(self, text, size):
        drawn.append(text)
        original(self, text, size)

    charts.QRCode.__init__ = spy
    try:
        from visits.reports.builders import build_visit_report

        build_visit_report(data)
    finally:
        charts.QRCode.__init__ = original
    assert drawn == [data.verify_url]
