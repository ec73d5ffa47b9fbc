"""The ITA page's item numbers come from `settings.PUBLIC_ITA_ITEM_CODES` per ITA year: participation is
O33 up to ITA 2567 and o25 from ITA 2568; a year added to the setting renumbers its sections on the public
page at the office's next publish (the pages are rendered at publishing time)."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from public import workflow
from public.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 0


def _publish(actors, year, section, title):
    p = Publication.objects.create(
        office=actors.office,
        kind="ita",
        section=section,
        ita_year=year,
        title=title,
        record_date=datetime.date(year - 544, 3, 1),
    )
    p.document.save("record.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))  # publishing needs its PDF
    return workflow.publication_transition(publication_id=p.pk, to="published", user=actors.oscar.user)


def _headings(actors) -> dict[str, str]:
    """{section id on the page ("participation-2568"): its heading's text} of the anonymous ITA page."""
    response = Client().get(f"/public/{actors.office.code}/ita/")
    assert response.status_code == 200
    html = response.content.decode()
    return {
        key: re.sub(r"\s+", " ", heading).strip()
        for key, heading in re.findall(r'<section id="([\w-]+)">\s*<h3>(.*?)</h3>', html, re.S)
    }


def test_the_participation_item_is_o33_before_ita_2568_and_o25_from_it(actors):
    _publish(actors, 2567, "participation", "ประชุมเครือข่ายผู้ปกครอง 2567")
    _publish(actors, 2568, "participation", "ประชุมเครือข่ายผู้ปกครอง 2568")
    headings = _headings(actors)
    assert headings["participation-2567"] == "O33 การเปิดโอกาสให้เกิดการมีส่วนร่วม"
    assert headings["participation-2568"] == "o25 การเปิดโอกาสให้เกิดการมีส่วนร่วม"
    # Sections ITA 2568 did not renumber keep the earlier years' codes.
    assert headings["plan-2568"].startswith("O10 ") and headings["satisfaction-2568"].startswith("O16 ")


def test_changing_a_years_numbers_in_the_setting_changes_the_public_page(actors, settings):
    _publish(actors, 2568, "plan", "แผนการนิเทศ 2568")
    assert _headings(actors)["plan-2568"].startswith("O10 ")

    settings.PUBLIC_ITA_ITEM_CODES = {
        **settings.PUBLIC_ITA_ITEM_CODES,
        2568: {"participation": "o25", "plan": "o7", "satisfaction": "o20"},
    }
    _publish(actors, 2569, "plan", "แผนการนิเทศ 2569")  # the office's next publish renders the pages again

    headings = _headings(actors)
    assert headings["plan-2568"] == "o7 แผนการนิเทศ ติดตาม (แผนดำเนินงานประจำปี)"
    assert headings["satisfaction-2568"].startswith("o20 ")
    assert headings["plan-2569"].startswith("o7 ")  # a later year takes 2568's numbers
    assert headings["monitoring-2568"].startswith("O11 ")  # not renumbered: still the 2563 code


def test_each_record_is_dated_in_the_buddhist_era_with_its_pdf(actors):
    _publish(actors, 2568, "plan", "แผนการนิเทศ ปีการศึกษา 2568")
    html = Client().get(f"/public/{actors.office.code}/ita/").content.decode()
    section = re.search(r'<section id="plan-2568">(.*?)</section>', html, re.S).group(1)
    assert "แผนการนิเทศ ปีการศึกษา 2568" in section
    assert "1 มีนาคม 2567" in section  # record_date 2024-03-01 (in ITA year 2568), as a Thai reader reads it
    pdf_url = re.search(r'<a href="([^"]+)">เอกสาร PDF</a>', section).group(1)
    pdf = Client().get(pdf_url)
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
