"""The demo office's public face: the August round's approved results published by the office director,
and dated ITA records (plan, six-month report, annual report, service statistics) with their PDFs.

Loading again changes nothing already published (records are upserted by title; a published record is
left as it is).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from public import snapshot, workflow
from public.documents import build_record_pdf
from public.models import Publication
from schedules.models import Round
from supervision.demo import DEMO_OFFICE_CODE
from supervision.models import AreaOffice
from visits.models import FollowUp, Visit
from visits.reports.data import office_info

ITA_YEAR = 2563


def _records(office) -> list[dict]:
    visits = Visit.objects.filter(school__office=office)
    approved = visits.filter(status__in=("approved", "acknowledged")).count()
    followups = FollowUp.objects.filter(school__office=office)
    return [
        {
            "section": "plan",
            "title": "แผนการนิเทศ ติดตาม และประเมินผลการจัดการศึกษา ประจำปีงบประมาณ พ.ศ. 2563",
            "record_date": datetime.date(2019, 10, 15),
            "summary": "โครงการนิเทศ ติดตามการจัดการเรียนการสอน ภาคเรียนที่ 1 (สิงหาคม 2563) ทุกโรงเรียนในสังกัด "
            "การตรวจเยี่ยมสนามสอบ O-NET และการติดตามความพร้อมการเปิดภาคเรียน พร้อมงบประมาณและระยะเวลา",
        },
        {
            "section": "monitoring",
            "title": "รายงานการกำกับติดตามการดำเนินงานตามแผน รอบ 6 เดือน ปีงบประมาณ พ.ศ. 2563",
            "record_date": datetime.date(2020, 4, 10),
            "summary": "ความก้าวหน้าของโครงการตามแผนการนิเทศ ติดตาม ครึ่งปีแรก: ดำเนินการตรวจเยี่ยมสนามสอบ O-NET "
            "ครบตามคำสั่ง และเตรียมการนิเทศ ติดตามภาคเรียนที่ 1",
        },
        {
            "section": "annual",
            "title": "รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. 2563 (การนิเทศ ติดตาม)",
            "record_date": datetime.date(2020, 9, 30),
            "summary": f"ตรวจเยี่ยมโรงเรียนตามแผน มีผลการนิเทศที่อนุมัติแล้ว {approved} โรง "
            "และติดตามผลการดำเนินงานตามข้อเสนอแนะกับโรงเรียน",
        },
        {
            "section": "statistics",
            "title": "ข้อมูลเชิงสถิติการให้บริการนิเทศ ติดตาม ปีงบประมาณ พ.ศ. 2563",
            "record_date": datetime.date(2020, 9, 30),
            "summary": f"จำนวนการตรวจเยี่ยมที่บันทึก {visits.count()} ครั้ง ผลที่อนุมัติแล้ว {approved} ครั้ง "
            f"ข้อเสนอแนะที่ติดตาม {followups.count()} รายการ "
            f"ดำเนินการแล้ว {followups.filter(status__in=('done', 'verified')).count()} รายการ",
        },
    ]


def load(*, stdout) -> dict:
    office = AreaOffice.objects.filter(code=DEMO_OFFICE_CODE).first()
    director = get_user_model().objects.filter(username="director").first()
    if office is None or director is None:
        return {}
    info = office_info(office)
    counts = {"published": 0, "unchanged": 0}
    for row in _records(office):
        p, _ = Publication.objects.get_or_create(
            office=office,
            kind=Publication.Kind.ITA,
            section=row["section"],
            title=row["title"],
            defaults={"ita_year": ITA_YEAR, "record_date": row["record_date"], "summary": row["summary"]},
        )
        if p.status == Publication.Status.PUBLISHED:
            counts["unchanged"] += 1
            continue
        if not p.document:
            pdf = build_record_pdf(info, p.title, p.record_date, [p.summary])
            p.document.save(f"{row['section']}-{ITA_YEAR}.pdf", ContentFile(pdf))
        workflow.publication_transition(publication_id=p.pk, to=Publication.Status.PUBLISHED, user=director)
        counts["published"] += 1
    aug = Round.objects.filter(slug="aug-2563").first()
    if aug is not None:
        p, _ = Publication.objects.get_or_create(
            kind=Publication.Kind.ROUND,
            round=aug,
            defaults={"office": office, "title": aug.title, "record_date": aug.end_date},
        )
        if p.status != Publication.Status.PUBLISHED:
            workflow.publication_transition(publication_id=p.pk, to=Publication.Status.PUBLISHED, user=director)
            counts["published"] += 1
        else:
            counts["unchanged"] += 1
    pages = snapshot.rebuild(office)
    return {**counts, "public_pages": pages, "url": f"/public/{office.code}/"}
