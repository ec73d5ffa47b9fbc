"""A Buddhist-Era date typed in the admin in Chromium, as a coordinator types it on a tablet, is stored as the
Christian-Era date it means, shows back in the Buddhist Era, and prints right in the appointment order PDF
(issue 9: an order date typed as 24/07/2563 once printed "พ.ศ. 3106")."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import TABLET_PORTRAIT
from tests.reports.pdftext import pdftotext

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_order_date_typed_in_the_admin_in_chromium_prints_right_in_the_order(
    live_server, signed_in_page, actors, tmp_path
):
    committee = actors.committee_a
    committee.order_no, committee.signed_by = "245/2563", actors.oscar
    committee.save()
    page = signed_in_page(actors.cora.user, viewport=TABLET_PORTRAIT)
    url = f"{live_server.url}/admin/supervision/committee/{committee.pk}/change/"
    page.goto(url)
    page.fill("#id_order_date", "24/07/2563")
    with page.expect_navigation():
        page.click("input[name=_save]")
    committee.refresh_from_db()
    assert committee.order_date == dt.date(2020, 7, 24)

    page.goto(url)
    assert page.input_value("#id_order_date") == "24/07/2563"

    out = tmp_path / "order.pdf"
    call_command("render_report", "order", str(committee.pk), "-o", str(out), stdout=io.StringIO())
    raw = pdftotext(out.read_bytes())
    assert "24 กรกฎาคม พ.ศ. 2563" in raw  # raw extracted text, nothing folded
    assert "3106" not in raw
