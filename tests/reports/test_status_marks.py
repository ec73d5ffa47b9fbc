"""A visit report that is not final never looks final: a draft, a submitted and a returned visit carry their
mark ("ร่าง", "รอตรวจ", "ส่งกลับแก้ไข") and their status written out on every page, read back from the PDF
as a reader's tools give it; an approved one carries none."""

import dataclasses
import io

import pytest
from pypdf import PdfReader

from tests.reports.pdftext import squeeze
from visits.reports import samples
from visits.reports.builders import build_visit_report
from visits.reports.builders.visit import STATUS_MARKS

STATUSES = {"draft": "ร่าง", "submitted": "ส่งแล้ว รอตรวจ", "returned": "ส่งกลับให้แก้ไข", "approved": "อนุมัติแล้ว"}


def _pages(status_code: str) -> list[str]:
    data = dataclasses.replace(samples.visit(), status_code=status_code, status=STATUSES[status_code])
    return [squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(build_visit_report(data))).pages]


@pytest.mark.parametrize("status_code", ["draft", "submitted", "returned"])
def test_a_visit_not_yet_approved_is_marked_with_its_status_on_every_page(status_code):
    pages = _pages(status_code)
    assert len(pages) >= 3
    mark = STATUS_MARKS[status_code]
    for number, text in enumerate(pages, start=1):
        assert squeeze(mark) in text, (status_code, number)
        if STATUSES[status_code] != mark:  # a draft's status is its mark
            assert squeeze(f"สถานะ: {STATUSES[status_code]}") in text, (status_code, number)


def test_an_approved_visit_carries_no_mark():
    for text in _pages("approved"):
        assert not any(squeeze(mark) in text for mark in ("ร่าง", "รอตรวจ", "ส่งกลับแก้ไข", "สถานะ:"))
