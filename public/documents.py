"""PDFs of the public editions: the round summary without contact details, and simple dated ITA records
(built from frozen text, through the same report machinery as every other Thai PDF)."""

from __future__ import annotations

import datetime
from dataclasses import replace

from visits.reports.builders.common import Writer
from visits.reports.data import OfficeInfo, RoundSummaryData
from visits.reports.layout import ReportDoc
from visits.reports.thaitext import be_date


def public_office(office: OfficeInfo) -> OfficeInfo:
    """The office as a public document names it: no telephone, no address lines with contact details."""
    return replace(office, phone="", address="")


def public_round_summary(data: RoundSummaryData) -> RoundSummaryData:
    return replace(data, office=public_office(data.office))


def build_record_pdf(office: OfficeInfo, title: str, date: datetime.date, paragraphs: list[str]) -> bytes:
    office = public_office(office)
    w = Writer((office.name,), office.thai_digits)
    doc = ReportDoc(office, title)
    story = doc.heading(w, title, f"วันที่ {be_date(date, office.thai_digits)}")
    for text in paragraphs:
        story.append(w.p(text))
    return doc.build(story)
