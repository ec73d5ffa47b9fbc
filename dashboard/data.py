"""The dashboard's numbers for one round or all rounds of an academic year, as frozen data.

Reads go through `dashboard.selectors` (rounds, visits and follow-ups the user may read); the aggregation
is `visits.results` (approved and pending always apart). The charts are `visits.reports.drawings` specs,
drawn as SVG on the page from the same definitions the round summary PDF places in its story.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard import selectors
from schedules.models import Assignment, Round
from schedules.selectors import round_target_schools
from supervision.models import Consortium, District, School
from visits import results
from visits.models import Answer, FollowUp, Instrument
from visits.quality import DEFAULT_QUALITY_LEVELS
from visits.reports import drawings
from visits.scoring import item_percent


@dataclass(frozen=True)
class Filters:
    round_slug: str = ""
    academic_year: int | None = None
    consortium_id: int | None = None
    district_id: int | None = None
    school_id: int | None = None
    map_colour: str = "status"  # status | score

    @classmethod
    def from_query(cls, query) -> Filters:
        def number(name):
            value = (query.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        colour = query.get("colour") if query.get("colour") in ("status", "score") else "status"
        return cls(
            round_slug=(query.get("round") or "").strip(),
            academic_year=number("year"),
            consortium_id=number("consortium"),
            district_id=number("district"),
            school_id=number("school"),
            map_colour=colour,
        )


@dataclass(frozen=True)
class ItemResult:
    code: str
    text: str
    section: str
    means: results.SplitMean


@dataclass(frozen=True)
class Change:
    previous_title: str
    overall: tuple[float | None, float | None]  # (previous approved mean, current approved mean)
    sections: tuple[tuple[str, float | None, float | None], ...]
    improved: int  # schools whose approved score rose
    declined: int


@dataclass(frozen=True)
class InstrumentBlock:
    instrument: str
    levels: tuple[dict, ...]
    overall: results.SplitMean
    sections: tuple[results.SectionResult, ...]
    items: tuple[ItemResult, ...]
    matrix_approved: tuple[results.MatrixRow, ...]
    matrix_pending: tuple[results.MatrixRow, ...]
    level_counts: tuple[tuple[str, int], ...]
    change: Change | None
    section_chart: drawings.BarChartSpec


@dataclass(frozen=True)
class Overdue:
    school: str
    owner: str
    recommendation: str
    due: datetime.date
    days: int


@dataclass(frozen=True)
class Fairness:
    school: str
    consortium: str
    visits: int
    rounds: int


@dataclass(frozen=True)
class Dashboard:
    title: str
    scope: str  # round | year | none
    round: Round | None
    academic_year: int | None
    rounds: tuple[Round, ...]
    rows: tuple[results.ResultRow, ...]
    totals: results.Coverage
    coverage: tuple[results.Coverage, ...]
    coverage_chart: drawings.BarChartSpec
    map: drawings.MapSpec
    blocks: tuple[InstrumentBlock, ...]
    consortium_means: tuple[tuple[str, results.SplitMean], ...]
    recommendations: tuple[results.Recommendation, ...]
    followup_status: tuple[tuple[str, int], ...]
    overdue: tuple[Overdue, ...]
    fairness: tuple[Fairness, ...]
    least_visited: tuple[Fairness, ...]
    # Distinct schools planned in the scope's rounds, and of them those visited in at least one (the year view
    # counts each round's plan apart in `totals`: a school planned in three rounds is three planned visits).
    schools_planned: int = 0
    schools_visited: int = 0
    choices: dict = field(default_factory=dict, compare=False)


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _planned(rounds) -> list[tuple[int, School]]:
    pairs = []
    for rnd in rounds:
        schools = set(round_target_schools(rnd).values_list("id", flat=True))
        schools.update(Assignment.objects.filter(round=rnd).active().values_list("school_id", flat=True))
        pairs.extend((rnd.pk, sid) for sid in schools)
    by_id = School.objects.select_related("consortium", "district").in_bulk({sid for _, sid in pairs})
    return [(rid, by_id[sid]) for rid, sid in pairs if sid in by_id]


def _narrow(qs, f: Filters, prefix: str = "school__"):
    if f.consortium_id:
        qs = qs.filter(**{f"{prefix}consortium_id": f.consortium_id})
    if f.district_id:
        qs = qs.filter(**{f"{prefix}district_id": f.district_id})
    if f.school_id:
        qs = qs.filter(**{f"{prefix}id" if prefix else "id": f.school_id})
    return qs


def _keep(school: School, f: Filters) -> bool:
    return (
        (not f.consortium_id or school.consortium_id == f.consortium_id)
        and (not f.district_id or school.district_id == f.district_id)
        and (not f.school_id or school.pk == f.school_id)
    )


def select_rounds(user, f: Filters) -> tuple[str, Round | None, int | None, list[Round]]:
    """(scope, the round, the academic year, the rounds) the filters name; the newest round by default."""
    rounds = selectors.dashboard_rounds(user).select_related("office", "instrument__instrument")
    if f.round_slug:
        rnd = rounds.filter(slug=f.round_slug).first()
        return ("round", rnd, rnd.academic_year, [rnd]) if rnd else ("none", None, None, [])
    if f.academic_year:
        chosen = list(rounds.filter(academic_year=f.academic_year).order_by("start_date"))
        return ("year", None, f.academic_year, chosen) if chosen else ("none", None, f.academic_year, [])
    rnd = rounds.exclude(status=Round.Status.DRAFT).order_by("-start_date").first() or rounds.first()
    return ("round", rnd, rnd.academic_year, [rnd]) if rnd else ("none", None, None, [])


def _item_results(rows, items_for) -> tuple[ItemResult, ...]:
    """Per-item means for approved and pending visits, from the stored answers."""
    ids = {results.APPROVED: [], results.PENDING: []}
    for r in rows:
        if r.visit_id and r.group in ids:
            ids[r.group].append(r.visit_id)
    values: dict[int, dict[str, list[float]]] = defaultdict(lambda: {results.APPROVED: [], results.PENDING: []})
    meta = {}
    for group, visit_ids in ids.items():
        if not visit_ids:
            continue
        for a in Answer.objects.filter(visit_id__in=visit_ids, item__in=items_for).select_related("item__section"):
            p = item_percent(a.item, a.value)
            if p is None:
                continue
            values[a.item_id][group].append(p)
            meta[a.item_id] = a.item
    ordered = sorted(meta.values(), key=lambda i: (i.section.order, i.order, i.code))

    def mean(xs):
        return results.Mean(sum(xs) / len(xs) if xs else None, len(xs))

    return tuple(
        ItemResult(
            i.code,
            i.text,
            i.section.title,
            results.SplitMean(mean(values[i.id][results.APPROVED]), mean(values[i.id][results.PENDING])),
        )
        for i in ordered
    )


def _previous_round(rounds: list[Round], instrument_id: int) -> Round | None:
    first = min(r.start_date for r in rounds)
    office_ids = {r.office_id for r in rounds}
    return (
        Round.objects.filter(office_id__in=office_ids, instrument__instrument_id=instrument_id, start_date__lt=first)
        .order_by("-start_date")
        .first()
    )


def _change(user, rounds, instrument_id, rows, titles, f: Filters) -> Change | None:
    previous = _previous_round(rounds, instrument_id)
    if previous is None:
        return None
    visits = _narrow(selectors.dashboard_visits(user).filter(round=previous), f)
    before = [r for r in results.load_rows(visits) if r.group == results.APPROVED]
    now = [r for r in rows if r.group == results.APPROVED]
    if not before:
        return Change(previous.title, (None, results.split_mean(now).approved.value), (), 0, 0)
    prev_sections = {s.title: s.means.approved.value for s in results.section_results(before)}
    cur_sections = {s.title: s.means.approved.value for s in results.section_results(now, titles)}
    prev_school = {r.school_id: r.score for r in before}
    improved = declined = 0
    for r in now:
        old = prev_school.get(r.school_id)
        if old is not None and r.score is not None:
            improved += r.score > old
            declined += r.score < old
    return Change(
        previous.title,
        (results.split_mean(before).approved.value, results.split_mean(now).approved.value),
        tuple((t, prev_sections.get(t), cur_sections.get(t)) for t in titles),
        improved,
        declined,
    )


def _blocks(user, rounds, rows, f: Filters, thai_digits: bool, words) -> tuple[InstrumentBlock, ...]:
    by_instrument: dict[int, list] = defaultdict(list)
    for r in rows:
        if r.instrument_id is not None:
            by_instrument[r.instrument_id].append(r)
    out = []
    for instrument in Instrument.objects.filter(pk__in=by_instrument).order_by("name"):
        rows_i = by_instrument[instrument.pk]
        if not any(r.score is not None for r in rows_i):
            continue
        levels = tuple(instrument.quality_levels or DEFAULT_QUALITY_LEVELS)
        titles = results.section_titles(rows_i)
        sections = results.section_results(rows_i, titles)
        items = _item_results(rows_i, instrument_items(instrument))
        out.append(
            InstrumentBlock(
                instrument=instrument.name,
                levels=levels,
                overall=results.split_mean(rows_i),
                sections=sections,
                items=items,
                matrix_approved=results.matrix(rows_i, titles, list(levels), results.APPROVED),
                matrix_pending=results.matrix(rows_i, titles, list(levels), results.PENDING),
                level_counts=results.level_counts(rows_i, list(levels)),
                change=_change(user, [r for r in rounds if r.instrument_id], instrument.pk, rows_i, titles, f),
                section_chart=section_chart(sections, levels, thai_digits, words),
            )
        )
    return tuple(out)


def chart_words() -> drawings.ChartWords:
    """The charts' own words in the active language (the request's), from this app's catalogue. In Thai they
    are the very words the round summary PDF prints (`drawings.THAI_WORDS`), so the Thai page and the report
    read the same; data on a chart (consortium, section and district names) stays as stored."""
    return drawings.ChartWords(
        approved=_("อนุมัติแล้ว"),
        pending=_("รออนุมัติ"),
        visited=_("ตรวจเยี่ยมแล้ว"),
        sections_title=_("ร้อยละเฉลี่ยรายด้าน"),
        sections_approved_title=_("ร้อยละเฉลี่ยรายด้าน (ผลที่อนุมัติแล้ว)"),
        coverage_title=_("ร้อยละของโรงเรียนที่ตรวจเยี่ยมแล้วและอนุมัติแล้ว รายสหวิทยาเขต"),
        no_coordinates=_("ไม่มีพิกัดโรงเรียน"),
    )


def section_chart(sections, levels, thai_digits: bool = False, words=drawings.THAI_WORDS) -> drawings.BarChartSpec:
    """The per-section chart: the same `drawings.sections_spec` the round summary PDF draws."""
    return drawings.sections_spec(
        [
            (s.title, s.means.approved.value, s.means.approved.count, s.means.pending.value, s.means.pending.count)
            for s in sections
        ],
        [level["min"] for level in levels if level["min"] > 0],
        thai_digits,
        words=words,
    )


def instrument_items(instrument):
    from visits.models import Item

    return Item.objects.filter(version__instrument=instrument)


def coverage_chart(coverage, thai_digits: bool = False, words=drawings.THAI_WORDS) -> drawings.BarChartSpec:
    """The coverage chart: the same `drawings.coverage_spec` the round summary PDF draws."""
    return drawings.coverage_spec(coverage, thai_digits, words=words)


# The map's legend, read in the request's language when the map is built.
STATUS_LEGEND = (
    ("not_visited", gettext_lazy("ยังไม่ตรวจเยี่ยม")),
    ("in_progress", gettext_lazy("กำลังบันทึก/ส่งกลับ")),
    ("pending", gettext_lazy("ส่งแล้ว รออนุมัติ")),
    ("approved", gettext_lazy("อนุมัติแล้ว")),
)


def school_map_spec(rows, schools: dict[int, School], colour: str, levels) -> drawings.MapSpec:
    """Schools as dots at their stored coordinates (status or approved-score level), district centres named;
    its title and legend in the request's language (an instrument's quality-level names are its own data,
    shown as the office typed them, as in the tables)."""
    best: dict[int, results.ResultRow] = {}
    order = {results.NOT_VISITED: 0, results.IN_PROGRESS: 1, results.PENDING: 2, results.APPROVED: 3}
    for r in rows:  # a school visited in several rounds shows its most advanced state
        if r.school_id not in best or order[r.group] >= order[best[r.school_id].group]:
            best[r.school_id] = r
    points = []
    counts: Counter = Counter()
    for sid, r in best.items():
        s = schools.get(sid)
        if s is None or s.latitude is None:
            continue
        if colour == "score":
            level = results.quality_level(r.score, list(levels)) if r.group == results.APPROVED else None
            key = f"level{level[0]}" if level else "none"
        else:
            key = r.group
        counts[key] += 1
        points.append(drawings.MapPoint(s.latitude, s.longitude, key, s.name_th))
    districts = {s.district_id: s.district for s in schools.values()}
    places = tuple(
        drawings.MapPlace(d.latitude, d.longitude, d.name_th)
        for d in sorted(districts.values(), key=lambda d: d.name_th)
        if d.latitude is not None
    )
    if colour == "score":
        legend = (
            *(
                (f"level{k}", level["label"], drawings.LEVEL_COLOURS[min(k, len(drawings.LEVEL_COLOURS) - 1)])
                for k, level in enumerate(levels)
            ),
            ("none", _("ยังไม่มีผลที่อนุมัติ"), drawings.STATUS_COLOURS["not_visited"]),
        )
        title = _("แผนที่โรงเรียน: ระดับคุณภาพของผลที่อนุมัติแล้ว")
    else:
        legend = tuple((key, str(label), drawings.STATUS_COLOURS[key]) for key, label in STATUS_LEGEND)
        title = _("แผนที่โรงเรียน: สถานะการตรวจเยี่ยม")
    return drawings.MapSpec(title, tuple(points), places, legend, dict(counts), empty_text=chart_words().no_coordinates)


def _followups(user, rounds, f: Filters):
    qs = _narrow(selectors.dashboard_followups(user).filter(source_visit__round__in=rounds), f)
    labels = {k: str(v).split(" (")[0] for k, v in FollowUp.Status.choices}
    counts = Counter(qs.values_list("status", flat=True))
    status = tuple((labels[k], counts[k]) for k in FollowUp.Status.values)
    today = timezone.localdate()
    overdue = tuple(
        Overdue(
            fu.school.name_th,
            fu.owner.full_name if fu.owner_id else "ยังไม่ระบุผู้รับผิดชอบ",
            fu.recommendation,
            fu.due_date,
            (today - fu.due_date).days,
        )
        for fu in qs.filter(status__in=FollowUp.OPEN_STATUSES, due_date__lt=today)
        .select_related("school", "owner")
        .order_by("school__name_th", "owner__first_name", "due_date", "id")
    )
    return status, overdue


# A visit counts once it has taken place: checked in at the school, or past its draft. A draft prepared ahead
# on the tablet (no check-in yet) is a plan, not a visit.
TOOK_PLACE = Q(check_in_at__isnull=False) | ~Q(status="draft")


def _fairness(user, year: int | None, office_ids: set[int], f: Filters):
    """Visits each school received over the academic year (every recorded visit, all rounds), fewest first."""
    if year is None:
        return (), ()
    schools = _narrow(School.objects.filter(office_id__in=office_ids, is_active=True), f, prefix="")
    visits = selectors.dashboard_visits(user).filter(round__academic_year=year).filter(TOOK_PLACE)
    per_school = visits.order_by().values("school_id").annotate(n=Count("id"), r=Count("round", distinct=True))
    counts = {row["school_id"]: row["n"] for row in per_school}
    rounds = {row["school_id"]: row["r"] for row in per_school}
    rows = tuple(
        sorted(
            (
                Fairness(
                    s.name_th,
                    s.consortium.name if s.consortium_id else "ไม่ระบุสหวิทยาเขต",
                    counts.get(s.pk, 0),
                    rounds.get(s.pk, 0),
                )
                for s in schools.select_related("consortium")
            ),
            key=lambda x: (x.visits, x.school),
        )
    )
    return rows, rows[: settings.DASHBOARD_LEAST_VISITED]


def dashboard_data(user, f: Filters) -> Dashboard:
    scope, rnd, year, rounds = select_rounds(user, f)
    office_ids = {r.office_id for r in rounds}
    planned = [(rid, s) for rid, s in _planned(rounds) if _keep(s, f)]
    visits = _narrow(selectors.dashboard_visits(user).filter(round__in=rounds), f)
    rows = results.load_rows(visits, planned)
    coverage = results.coverage(rows)
    totals = results.Coverage(
        "รวม",
        sum(c.planned for c in coverage),
        sum(c.visited for c in coverage),
        sum(c.submitted for c in coverage),
        sum(c.approved for c in coverage),
        tuple(n for c in coverage for n in c.not_visited),
    )
    # Thai digits are the office's choice for Thai readers; an English page prints its numbers in Arabic digits.
    thai_reader = (translation.get_language() or "th").startswith("th")
    thai_digits = bool(rounds and rounds[0].office.thai_digits) and thai_reader
    words = chart_words()
    blocks = _blocks(user, rounds, rows, f, thai_digits, words)
    school_ids = {r.school_id for r in rows}
    schools = School.objects.select_related("district").in_bulk(school_ids)
    levels = blocks[0].levels if blocks else tuple(DEFAULT_QUALITY_LEVELS)
    status, overdue = _followups(user, rounds, f)
    fairness, least = _fairness(user, year, office_ids, f)
    if scope == "round":
        title = rnd.title
    elif scope == "year":
        title = f"ทุกรอบของปีการศึกษา {year}"
    else:
        title = "ยังไม่มีรอบการนิเทศที่ดูได้"
    all_rounds = selectors.dashboard_rounds(user).order_by("-start_date")
    visible_offices = set(all_rounds.values_list("office_id", flat=True)) | office_ids
    return Dashboard(
        title=title,
        scope=scope,
        round=rnd,
        academic_year=year,
        rounds=tuple(rounds),
        rows=tuple(rows),
        totals=totals,
        coverage=coverage,
        coverage_chart=coverage_chart(coverage, thai_digits, words),
        map=school_map_spec(rows, schools, f.map_colour, levels),
        blocks=blocks,
        consortium_means=results.consortium_results(rows),
        recommendations=results.recommendations(rows),
        followup_status=status,
        overdue=overdue,
        fairness=fairness,
        least_visited=least,
        schools_planned=len({r.school_id for r in rows}),
        schools_visited=len(
            {r.school_id for r in rows} & set(visits.filter(TOOK_PLACE).values_list("school_id", flat=True))
        ),
        choices={
            "rounds": list(all_rounds),
            "years": sorted(set(all_rounds.values_list("academic_year", flat=True)), reverse=True),
            "consortia": list(Consortium.objects.filter(office_id__in=visible_offices).order_by("name")),
            "districts": list(
                District.objects.filter(schools__office_id__in=visible_offices).distinct().order_by("name_th")
            ),
            "schools": list(
                School.objects.filter(office_id__in=visible_offices, is_active=True)
                .filter(Q(consortium_id=f.consortium_id) if f.consortium_id else Q())
                .order_by("name_th")
                .only("id", "name_th")
            ),
        },
    )
