"""Property: no name is ever cut at a line end. Every demo name — the 81 schools, the consortia, the
districts, the people — is put through every table of every report (the sample reports with their names
swapped for the demo's), and each time a name is printed it is printed whole on one line, as a reader of the
PDF sees it (pypdf's lines, nothing folded). Columns are sized from their content
(`Writer.fit_widths`) so a name wider than its planned column widens it instead of breaking."""

import dataclasses
import itertools

import pytest

from supervision import demo
from tests.reports.pdftext import pypdf_text, squeeze
from visits.reports import samples
from visits.reports.builders import build_exam_report, build_order, build_round_summary, build_visit_report
from visits.reports.builders.common import Writer
from visits.reports.layout import FRAME_W

SCHOOLS = [row["name_th"] for row in demo.school_rows()]
CONSORTIA = [name for _code, name in demo.CONSORTIA.values()]
DISTRICTS = [f"อำเภอ{d[1]}" for d in demo.DISTRICTS]
PEOPLE = []
for i in range(90):
    prefix, first, last = demo.person_name(i)
    PEOPLE.append(f"{prefix}{first} {last}")


def _swap(data, start: int):
    """The sample with each distinct sample school / consortium / place / person name replaced by the next
    demo name (from `start` on, so the passes between them cover every demo name); returns the names used."""
    pools = {
        "school": itertools.cycle(SCHOOLS[start:] + SCHOOLS[:start]),
        "consortium": itertools.cycle(CONSORTIA[start % len(CONSORTIA) :] + CONSORTIA[: start % len(CONSORTIA)]),
        "place": itertools.cycle(DISTRICTS[start % len(DISTRICTS) :] + DISTRICTS[: start % len(DISTRICTS)]),
        "person": itertools.cycle(PEOPLE[start % len(PEOPLE) :] + PEOPLE[: start % len(PEOPLE)]),
    }
    sample_kind = {name: "consortium" for name in samples.CONSORTIA}
    sample_kind.update({name: "place" for name in samples.PLACES})
    sample_kind.update({p[0]: "person" for p in samples.PEOPLE})
    mapping: dict[str, str] = {}

    def kind_of(text: str) -> str | None:
        if text in sample_kind:
            return sample_kind[text]
        if any(text == s or text.startswith(s + " ") for s in samples.SCHOOLS):
            return "school"
        return None

    def walk(v):
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            fields = [f.name for f in dataclasses.fields(v) if f.name != "protected"]
            return dataclasses.replace(v, **{name: walk(getattr(v, name)) for name in fields})
        if isinstance(v, tuple):
            return tuple(walk(x) for x in v)
        if isinstance(v, str):
            kind = kind_of(v)
            if kind is None:
                for place in samples.PLACES:  # "อำเภอวารินชำราบ จังหวัดอุบลราชธานี · สหวิทยาเขต…"
                    if place in v and place.startswith("อำเภอ"):
                        mapping.setdefault(place, next(pools["place"]))
                        v = v.replace(place, mapping[place])
                return v
            if kind == "person":  # a new person each time: the seven committees of an order list 28
                person = next(pools[kind])
                mapping[person] = person
                return person
            if v not in mapping:
                mapping[v] = next(pools[kind])
            return mapping[v]
        return v

    swapped = walk(data)
    names = set(mapping.values())
    protected = tuple(getattr(swapped, "protected", ())) + tuple(names)
    return dataclasses.replace(swapped, protected=protected), names


def _cut_names(pdf: bytes, names) -> list[str]:
    """Names printed with a line break inside them (counted over the whole text vs. within lines)."""
    text = pypdf_text(pdf)
    lines = [squeeze(line) for line in text.splitlines()]
    flat = squeeze(text)
    cut = []
    for name in names:
        whole = sum(line.count(squeeze(name)) for line in lines)
        if flat.count(squeeze(name)) != whole:
            cut.append(name)
    return cut


def _printed(pdf: bytes, names) -> set[str]:
    flat = squeeze(pypdf_text(pdf))
    return {name for name in names if squeeze(name) in flat}


REPORTS = [
    ("round", lambda: samples.round_summary(81), build_round_summary, range(0, 12, 6)),
    ("visit", samples.visit, build_visit_report, range(0, 90, 15)),
    ("exam", samples.exam, build_exam_report, range(0, 81, 27)),
    ("order", lambda: samples.order(committees=7), build_order, range(0, 90, 30)),
]


@pytest.mark.parametrize(("kind", "make", "build", "starts"), REPORTS, ids=[r[0] for r in REPORTS])
def test_every_demo_name_prints_whole_in_every_table(kind, make, build, starts):
    used = set()
    for start in starts:
        data, names = _swap(make(), start)
        assert names, "the sample must show names to swap"
        pdf = build(data)
        printed = _printed(pdf, names)
        used |= printed
        assert len(printed) >= len(names) // 2, (kind, start, sorted(names - printed))
        assert not _cut_names(pdf, names), (kind, start)
    if kind == "round":
        assert set(SCHOOLS) <= used and set(CONSORTIA) <= used  # every school and consortium went through


def test_the_people_and_districts_all_went_through_some_report():
    used = set()
    for _kind, make, _build, starts in REPORTS:
        for start in starts:
            data, names = _swap(make(), start)
            used |= _printed(_build(data), names)
    assert set(PEOPLE[:60]) <= used
    assert len(set(DISTRICTS) & used) >= 5


def test_a_column_too_narrow_for_a_name_takes_room_from_one_with_room_to_spare():
    w = Writer(protected=SCHOOLS)
    longest = max(SCHOOLS, key=len)
    widths = w.fit_widths(["โรงเรียน", "คะแนน"], [(longest, "72.5")], [60, FRAME_W - 60])
    assert sum(widths) == pytest.approx(FRAME_W)
    assert widths[0] >= w._widest_piece(longest, "cell") - 0.01
