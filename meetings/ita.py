"""What this app gives the public ITA page (`public.ita`): only records the office published.

- participation (O33 / o25): each published participation record with its four parts;
- satisfaction (O16): each published survey record, with the survey report's PDF at a public address.
No names, no individual answers: counts by group and aggregate statistics only. The labels go through the
catalogues (the public pages are rendered in each language); the records' own texts are data.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.models import ParticipationRecord
from meetings.selectors import published_meeting_photos, published_participation


def _counts(r: ParticipationRecord) -> str:
    return _(
        "บุคลากรสำนักงานเขต %(office)s คน ผู้บริหารสถานศึกษาและครู %(school)s คน "
        "ก.ต.ป.น. %(ktpn)s คน บุคคลภายนอกอื่น %(other)s คน รวม %(total)s คน"
    ) % {
        "office": r.count_office,
        "school": r.count_school,
        "ktpn": r.count_ktpn,
        "other": r.count_other,
        "total": r.total,
    }


def _photo_links(office, r: ParticipationRecord) -> tuple[tuple[str, str], ...]:
    """The public photos of a published meeting (only those: agenda papers and attachments stay inside)."""
    if r.meeting_id is None:
        return ()
    n = published_meeting_photos(office.pk).filter(meeting_id=r.meeting_id).count()
    if not n:
        return ()
    return ((_("ภาพกิจกรรม %(n)s ภาพ") % {"n": n}, reverse("meetings:public-photos", args=[office.code, r.meeting_id])),)


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
                (_("ประเด็น"), r.topic),
                (_("ผู้เข้าร่วม"), _counts(r)),
                (_("ผลการมีส่วนร่วม"), r.results),
                (_("การนำผลไปใช้ปรับปรุง"), r.usage or "-"),
            ),
        )


def satisfaction_records(office):
    from public.ita import ItaRecord

    for r in published_participation(office.pk).filter(source=ParticipationRecord.Source.SURVEY):
        yield ItaRecord(
            ita_year=r.fiscal_year,
            title=_("รายงานผลการสำรวจความพึงพอใจ: %(topic)s") % {"topic": r.topic},
            date=r.date,
            summary=r.results,
            document_url=reverse("meetings:public-survey-pdf", args=[r.pk]),
            details=((_("ผลการสำรวจ"), r.results), (_("การนำผลไปใช้ปรับปรุง"), r.usage or "-")),
        )


def rebuild_public_pages(office) -> None:
    """Re-render the office's public pages after a record is published or withdrawn."""
    from public.snapshot import rebuild

    rebuild(office)
