"""What the public sees, frozen at publishing time and rendered into `PublicPage` rows.

`round_snapshot()` reads a round's APPROVED results only (aggregated per section and consortium; no
individual answers, no names of people, no contact details) when the director publishes it;
`rebuild(office)` renders every public page of the office from the published records into the database,
once per language of `settings.LANGUAGES` (Thai first, English complete: the labels are the site's, the data
— school, consortium, section and record names — stays as stored), and `public.cache` serves those rows in
the reader's language. Nothing here is read per request.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from public import ita
from public.models import Publication, PublicPage
from schedules.days import be_date
from supervision.dates import be_long
from visits import results
from visits.models import FollowUp, Visit
from visits.quality import DEFAULT_QUALITY_LEVELS
from visits.reports import drawings


def _planned(rnd):
    from schedules.models import Assignment
    from schedules.selectors import round_target_schools
    from supervision.models import School

    ids = set(round_target_schools(rnd).values_list("pk", flat=True))
    ids.update(Assignment.objects.filter(round=rnd).active().values_list("school_id", flat=True))
    return [(rnd.pk, s) for s in School.objects.filter(pk__in=ids).select_related("consortium", "district")]


def round_snapshot(publication: Publication) -> dict:
    """{"snapshot": …} of the round as the public may see it: approved results, aggregated."""
    rnd = publication.round
    all_rows = results.load_rows(Visit.objects.filter(round=rnd), _planned(rnd))
    # Coverage counts every school's state; scores come only from approved visits.
    coverage = results.coverage(all_rows)
    approved = [r for r in all_rows if r.group == results.APPROVED]
    levels = (rnd.instrument.instrument.quality_levels if rnd.instrument_id else None) or DEFAULT_QUALITY_LEVELS
    titles = results.section_titles(approved)
    sections = results.section_results(approved, titles)
    overall = results.split_mean(approved).approved
    followups = Counter(FollowUp.objects.filter(source_visit__round=rnd).values_list("status", flat=True))
    # Frozen as the Thai labels (the catalogues' msgids) whatever the publisher's language; pages translate them.
    with translation.override("th"):
        labels = {k: str(v).split(" (")[0] for k, v in FollowUp.Status.choices}
    return {
        "snapshot": {
            "title": rnd.title,
            "academic_year": rnd.academic_year,
            "start": be_date(rnd.start_date),
            "end": be_date(rnd.end_date),
            "start_date": rnd.start_date.isoformat() if rnd.start_date else None,
            "end_date": rnd.end_date.isoformat() if rnd.end_date else None,
            "planned": sum(c.planned for c in coverage),
            "visited": sum(c.visited for c in coverage),
            "approved": sum(c.approved for c in coverage),
            "coverage": [[c.name, c.planned, c.visited, c.approved] for c in coverage],
            "overall": [overall.value, overall.count],
            "sections": [[s.title, s.means.approved.value, s.means.approved.count] for s in sections],
            "consortia": [
                [name, m.approved.value, m.approved.count] for name, m in results.consortium_results(approved)
            ],
            "levels": [list(x) for x in results.level_counts(approved, list(levels))],
            "followups": [[labels[k], followups.get(k, 0)] for k in FollowUp.Status.values],
            "as_of": timezone.now().isoformat(),
        }
    }


def store_round_pdf(publication: Publication) -> None:
    """The round summary as the public may read it (approved results only), kept with the publication."""
    from public.documents import public_round_summary
    from visits.reports import builders
    from visits.reports.data import round_data

    pdf = builders.build_round_summary(public_round_summary(round_data(publication.round, approved_only=True)))
    if publication.document:
        publication.document.delete(save=False)
    publication.document.save(f"{publication.round.slug}.pdf", ContentFile(pdf), save=False)
    Publication.objects.filter(pk=publication.pk).update(document=publication.document.name)


def document_url(publication: Publication) -> str:
    return f"/public/{publication.office.code}/documents/{publication.pk}.pdf" if publication.document else ""


def _section_svg(snap: dict) -> str:
    spec = drawings.BarChartSpec(
        _("ร้อยละเฉลี่ยรายด้าน (ผลที่อนุมัติแล้ว)"),
        tuple(drawings.BarRow(title, (value,), (f"n={n}",)) for title, value, n in snap["sections"]),
    )
    return drawings.svg(drawings.bar_chart(spec), spec.title) if spec.rows else ""


def _publication_records(office):
    for p in Publication.objects.filter(office=office, kind=Publication.Kind.ITA, status=Publication.Status.PUBLISHED):
        yield (
            p.section,
            ita.ItaRecord(
                ita_year=p.ita_year, title=p.title, date=p.record_date, summary=p.summary, document_url=document_url(p)
            ),
        )


def _provider_for(section):
    def provider(office):
        return [record for key, record in _publication_records(office) if key == section]

    provider.__name__ = f"publication_{section}"
    return provider


PUBLICATION_PROVIDERS = {key: _provider_for(key) for key in ita.SECTION_KEYS}


def _shown(snap: dict, rnd) -> dict:
    """The frozen snapshot as the page in the current language shows it: its dates in that language (from
    the ISO dates it froze; snapshots frozen before they were kept fall back to the round's) and the
    follow-up states' labels, frozen in Thai, through the catalogue."""
    shown = dict(snap)
    for key in ("start", "end"):
        iso = snap.get(f"{key}_date")
        day = datetime.date.fromisoformat(iso) if iso else getattr(rnd, f"{key}_date")
        shown[key] = be_long(day) if day else snap.get(key, "")
    shown["followups"] = [[_(label), n] for label, n in snap.get("followups", [])]
    return shown


def pages(office, language: str = "th") -> dict[str, str]:
    """path -> HTML of every public page of the office in `language`, from what is published now."""
    with translation.override(language):
        rounds = list(
            Publication.objects.filter(office=office, kind=Publication.Kind.ROUND, status=Publication.Status.PUBLISHED)
            .select_related("round", "office")
            .order_by("-round__start_date")
        )
        years = ita.records(office)
        ita_years = [
            {
                "year": year,
                "sections": [
                    {"key": key, "label": label, "code": ita.item_code(key, year), "records": years[year][key]}
                    for key, label in ita.SECTIONS
                ],
            }
            for year in sorted(years, reverse=True)
        ]
        base = {"office": office, "rounds": rounds, "languages": settings.LANGUAGES}
        for p in rounds:
            p.shown = _shown(p.snapshot, p.round)
        out = {
            "": render_to_string("public/office.html", {**base, "path": "", "ita_years": ita_years}),
            "ita/": render_to_string("public/ita.html", {**base, "path": "ita/", "ita_years": ita_years}),
        }
        for p in rounds:
            path = f"rounds/{p.round.slug}/"
            out[path] = render_to_string(
                "public/round.html",
                {**base, "path": path, "p": p, "s": p.shown, "chart": _section_svg(p.snapshot), "pdf": document_url(p)},
            )
    return out


@transaction.atomic
def rebuild(office) -> int:
    """Re-render the office's public pages, in every language, into the database; pages no longer published
    (and languages no longer offered) disappear. Returns the number of pages (paths) rendered."""
    from public import cache

    languages = [code for code, _name in settings.LANGUAGES]
    PublicPage.objects.filter(office=office).exclude(language__in=languages).delete()
    for language in languages:
        rendered = pages(office, language)
        PublicPage.objects.filter(office=office, language=language).exclude(path__in=list(rendered)).delete()
        for path, html in rendered.items():
            PublicPage.objects.update_or_create(office=office, path=path, language=language, defaults={"html": html})
    transaction.on_commit(cache.clear_local)
    return len(rendered)
