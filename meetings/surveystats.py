"""Satisfaction statistics: pure rules at the top (no ORM), the query that feeds them below.

For a scope (one item, one dimension, the whole form) over a set of responses:
- n: respondents (every respondent rates every item: the form requires it);
- mean (X̄) and SD (S.D., the sample standard deviation, n − 1) of all the 1–5 ratings given in the scope;
- percent: the mean as a percentage of the top score 5 (X̄ 4.58 → 91.60 %);
- band: the level the office's banding gives the mean rounded to two decimals, as printed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LIKERT = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}
# Lower bounds of each level, highest first: the mean (to 2 decimals) is at that level if ≥ the bound.
BANDINGS = {
    "0.5": (
        (Decimal("4.51"), "มากที่สุด"),
        (Decimal("3.51"), "มาก"),
        (Decimal("2.51"), "ปานกลาง"),
        (Decimal("1.51"), "น้อย"),
    ),
    "0.8": (
        (Decimal("4.21"), "มากที่สุด"),
        (Decimal("3.41"), "มาก"),
        (Decimal("2.61"), "ปานกลาง"),
        (Decimal("1.81"), "น้อย"),
    ),
}


@dataclass(frozen=True)
class Stat:
    n: int
    ratings: int
    mean: float
    sd: float
    percent: float
    band: str


def two_places(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_of(mean: float, banding: str) -> str:
    if banding not in BANDINGS:
        raise ValueError(f"unknown banding {banding!r}")
    rounded = two_places(mean)
    for bound, label in BANDINGS[banding]:
        if rounded >= bound:
            return label
    return "น้อยที่สุด"


def describe(values: list[int], respondents: int, banding: str) -> Stat:
    """n, X̄, S.D. (n − 1), % of 5 and band of the ratings `values` given by `respondents` people."""
    if not values:
        return Stat(0, 0, 0.0, 0.0, 0.0, "-")
    k = len(values)
    mean = sum(values) / k
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (k - 1)) if k > 1 else 0.0
    return Stat(respondents, k, mean, sd, mean / 5 * 100, band_of(mean, banding))


@dataclass(frozen=True)
class ItemResult:
    text: str
    stat: Stat


@dataclass(frozen=True)
class DimensionResult:
    name: str
    stat: Stat
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class GroupResult:
    label: str
    n: int
    stat: Stat


@dataclass(frozen=True)
class SurveyResults:
    title: str
    banding: str
    scope: str
    dimensions: tuple[DimensionResult, ...]
    overall: Stat
    groups: tuple[GroupResult, ...]
    invited: int
    suggestions: tuple[str, ...]


def summarise(
    structure: list[tuple[str, list[tuple[int, str]]]],
    ratings: list[tuple[int, int, str, int]],
    banding: str,
    *,
    title: str = "",
    scope: str = "",
    group_labels: dict[str, str] | None = None,
    invited: int = 0,
    suggestions: tuple[str, ...] = (),
) -> SurveyResults:
    """Pure: `structure` is [(dimension name, [(item id, item text)])], `ratings` [(response id, item id,
    respondent group, value)]."""
    by_item = defaultdict(list)
    respondents_of_item = defaultdict(set)
    group_values = defaultdict(list)
    group_respondents = defaultdict(set)
    for response_id, item_id, group, value in ratings:
        by_item[item_id].append(value)
        respondents_of_item[item_id].add(response_id)
        group_values[group].append(value)
        group_respondents[group].add(response_id)
    dims, all_values, all_respondents = [], [], set()
    for name, items in structure:
        values, who, rows = [], set(), []
        for item_id, text in items:
            values += by_item[item_id]
            who |= respondents_of_item[item_id]
            rows.append(ItemResult(text, describe(by_item[item_id], len(respondents_of_item[item_id]), banding)))
        dims.append(DimensionResult(name, describe(values, len(who), banding), tuple(rows)))
        all_values += values
        all_respondents |= who
    labels = group_labels or {}
    groups = tuple(
        GroupResult(labels.get(g, g), len(group_respondents[g]), describe(v, len(group_respondents[g]), banding))
        for g, v in sorted(group_values.items())
    )
    return SurveyResults(
        title=title,
        banding=banding,
        scope=scope,
        dimensions=tuple(dims),
        overall=describe(all_values, len(all_respondents), banding),
        groups=groups,
        invited=invited,
        suggestions=suggestions,
    )


def survey_results(form, *, round_id=None, academic_year=None) -> SurveyResults:
    """The results of one form over one round, one academic year, or every response."""
    from meetings.models import SurveyAnswer, SurveyInvitation, SurveyItem, SurveyResponse

    structure = []
    items = list(SurveyItem.objects.filter(dimension__form=form).select_related("dimension"))
    for dim in form.dimensions.order_by("order", "id"):
        structure.append((dim.name, [(i.pk, i.text) for i in items if i.dimension_id == dim.pk]))
    responses = SurveyResponse.objects.filter(form=form)
    invitations = SurveyInvitation.objects.filter(form=form)
    scope = "ทุกรอบ"
    if round_id is not None:
        responses = responses.filter(round_id=round_id)
        invitations = invitations.filter(visit__round_id=round_id)
        from schedules.models import Round

        scope = Round.objects.filter(pk=round_id).values_list("title", flat=True).first() or ""
    if academic_year is not None:
        responses = responses.filter(academic_year=academic_year)
        invitations = invitations.filter(visit__round__academic_year=academic_year)
        scope = f"ปีการศึกษา {academic_year}"
    ratings = list(
        SurveyAnswer.objects.filter(response__in=responses).values_list(
            "response_id", "item_id", "response__group", "value"
        )
    )
    labels = dict(SurveyInvitation.Group.choices)
    return summarise(
        structure,
        ratings,
        form.banding,
        title=form.title,
        scope=scope,
        group_labels={k: str(v) for k, v in labels.items()},
        invited=invitations.count(),
        suggestions=tuple(s for s in responses.exclude(suggestion="").values_list("suggestion", flat=True)),
    )


@dataclass(frozen=True)
class DashboardSurvey:
    """One survey form's results in the dashboard's scope, with where to read more."""

    form_id: int
    results: SurveyResults
    pdf_key: str
    scope_query: str


def dashboard_surveys(user, *, round_id=None, round_slug: str = "", academic_year=None) -> list[DashboardSurvey]:
    """The satisfaction results the directors' dashboard shows: every survey form `user` may read
    (`meetings.selectors.survey_forms_for_user`), over the dashboard's round, else its academic year."""
    from meetings.selectors import survey_forms_for_user

    out = []
    for form in survey_forms_for_user(user).filter(is_active=True).order_by("title"):
        if round_id is not None:
            res = survey_results(form, round_id=round_id)
            key, query = f"{form.pk}:{round_slug}", f"scope=round:{round_slug}"
        elif academic_year is not None:
            res = survey_results(form, academic_year=academic_year)
            key, query = f"{form.pk}:{academic_year}", f"scope=year:{academic_year}"
        else:
            res, key, query = survey_results(form), str(form.pk), ""
        out.append(DashboardSurvey(form.pk, res, key, query))
    return out
