"""What this app gives the public ITA page (`public.ita`): only records the office published.

- participation (O33 / o25): each published participation record with its four parts;
- satisfaction (O16): each published survey record, with the survey report's PDF at a public address.
No names, no individual answers: counts by group and aggregate statistics only.
"""

from django.urls import reverse

from meetings.models import ParticipationRecord
from meetings.selectors import published_meeting_photos, published_participation


def _counts(r: ParticipationRecord) -> str:
    return (
        f"บุคลากรสำนักงานเขต {r.count_office} คน ผู้บริหารสถานศึกษาและครู {r.count_school} คน "
        f"ก.ต.ป.น. {r.count_ktpn} คน บุคคลภายนอกอื่น {r.count_other} คน รวม {r.total} คน"
    )


def _photo_links(office, r: ParticipationRecord) -> tuple[tuple[str, str], ...]:
    """The public photos of a published meeting (only those: agenda papers and attachments stay inside)."""
    if r.meeting_id is None:
        return ()
    n = published_meeting_photos(office.pk).filter(meeting_id=r.meeting_id).count()
    if not n:
        return ()
    return ((f"ภาพกิจกรรม {n} ภาพ", reverse("meetings:public-photos", args=[office.code, r.meeting_id])),)


def participation_records(office):
    from public.ita import ItaRecord

    for r in published_participation(office.pk).exclude(source=ParticipationRecord.Source.SURVEY):
        yield ItaRecord(
            links=_photo_links(office, r),
            ita_year=r.fiscal_year,
            title=r.topic,
            date=r.date,
            summary=r.results[:300],
            details=(
                ("ประเด็น", r.topic),
                ("ผู้เข้าร่วม", _counts(r)),
                ("ผลการมีส่วนร่วม", r.results),
                ("การนำผลไปใช้ปรับปรุง", r.usage or "-"),
            ),
        )


def satisfaction_records(office):
    from public.ita import ItaRecord

    for r in published_participation(office.pk).filter(source=ParticipationRecord.Source.SURVEY):
        yield ItaRecord(
            ita_year=r.fiscal_year,
            title=f"รายงานผลการสำรวจความพึงพอใจ: {r.topic}",
            date=r.date,
            summary=r.results,
            document_url=reverse("meetings:public-survey-pdf", args=[r.pk]),
            details=(("ผลการสำรวจ", r.results), ("การนำผลไปใช้ปรับปรุง", r.usage or "-")),
        )


def rebuild_public_pages(office) -> None:
    """Re-render the office's public pages after a record is published or withdrawn."""
    from public.snapshot import rebuild

    rebuild(office)
