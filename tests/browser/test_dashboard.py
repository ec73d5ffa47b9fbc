"""The directors' dashboard and a public round page in Chromium at both tablet sizes: no sideways scroll,
the charts and the map drawn (SVG from the server), approved and pending apart. Screenshots go to
$NITHET_SCREENSHOTS (default /tmp/nithet-screens) for a person to look at."""

import datetime
import os
from pathlib import Path

import pytest

from public import workflow
from public.models import Publication
from tests import factories as f
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("NITHET_SCREENSHOTS", "/tmp/nithet-screens"))


@pytest.fixture
def round_with_results(actors, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_LOCAL_CACHE_SECONDS = 0
    district = f.DistrictFactory(latitude=15.25, longitude=104.85, radius_km=30)
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    for n, (status, score) in enumerate([("approved", 88.0), ("approved", 55.0), ("submitted", 71.0), (None, None)]):
        school = f.SchoolFactory(
            office=actors.office,
            district=district,
            latitude=15.2 + n * 0.03,
            longitude=104.8 + n * 0.03,
            name_th=f"โรงเรียนทดสอบแผนที่ยาวมากเป็นพิเศษเพื่อดูการตัดบรรทัด {n}",
        )
        a = f.AssignmentFactory(
            round=rnd, committee=actors.committee_a, school=school, date=datetime.date(2020, 8, 3 + n)
        )
        if status:
            f.VisitFactory(
                assignment=a,
                status=status,
                score=score,
                section_scores=[{"title": "ด้านที่ 1 การจัดการเรียนการสอน", "percent": score}],
                recommendations=["ควรพัฒนาการวัดและประเมินผลตามสภาพจริง"],
            )
    return rnd


def test_dashboard_and_public_page_fit_both_tablet_sizes(
    actors, round_with_results, signed_in_page, new_page, live_server
):
    rnd = round_with_results
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in (TABLET_PORTRAIT, TABLET_LANDSCAPE):
        page = signed_in_page(actors.oscar.user, viewport=viewport)
        response = page.goto(f"{live_server.url}/dashboard/?round={rnd.slug}")
        assert response.status == 200
        assert page.locator("#key-numbers").is_visible()
        assert page.locator(".map svg circle").count() >= 4  # the schools, drawn with no internet
        assert page.locator(".chart svg").count() >= 2
        assert not page_scrolls_sideways(page)
        page.screenshot(path=str(SHOTS / f"dashboard-{viewport['width']}.png"), full_page=True)
    p = Publication.objects.create(
        office=actors.office, kind="round", round=rnd, title=rnd.title, record_date=rnd.end_date
    )
    workflow.publication_transition(publication_id=p.pk, to="published", user=actors.oscar.user)
    for viewport in (TABLET_PORTRAIT, TABLET_LANDSCAPE):
        page = new_page(viewport=viewport)
        response = page.goto(f"{live_server.url}/public/{actors.office.code}/rounds/{rnd.slug}/")
        assert response.status == 200
        assert "71.0" not in page.inner_text("main")  # the pending visit's score is not public
        assert not page_scrolls_sideways(page)
        page.screenshot(path=str(SHOTS / f"public-round-{viewport['width']}.png"), full_page=True)
