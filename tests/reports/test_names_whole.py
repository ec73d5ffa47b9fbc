"""Property: no name is ever cut at a line end. Every demo name — the 81 schools, the consortia, the
districts, the people — is put through every table of every report (the sample reports with their names
swapped for the demo's), and each time a name is printed it is printed whole on one line, as a reader of the
PDF sees it (pypdf's lines, nothing folded). Columns are sized from their content
(`Writer.fit_widths`) so a name wider than its planned column widens it instead of breaking."""

import dataclasses
import itertools
from datetime import date, datetime

import pytest

from supervision import demo
from tests.reports.pdftext import pypdf_text, squeeze
from visits import demo as visit_demo
from visits.reports import samples
from visits.reports.builders import build_exam_report, build_order, build_round_summary, build_visit_report
from visits.reports.builders.common import Writer
from visits.reports.layout import FRAME_W
from visits.reports.thaitext import KEPT_WORDS, be_date, digits

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


# --- dates and the instruments' words -------------------------------------------------------------

# Every month, the longest days: each date field of each sample takes the next of these in turn.
DATES = [date(2020, month, day) for day in (1, 28) for month in range(1, 13)]
DATE_FORMATS = ("%-d %B %Y", "%-d %b %y", "%-d %B พ.ศ. %Y")
DATE_LEADS = ("วันที่", "ณ วันที่")
INSTRUMENT_WORDS = sorted({*KEPT_WORDS, "ตัวชี้วัด"})


def _with_dates(data, start: int):
    """The sample with every date and date-time replaced by the next of DATES (from `start` on); returns the
    dates used."""
    pool = itertools.cycle(DATES[start:] + DATES[:start])
    used: set[date] = set()

    def walk(v):
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return dataclasses.replace(v, **{f.name: walk(getattr(v, f.name)) for f in dataclasses.fields(v)})
        if isinstance(v, tuple):
            return tuple(walk(x) for x in v)
        if isinstance(v, datetime):
            day = next(pool)
            used.add(day)
            return v.replace(year=day.year, month=day.month, day=day.day)
        if isinstance(v, date):
            day = next(pool)
            used.add(day)
            return day
        return v

    return walk(data), used


def _date_texts(days) -> set[str]:
    """Every way the reports print these days: each format, Arabic and Thai digits, alone and after the
    "วันที่" / "ณ วันที่" that introduces them (day, month and year stay together, and with their วันที่)."""
    dates = {be_date(day, thai, fmt) for day in days for fmt in DATE_FORMATS for thai in (False, True)}
    return dates | {f"{lead} {d}" for d in dates for lead in DATE_LEADS}


def _demo_item_texts() -> list[str]:
    """The demo instruments' item texts (the August round's, the O-NET site checklist's, the re-opening's)."""
    return [row[4] for rows in (visit_demo.AUG_FORM, visit_demo.ONET_FORM, visit_demo.REOPEN_FORM) for row in rows]


@pytest.mark.parametrize(("kind", "make", "build", "starts"), REPORTS, ids=[r[0] for r in REPORTS])
def test_every_date_prints_whole(kind, make, build, starts):
    """Every BE date a report prints ("1 กุมภาพันธ์ 2563", "28 พ.ย. 63", "๑ มกราคม พ.ศ. ๒๕๖๓") is on one
    line, with the demo's names swapped in; every month goes through every date field of every report."""
    printed_any = set()
    for start in (0, 7, 13, 19):
        data, _names = _swap(make(), starts[0])
        data, days = _with_dates(data, start)
        assert days, "the sample must print dates"
        pdf = build(data)
        texts = _date_texts(days)
        printed = _printed(pdf, texts)
        assert printed, (kind, start)
        printed_any |= printed
        assert not _cut_names(pdf, texts), (kind, start, _cut_names(pdf, texts))
    assert any(str(d.year + 543) in t or digits(d.year + 543, True) in t for d in DATES for t in printed_any)
    if kind in ("exam", "order"):  # their headings, schedules and signature say "วันที่ …" and "ณ วันที่ …"
        assert any(t.startswith("วันที่ ") for t in printed_any), kind
    if kind == "order":
        assert any(t.startswith("ณ วันที่ ") for t in printed_any)


def test_the_instruments_item_words_print_whole():
    """The visit report's item table with every demo instrument item as its questions, in the item column
    and in the narrower note column: no ตัวชี้วัด (or any word in KEPT_WORDS) is cut at a line end."""
    items = _demo_item_texts()
    assert any("ตัวชี้วัด" in text for text in items)
    base = samples.visit()
    for chunk in range(0, len(items), 20):
        answers = tuple(
            dataclasses.replace(a, question=text, note=items[(i + 7) % len(items)])
            for i, (a, text) in enumerate(zip(itertools.cycle(base.answers), items[chunk : chunk + 20], strict=False))
        )
        pdf = build_visit_report(dataclasses.replace(base, answers=answers))
        assert _printed(pdf, INSTRUMENT_WORDS), chunk
        assert not _cut_names(pdf, INSTRUMENT_WORDS), chunk


@pytest.mark.parametrize(("kind", "make", "build", "starts"), REPORTS, ids=[r[0] for r in REPORTS])
def test_indicator_and_testing_words_print_whole_in_every_report(kind, make, build, starts):
    for start in starts:
        data, _names = _swap(make(), start)
        assert not _cut_names(build(data), INSTRUMENT_WORDS), (kind, start)


def test_a_date_wider_than_its_line_breaks_between_its_words_not_inside_one():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from visits.reports import fonts
    from visits.reports.thaitext import break_lines, segment

    fonts.register_fonts()
    text = "28 พฤศจิกายน 2563"
    assert segment(text) == [text]
    assert segment(f"วันที่ {text}") == [f"วันที่ {text}"]  # with its วันที่ too
    assert segment(f"สั่ง ณ วันที่ {text}") == ["สั่ง", " ", f"ณ วันที่ {text}"]
    assert segment(f"ประมาณ วันที่ {text}") == ["ประมาณ", " ", f"วันที่ {text}"]  # ณ ending a word is not ณ
    wide = break_lines(f"วันที่ {text}", fonts.REGULAR, 11, stringWidth("วันที่ 28 พฤศจิกายน", fonts.REGULAR, 11) + 2)
    assert wide == ["วันที่ 28 พฤศจิกายน", "2563"], wide  # wider than its line: cut between its words
    lines = break_lines(text, fonts.REGULAR, 11, stringWidth("พฤศจิกายน", fonts.REGULAR, 11) + 2)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(line in ("28", "พฤศจิกายน", "2563", "28 พฤศจิกายน", "พฤศจิกายน 2563") for line in lines), lines


def test_wanthi_stays_with_its_date_at_every_place_on_a_line():
    """A date is never cut from the "วันที่" (or "ณ วันที่") before it, nor a year from its "ปีการศึกษา", wherever
    the words before them put them on a line: in a report's paragraph and in an official order's justified one,
    the words before each pair growing a little at a time (so "วันที่" falls at the end of a line at some point).
    Read in the breaker's own lines and in pdftotext's raw output."""
    import io

    from pypdf import PdfReader
    from reportlab.platypus import SimpleDocTemplate

    from tests.reports.pdftext import pdftotext
    from tests.reports.test_official import _line_boxes
    from visits.reports import fonts
    from visits.reports.official import FRAME_W, OFFICIAL_MARGINS, JustifiedThai, official_styles
    from visits.reports.styles import styles
    from visits.reports.thaitext import ThaiParagraph

    fonts.register_fonts()
    filler = "ให้ คณะกรรมการ ดำเนินการ นิเทศ ติดตาม การจัดการศึกษา ของสถานศึกษา ใน สังกัด อย่างต่อเนื่อง".split()
    leads = [" ".join([*filler[: n % len(filler) + 1], "ก" * (n // len(filler))]).strip() for n in range(60)]
    pairs = (f"วันที่ {be_date(date(2020, 2, 1))}", f"ณ วันที่ {be_date(date(2020, 2, 2))}", "ปีการศึกษา 2563")
    texts = [f"{lead} {pairs[0]} และสั่ง {pairs[1]} เพื่อทราบและถือปฏิบัติโดยเคร่งครัด {lead} {pairs[2]}" for lead in leads]
    width = FRAME_W - 12  # SimpleDocTemplate's frame has 6 pt of padding on each side
    right = OFFICIAL_MARGINS["left"] + 6 + width
    for make, justified in (
        (lambda text: ThaiParagraph(text, styles()["body"]), False),
        (lambda text: JustifiedThai(text, official_styles()["body"]), True),
    ):
        flowables = [make(text) for text in texts]
        for flowable in flowables:
            flowable.wrap(width, 1e6)
            lines = [line if isinstance(line, str) else line[0] for line in flowable._lines]
            for pair in pairs:
                assert sum(pair in line for line in lines) == 1, (pair, lines)
        buf = io.BytesIO()
        doc = SimpleDocTemplate(buf, leftMargin=OFFICIAL_MARGINS["left"], rightMargin=OFFICIAL_MARGINS["right"])
        doc.build(flowables)
        raw = pdftotext(buf.getvalue(), "-raw").splitlines()
        for pair in pairs:
            assert sum(line.count(pair) for line in raw) == len(texts), pair
        if justified:  # lines fill up to the margin, never past it
            pdf = buf.getvalue()
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            boxes = [box for page in range(1, pages + 1) for box in _line_boxes(pdf, page)]
            assert len(boxes) >= 2 * len(texts)
            assert all(x1 <= right + 0.5 for _, _, x1 in boxes), max(x1 for _, _, x1 in boxes)
