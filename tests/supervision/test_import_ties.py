"""import_people reads each person's ties to schools (the conflicts of interest the planner keeps): director of
two schools, acting director while on another school's staff, deputy, teacher, staff, school board — Thai or
English kinds; a bad tie is a clear error on its row and line, and nothing is written."""

import pytest

from supervision.models import Person, SchoolTie
from tests import factories as f
from tests.supervision import test_importers as importers
from tests.supervision.test_importers import PEOPLE_HEADER, run, write_csv, write_xlsx

HEADER = [*PEOPLE_HEADER, "ties"]
place = importers.place  # the importer tests' office, districts and consortium (a fixture)


@pytest.fixture
def schools(place):
    office, mueang, _samrong, consortium = place
    return [
        f.SchoolFactory(office=office, district=mueang, consortium=consortium, code=f"103429000{n}", latitude=15.25)
        for n in range(1, 5)
    ]


def person(email, school_code="", ties=""):
    return [email, "นาย", "สมชาย", "สาธิตกุล", "ครู", "", school_code, "", "", "", ties]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ties_are_imported_and_the_planner_sees_them(schools, tmp_path, fmt):
    writer = write_csv if fmt == "csv" else write_xlsx
    rows = [
        person("two@example.test", ties="director:1034290001; ผู้อำนวยการ:1034290002"),
        person("acting@example.test", "1034290003", ties="รักษาการผู้อำนวยการ:1034290004"),
        person(
            "many@example.test", ties="deputy:1034290001;ครู:1034290002; staff:1034290003; กรรมการสถานศึกษา:1034290004"
        ),
    ]
    ok, out, err = run("import_people", writer(tmp_path / f"p.{fmt}", HEADER, rows))
    assert ok and "created 3" in out, err
    ties = set(SchoolTie.objects.values_list("person__email", "school__code", "kind"))
    assert ties == {
        ("two@example.test", "1034290001", "director"),
        ("two@example.test", "1034290002", "director"),
        ("acting@example.test", "1034290004", "acting_director"),
        ("many@example.test", "1034290001", "deputy"),
        ("many@example.test", "1034290002", "teacher"),
        ("many@example.test", "1034290003", "staff"),
        ("many@example.test", "1034290004", "board"),
    }
    acting = Person.objects.get(email="acting@example.test")
    assert acting.school.code == "1034290003"  # on one school's staff, acting director of another

    # the round data the planner reads: every tie is a school the person may not inspect
    from schedules.selectors import round_data

    round_ = f.RoundFactory(office=schools[0].office, committees=[c := f.CommitteeFactory(office=schools[0].office)])
    f.MembershipFactory(committee=c, person=acting)
    member = next(m for m in round_data(round_).committees[c.pk].members if m.person_id == acting.pk)
    assert {schools[2].pk, schools[3].pk} <= member.schools

    # importing the same file again adds nothing
    ok, out, _ = run("import_people", writer(tmp_path / f"p.{fmt}", HEADER, rows))
    assert ok and "unchanged 3" in out and SchoolTie.objects.count() == 7


BAD_TIES = [
    ("1034290001", "tie_malformed"),
    ("principal:1034290001", "tie_kind_unknown"),
    ("teacher:1034999999", "tie_school_unknown"),
    ("teacher:", "tie_malformed"),
]


@pytest.mark.parametrize(("ties", "code"), BAD_TIES, ids=[c for _t, c in BAD_TIES])
def test_a_bad_tie_names_its_line_and_nothing_is_written(schools, tmp_path, ties, code):
    rows = [person("fine@example.test", ties="teacher:1034290001"), person("bad@example.test", ties=ties)]
    ok, _out, err = run("import_people", write_csv(tmp_path / "p.csv", HEADER, rows))
    assert not ok
    assert "line 3, column ties:" in err and f"[{code}]" in err, err
    assert Person.objects.count() == 0 and SchoolTie.objects.count() == 0
