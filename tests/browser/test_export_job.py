"""A large export in Chromium: the director's download link leads to the "being prepared" page, the worker's
task builds the file, and the page turns into the download by itself (no click). Screenshots of that page
and of the dashboard at both tablet sizes, in Thai and English, go to $NITHET_SCREENSHOTS."""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboard.models import ExportJob
from dashboard.tasks import build_export
from supervision.models import School
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
from tests.browser.test_dashboard import round_with_results  # noqa: F401  (the dashboard's fixture)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("NITHET_SCREENSHOTS", "/tmp/nithet-screens"))


def test_a_large_export_page_turns_into_the_download_by_itself(
    actors,
    round_with_results,  # noqa: F811
    signed_in_page,
    live_server,
    settings,
):
    rnd = round_with_results
    settings.EXPORT_INLINE_MAX_VISITS = 1  # the round's three visits make a large export
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in_page(actors.oscar.user, viewport=TABLET_PORTRAIT)
    page.goto(f"{live_server.url}/dashboard/?round={rnd.slug}")
    page.locator(f'a[href^="/dashboard/export.xlsx?round={rnd.slug}"]').first.click()
    page.wait_for_url(f"{live_server.url}/dashboard/exports/*/")
    job = ExportJob.objects.get()
    assert page.locator("h1").inner_text() == "กำลังจัดทำไฟล์ส่งออก"
    assert f"nithet-{rnd.slug}.xlsx" in page.inner_text("main")
    assert not page_scrolls_sideways(page)
    page.screenshot(path=str(SHOTS / "export-pending-th-820.png"), full_page=True)

    with page.expect_download(timeout=20_000) as download:
        assert build_export(str(job.pk))  # what the worker runs for the queued job
    assert download.value.suggested_filename == f"nithet-{rnd.slug}.xlsx"
    wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    schools = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    codes = set(School.objects.filter(office=actors.office).values_list("code", flat=True))
    assert {r[1] for r in schools[1:]} == codes  # every school of the round, one row each


def test_screens_of_the_export_page_and_the_dashboard(
    actors,
    round_with_results,  # noqa: F811
    signed_in_page,
    live_server,
    settings,
):
    rnd = round_with_results
    settings.EXPORT_INLINE_MAX_VISITS = 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("th", "en"):
        for viewport in (TABLET_PORTRAIT, TABLET_LANDSCAPE):
            page = signed_in_page(actors.oscar.user, viewport=viewport)
            page.goto(f"{live_server.url}/dashboard/?round={rnd.slug}")
            if language == "en":
                with page.expect_navigation():
                    page.click("header button.language-switch")
                assert page.locator("html").get_attribute("lang") == "en"
            assert not page_scrolls_sideways(page)
            page.screenshot(path=str(SHOTS / f"dashboard-{language}-{viewport['width']}.png"), full_page=True)
            page.locator(f'a[href^="/dashboard/export.xlsx?round={rnd.slug}"]').first.click()
            page.wait_for_url(f"{live_server.url}/dashboard/exports/*/")
            heading = page.locator("h1").inner_text()
            assert heading == ("กำลังจัดทำไฟล์ส่งออก" if language == "th" else "Preparing the export")
            assert not page_scrolls_sideways(page)
            page.screenshot(path=str(SHOTS / f"export-pending-{language}-{viewport['width']}.png"), full_page=True)
            # The pending page polls the server. Close it before the next sign-in writes a session: on SQLite the
            # live server shares the test's in-memory connection, and a poll reading django_session while the
            # test deletes from it fails with "database table is locked" (seen in CI).
            page.close()
