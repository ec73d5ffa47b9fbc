"""The demo's public pages and exports: anonymous reads of what is published, 404 for the rest, no contact
details anywhere, and the exports read back with openpyxl."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from public import workflow
from public.models import Publication, PublicationEvent
from supervision.models import AreaOffice, Person

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"(?<!\d)0\d{1,2}[- ]?\d{3}[- ]?\d{3,4}(?!\d)")


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def demo(_demo, db, settings):
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 0
    return AreaOffice.objects.get(code="SEC29")


def _public_pages(client, office):
    pages = {f"/public/{office.code}/", f"/public/{office.code}/ita/"}
    pages |= {f"/public/{office.code}/rounds/{p.round.slug}/" for p in Publication.objects.filter(kind="round")}
    return {url: client.get(url) for url in pages}


def test_every_public_page_of_the_demo_is_anonymous_and_discloses_no_contact_details(demo):
    client = Client()
    pages = _public_pages(client, demo)
    assert len(pages) == 3
    secrets = set()
    for person in Person.objects.filter(office=demo):
        secrets |= {x for x in (person.email, person.phone, person.line_user_id) if x}
    secrets |= {x for x in (demo.phone, demo.email) if x}
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not EMAIL.search(html), url
        assert not PHONE.search(html), url
        assert "line.me" not in html.lower() and "/media/" not in html and "evidence" not in html, url
        assert not [s for s in secrets if s in html], url
    ita = pages[f"/public/{demo.code}/ita/"].content.decode()
    for code in ("O10", "O11", "O12", "O15", "O16", "O33"):
        assert code in ita
    round_html = pages[f"/public/{demo.code}/rounds/aug-2563/"].content.decode()
    assert "โรงเรียนเป้าหมาย 81 โรง" in round_html
    pdf_links = re.findall(r'href="(/public/SEC29/documents/\d+\.pdf)"', ita + round_html)
    assert len(pdf_links) >= 5
    assert all(client.get(link)["Content-Type"] == "application/pdf" for link in pdf_links)


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
