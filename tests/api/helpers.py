"""Small builders for API tests: a published instrument version with rating/yes-no/text items."""

from django.utils import timezone

from visits.models import Instrument, InstrumentVersion, Item, Section

RATING_LEVELS = [{"value": v, "label": label} for v, label in [(1, "ต้องปรับปรุง"), (2, "พอใช้"), (3, "ดี"), (4, "ดีมาก")]]


def make_instrument_version(*, office=None, items=6, sections=2, code="aug-form", published=True):
    instrument, _ = Instrument.objects.get_or_create(code=code, defaults={"office": office, "name": f"แบบนิเทศ {code}"})
    number = (instrument.versions.count() or 0) + 1
    version = InstrumentVersion.objects.create(instrument=instrument, number=number)
    made = []
    for s in range(sections):
        section = Section.objects.create(version=version, order=s + 1, title=f"ด้านที่ {s + 1}")
        for i in range(items // sections):
            n = len(made) + 1
            kind = Item.Type.RATING if n % 3 else Item.Type.YES_NO
            made.append(
                Item.objects.create(
                    version=version,
                    section=section,
                    order=i + 1,
                    code=f"{s + 1}.{i + 1}",
                    type=kind,
                    text=f"ข้อคำถามที่ {n}",
                    levels=RATING_LEVELS if kind == Item.Type.RATING else [],
                )
            )
    if published:
        version.status = InstrumentVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save()
    return version
