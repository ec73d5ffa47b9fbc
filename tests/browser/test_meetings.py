"""The meeting pages with fingers, in real Chromium at both tablet sizes: the secretary attaches an agenda
paper and adds photos from the file picker and sees them on the meeting's page; the owner of an action reports
progress and done; a school director records a learning exchange with a BE date and an attachment; the
document page shows a version's hash. No page scrolls sideways. Screenshots go to /tmp/nithet-shots/meetings/."""

import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from meetings import services, workflow
from meetings.models import LearningExchange, MeetingAction
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, page_scrolls_sideways
from tests.meetings.conftest import board, make_meeting  # noqa: F401  (the board fixture)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/nithet-shots/meetings")


def _png(path: Path, color) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (1200, 800), color).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture
def meeting(board, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    m = make_meeting(board, dt.date(2020, 7, 10))
    item = services.agenda_item_add(
        meeting_id=m.pk, user=board.sami.user, parent_number=4, title="แผนปฏิบัติการนิเทศ ปีการศึกษา 2563"
    )
    workflow.meeting_transition(meeting_id=m.pk, to="invited", user=board.sami.user)
    services.resolution_add(
        item_id=item.pk,
        user=board.sami.user,
        kind="actions",
        text="มอบกลุ่มนิเทศจัดทำคู่มือ",
        actions=[{"title": "จัดทำคู่มือการนิเทศภายใน", "owner": board.bob, "due_date": dt.date(2020, 8, 31)}],
    )
    return m


@pytest.mark.parametrize("viewport,size", [(TABLET_PORTRAIT, "820x1180"), (TABLET_LANDSCAPE, "1180x820")])
def test_files_actions_and_exchanges_in_the_browser(
    live_server,
    signed_in_page,
    board,  # noqa: F811
    meeting,
    tmp_path,
    viewport,
    size,
):
    page = signed_in_page(board.sami.user, viewport=viewport)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    paper = tmp_path / "ร่างแผน.pdf"
    paper.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.select_option("#att-item", label=page.locator("#att-item option", has_text="4.1").inner_text())
    page.fill("#att-title", "ร่างแผนปฏิบัติการนิเทศ")
    page.set_input_files("#att-file", str(paper))
    page.click("text=แนบเอกสาร >> nth=-1")
    page.wait_for_url("**#agenda")
    assert page.locator("ul.files a", has_text="ร่างแผนปฏิบัติการนิเทศ").count() == 1
    page.set_input_files(
        "#photo-file", [str(_png(tmp_path / "a.png", (180, 40, 40))), str(_png(tmp_path / "b.png", (30, 90, 160)))]
    )
    page.fill("#photo-caption", "คณะกรรมการร่วมพิจารณาแผน")
    page.click("form[action$='/photos/'] button")
    page.wait_for_url("**#photos")
    assert page.locator(".photos img").count() == 2
    # Every thumbnail really loads (a broken one never does): wait for the images rather than read them mid-load.
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.photos img')).every(i => i.complete && i.naturalWidth > 0)",
        timeout=15_000,
    )
    assert not page_scrolls_sideways(page)
    _shot(page, f"meeting-{size}.png")

    owner = signed_in_page(board.bob.user, viewport=viewport)
    owner.goto(f"{live_server.url}/meetings/actions/")
    action = MeetingAction.objects.get()
    card = owner.locator(f"#action-{action.pk}")
    card.locator("textarea").fill("ร่างคู่มือเสร็จแล้ว 3 บท")
    card.locator("button", has_text="รายงานความคืบหน้า").click()
    owner.locator(f"#action-{action.pk} textarea").fill("ส่งคู่มือฉบับสมบูรณ์ให้เลขานุการแล้ว")
    owner.locator(f"#action-{action.pk} button", has_text="รายงานว่าดำเนินการแล้ว").click()
    owner.wait_for_selector(f"#action-{action.pk} .badge.done")
    assert "ส่งคู่มือฉบับสมบูรณ์ให้เลขานุการแล้ว" in owner.locator(f"#action-{action.pk}").inner_text()
    assert not page_scrolls_sideways(owner)
    _shot(owner, f"actions-{size}.png")
    action.refresh_from_db()
    assert action.status == "done"

    director = signed_in_page(board.dana.user, viewport=viewport)
    director.goto(f"{live_server.url}/meetings/exchanges/new/")
    for field, value in {
        "event": "การแลกเปลี่ยนเรียนรู้สหวิทยาเขตหอไตร",
        "start_date": "25/06/2563",
        "end_date": "26/06/2563",
        "place": "โรงเรียนเบญจะมะมหาราช",
        "topic": "การสอนทางไกลช่วงโควิด-19",
        "count_school": "81",
        "count_other": "3",
        "learnt": "แนวทางการสอนออนไลน์ของโรงเรียนต้นแบบ",
        "usage": "ปรับแผนการนิเทศทางไกล",
    }.items():
        director.fill(f"#id_{field}", value)
    director.set_input_files("#ex-files", str(paper))
    assert not page_scrolls_sideways(director)
    _shot(director, f"exchange-form-{size}.png")
    director.click("main form button[type=submit]")
    director.wait_for_url("**/participation/#exchanges")
    assert director.locator("#exchanges ~ .card", has_text="การสอนทางไกลช่วงโควิด-19").count() == 1
    x = LearningExchange.objects.get()
    assert x.start_date == dt.date(2020, 6, 25) and x.attachments.count() == 1
    _shot(director, f"participation-{size}.png")

    coordinator = signed_in_page(board.cora.user, viewport=viewport)
    coordinator.goto(f"{live_server.url}/meetings/documents/new/")
    coordinator.fill("#id_title", "คู่มือการนิเทศภายในสถานศึกษา")
    coordinator.select_option("#id_kind", "manual")
    coordinator.set_input_files("#id_file", str(paper))
    coordinator.click("main form button[type=submit]")
    coordinator.wait_for_selector(".hash")
    assert "SHA-256" in coordinator.locator(".hash").inner_text()
    assert not page_scrolls_sideways(coordinator)
    _shot(coordinator, f"document-{size}.png")
    coordinator.goto(f"{live_server.url}/meetings/surveys/new/")
    coordinator.fill("#id_title", "ความพึงพอใจต่อการนิเทศ ปีการศึกษา 2563")
    coordinator.fill("#id_structure", "ด้านกระบวนการนิเทศ\n- ชี้แจงวัตถุประสงค์ชัดเจน\nด้านผลการนิเทศ\n- นำไปใช้ได้จริง")
    assert not page_scrolls_sideways(coordinator)
    _shot(coordinator, f"survey-form-{size}.png")
    coordinator.click("main form button[type=submit]")
    coordinator.wait_for_url("**/meetings/surveys/*/")
    assert "ภาพรวม" in coordinator.inner_text("main")


def test_the_dashboard_shows_satisfaction_at_both_sizes(live_server, signed_in_page, actors):
    from django.utils import timezone

    from meetings.models import SurveyDimension, SurveyForm, SurveyInvitation, SurveyItem
    from tests import factories as f

    form = SurveyForm.objects.create(office=actors.office, title="ความพึงพอใจต่อการนิเทศ ปีการศึกษา 2563")
    for d, (name, items) in enumerate(
        [("ด้านกระบวนการนิเทศ", ["ชี้แจงวัตถุประสงค์ชัดเจน", "ใช้เวลาเหมาะสม"]), ("ด้านผลการนิเทศ", ["นำไปใช้ได้จริง"])]
    ):
        dim = SurveyDimension.objects.create(form=form, order=d, name=name)
        for text in items:
            SurveyItem.objects.create(dimension=dim, text=text)
    rnd = f.RoundFactory(office=actors.office, slug="aug-2563-satisfaction")
    assignment = f.AssignmentFactory(round=rnd, school=actors.school_a, committee=actors.committee_a)
    visit = f.VisitFactory(assignment=assignment, status="approved", approved_at=timezone.now())
    inv = SurveyInvitation.objects.create(form=form, visit=visit, person=actors.dana, created_at=timezone.now())
    items = list(SurveyItem.objects.filter(dimension__form=form).values_list("id", flat=True))
    services.survey_submit(token=inv.token, answers=dict(zip(items, [5, 4, 4], strict=True)))
    for viewport, size in [(TABLET_PORTRAIT, "820x1180"), (TABLET_LANDSCAPE, "1180x820")]:
        page = signed_in_page(actors.oscar.user, viewport=viewport)
        page.goto(f"{live_server.url}/dashboard/?round={rnd.slug}#satisfaction")
        table = page.locator("table.satisfaction")
        assert table.is_visible()
        assert "4.33" in table.locator("tr", has_text="ภาพรวม").inner_text()
        assert not page_scrolls_sideways(page)
        page.locator("#satisfaction").scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"dashboard-satisfaction-{size}.png"))
