"""Results of visits as a director reads them: one row per school and round, approved and pending apart.

`load_rows()` reads (through whatever access rule the caller narrowed the visits with) the most advanced
visit of each school in each round; everything else here is pure: rows in, frozen numbers out. The
dashboard, the round summary PDF and the public pages all aggregate through these functions, so they
can never disagree, and none of them can average an approved score with a pending one: every mean here is
computed per group (`APPROVED`, `PENDING`) and returned as two numbers.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from visits.quality import quality_level

APPROVED_STATUSES = ("approved", "acknowledged")
PENDING_STATUSES = ("submitted",)
IN_PROGRESS_STATUSES = ("draft", "returned")
APPROVED, PENDING, IN_PROGRESS, NOT_VISITED = "approved", "pending", "in_progress", "not_visited"
_RANK = {"acknowledged": 4, "approved": 3, "submitted": 2, "returned": 1, "draft": 0}


def group_of(status: str | None) -> str:
    if status is None:
        return NOT_VISITED
    if status in APPROVED_STATUSES:
        return APPROVED
    if status in PENDING_STATUSES:
        return PENDING
    return IN_PROGRESS


@dataclass(frozen=True)
class ResultRow:
    """The most advanced visit of one school in one round (or the school's plan, when not visited)."""

    round_id: int
    school_id: int
    school: str
    consortium: str
    district: str
    status: str | None  # the visit's status; None = not visited
    score: float | None  # overall percent; only for submitted and approved visits
    sections: tuple[tuple[str, float | None], ...]  # (section title, percent), in the instrument's order
    recommendations: tuple[str, ...]
    date: datetime.date | None
    visit_id: str | None = None
    instrument_id: int | None = None

    @property
    def group(self) -> str:
        return group_of(self.status)


@dataclass(frozen=True)
class Mean:
    value: float | None
    count: int


@dataclass(frozen=True)
class SplitMean:
    """A mean per group: approved and pending are never pooled."""

    approved: Mean
    pending: Mean


@dataclass(frozen=True)
class SectionResult:
    title: str
    means: SplitMean


@dataclass(frozen=True)
class MatrixCell:
    percent: float | None
    level: int | None  # index into the instrument's quality levels (0 = best)
    level_label: str


@dataclass(frozen=True)
class MatrixRow:
    school: str
    consortium: str
    group: str
    overall: MatrixCell
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class Recommendation:
    text: str
    count: int
    schools: tuple[str, ...]


def _mean(values: Iterable[float | None]) -> Mean:
    vals = [v for v in values if v is not None]
    return Mean(sum(vals) / len(vals) if vals else None, len(vals))


def split_mean(rows: Sequence[ResultRow], value=lambda r: r.score) -> SplitMean:
    return SplitMean(
        _mean(value(r) for r in rows if r.group == APPROVED), _mean(value(r) for r in rows if r.group == PENDING)
    )


def section_titles(rows: Sequence[ResultRow]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for r in rows:
        for title, _ in r.sections:
            seen.setdefault(title, None)
    return tuple(seen)


def section_results(rows: Sequence[ResultRow], titles: Sequence[str] | None = None) -> tuple[SectionResult, ...]:
    titles = section_titles(rows) if titles is None else titles
    return tuple(SectionResult(t, split_mean(rows, lambda r, t=t: dict(r.sections).get(t))) for t in titles)


def consortium_results(rows: Sequence[ResultRow]) -> tuple[tuple[str, SplitMean], ...]:
    by: dict[str, list[ResultRow]] = defaultdict(list)
    for r in rows:
        by[r.consortium].append(r)
    return tuple((name, split_mean(by[name])) for name in sorted(by))


def _cell(percent: float | None, levels) -> MatrixCell:
    level = quality_level(percent, levels)
    return MatrixCell(percent, level[0] if level else None, level[1] if level else "")


def matrix(rows: Sequence[ResultRow], titles: Sequence[str], levels, group: str = APPROVED) -> tuple[MatrixRow, ...]:
    """School × section for one group, weakest overall first (ties by the weakest section, then name)."""
    out = []
    for r in rows:
        if r.group != group or r.score is None:
            continue
        by_title = dict(r.sections)
        cells = tuple(_cell(by_title.get(t), levels) for t in titles)
        out.append(MatrixRow(r.school, r.consortium, r.group, _cell(r.score, levels), cells))

    def weakest(row: MatrixRow):
        lows = [c.percent for c in row.cells if c.percent is not None]
        return (row.overall.percent, min(lows) if lows else 100.0, row.school)

    return tuple(sorted(out, key=weakest))


def level_counts(rows: Sequence[ResultRow], levels, group: str = APPROVED) -> tuple[tuple[str, int], ...]:
    counts = Counter()
    for r in rows:
        if r.group == group and r.score is not None:
            counts[quality_level(r.score, levels)[1]] += 1
    return tuple((level["label"], counts.get(level["label"], 0)) for level in levels)


def normalise(text: str) -> str:
    return " ".join(str(text).split())


def recommendations(rows: Sequence[ResultRow], limit: int = 15) -> tuple[Recommendation, ...]:
    """The most frequent recommendations of submitted and approved visits, with the schools they concern."""
    schools: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.group not in (APPROVED, PENDING):
            continue
        for text in {normalise(t) for t in r.recommendations}:
            if text:
                schools[text].add(r.school)
    ranked = sorted(schools.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return tuple(Recommendation(text, len(names), tuple(sorted(names))) for text, names in ranked)


def best_visits(visits: Iterable) -> dict[tuple[int, int], object]:
    """The most advanced visit per (round, school): approved beats submitted beats returned beats draft."""
    best: dict[tuple[int, int], object] = {}
    for v in visits:
        key = (v.round_id, v.school_id)
        cur = best.get(key)
        if cur is None or _RANK[v.status] >= _RANK[cur.status]:
            best[key] = v
    return best


def load_rows(visits, planned: Iterable[tuple[int, object]] = ()) -> list[ResultRow]:
    """Rows for the visits queryset (already narrowed by the access rule) plus not-visited planned schools.

    `planned`: (round id, School with consortium and district loaded) pairs the rounds target."""
    from django.utils import timezone

    qs = (
        visits.select_related("school__consortium", "school__district")
        .only(
            "id",
            "round_id",
            "school_id",
            "status",
            "score",
            "section_scores",
            "recommendations",
            "check_in_at",
            "created_at",
            "instrument_version__instrument_id",
            "school__name_th",
            "school__consortium__name",
            "school__district__name_th",
        )
        .select_related("instrument_version")
        .order_by("created_at")
    )
    best = best_visits(qs)
    rows = []
    for (round_id, school_id), v in best.items():
        done = v.status in APPROVED_STATUSES + PENDING_STATUSES
        sections = tuple((s.get("title", ""), s.get("percent")) for s in (v.section_scores or [])) if done else ()
        when = v.check_in_at or v.created_at
        rows.append(
            ResultRow(
                round_id=round_id,
                school_id=school_id,
                school=v.school.name_th,
                consortium=v.school.consortium.name if v.school.consortium_id else "ไม่ระบุสหวิทยาเขต",
                district=v.school.district.name_th,
                status=v.status,
                score=v.score if done else None,
                sections=sections,
                recommendations=tuple(str(t) for t in (v.recommendations or [])) if done else (),
                date=timezone.localtime(when).date() if when else None,
                visit_id=str(v.pk),
                instrument_id=v.instrument_version.instrument_id,
            )
        )
    for round_id, school in planned:
        if (round_id, school.pk) in best:
            continue
        rows.append(
            ResultRow(
                round_id=round_id,
                school_id=school.pk,
                school=school.name_th,
                consortium=school.consortium.name if school.consortium_id else "ไม่ระบุสหวิทยาเขต",
                district=school.district.name_th,
                status=None,
                score=None,
                sections=(),
                recommendations=(),
                date=None,
            )
        )
    rows.sort(key=lambda r: (r.consortium, r.school, r.round_id))
    return rows


@dataclass(frozen=True)
class Coverage:
    name: str
    planned: int
    visited: int
    submitted: int
    approved: int
    not_visited: tuple[str, ...]


def coverage(rows: Sequence[ResultRow], key=lambda r: r.consortium) -> tuple[Coverage, ...]:
    """Planned / visited / submitted / approved per consortium (or any key), with the schools not visited."""
    by: dict[str, list[ResultRow]] = defaultdict(list)
    for r in rows:
        by[key(r)].append(r)
    out = []
    for name in sorted(by):
        group = by[name]
        out.append(
            Coverage(
                name,
                len(group),
                sum(r.status is not None for r in group),
                sum(r.group in (APPROVED, PENDING) for r in group),
                sum(r.group == APPROVED for r in group),
                tuple(sorted({r.school for r in group if r.status is None})),
            )
        )
    return tuple(out)
