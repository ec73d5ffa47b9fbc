"""A second office in the permission matrix for every admin write and import.

Cora coordinates office SEC29; office SEC99 has its own schools, people, committees, rounds, sessions,
instruments, follow-ups and notifications. Every admin form cora can open (add pages and the change page of
one of her own records, inlines included) offers no choice that belongs to SEC99, and the instrument import
never adds a version to another office's instrument (or to a shared one).
"""

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ModelChoiceField
from django.test import Client, RequestFactory

from tests import factories as f
from tests.visits.test_instruments import GOOD, as_csv
from visits.models import Instrument, InstrumentVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_offices(actors):
    """Records of both offices; returns (actors, {model: {pks of the other office}})."""
    other = f.AreaOfficeFactory(code="SEC99", name="สำนักงานอื่น")
    own_version = f.InstrumentVersionFactory(instrument=f.InstrumentFactory(code="own", office=actors.office))
    own_round = f.RoundFactory(office=actors.office, instrument=own_version, committees=[actors.committee_a])
    f.AssignmentFactory(round=own_round, committee=actors.committee_a, school=actors.school_a)
    f.FollowUpFactory(school=actors.school_a)
    f.NotificationPreferenceFactory(person=actors.alice)
    f.RoundReminderPolicyFactory(round=own_round)
    f.OfficeClosureFactory(office=actors.office, date=datetime.date(2020, 8, 7))

    consortium = f.ConsortiumFactory(office=other)
    school = f.SchoolFactory(office=other, consortium=consortium)
    person = f.PersonFactory(office=other, user=f.UserFactory(username="outsider"))
    committee = f.CommitteeFactory(office=other, signed_by=person)
    membership = f.MembershipFactory(committee=committee, person=person)
    version = f.InstrumentVersionFactory(instrument=f.InstrumentFactory(code="theirs", office=other))
    draft = f.InstrumentVersionFactory(instrument=version.instrument, status="draft")
    round_ = f.RoundFactory(office=other, instrument=version, committees=[committee])
    assignment = f.AssignmentFactory(round=round_, committee=committee, school=school)
    followup = f.FollowUpFactory(school=school, owner=person)
    foreign = {
        "AreaOffice": {other.pk},
        "Consortium": {consortium.pk},
        "School": {school.pk},
        "Person": {person.pk},
        "User": {person.user_id},
        "Committee": {committee.pk},
        "Membership": {membership.pk},
        "Instrument": {version.instrument_id},
        "InstrumentVersion": {version.pk, draft.pk},
        "Section": set(version.sections.values_list("pk", flat=True))
        | set(draft.sections.values_list("pk", flat=True)),
        "Round": {round_.pk},
        "RoundSession": set(round_.sessions.values_list("pk", flat=True)),
        "Assignment": {assignment.pk},
        "FollowUp": {followup.pk},
    }
    return actors, foreign


def _forms(model_admin, request, obj):
    """(label, form class, the inline's own parent field) of the admin form and each of its inlines for `obj`
    (None = the add page). The parent field of an inline is always the page's object, whatever it lists."""
    yield f"{model_admin}", model_admin.get_form(request, obj), None
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        yield f"{model_admin} / {type(inline).__name__}", formset.form, formset.fk.name


def test_no_admin_form_offers_another_offices_records(two_offices):
    actors, foreign = two_offices
    request = RequestFactory().get("/admin/")
    request.user = actors.cora.user
    leaks = []
    checked = 0
    for model_admin in admin.site._registry.values():
        if not model_admin.has_module_permission(request):
            continue
        pages = []
        if model_admin.has_add_permission(request):
            pages.append(None)
        own = model_admin.get_queryset(request).first()
        if own is not None and model_admin.has_change_permission(request, own):
            pages.append(own)
        for obj in pages:
            for label, form, parent_field in _forms(model_admin, request, obj):
                for name, field in form.base_fields.items():
                    if name == parent_field or not isinstance(field, ModelChoiceField):
                        continue
                    checked += 1
                    related = field.queryset.model.__name__
                    bad = set(field.queryset.filter(pk__in=foreign.get(related, ())).values_list("pk", flat=True))
                    if bad:
                        leaks.append(f"{label} ({'add' if obj is None else 'change'}): {name} offers {related} {bad}")
    assert checked > 20
    assert leaks == [], "\n".join(leaks)


def test_admin_actions_touch_only_the_users_office(two_offices):
    actors, foreign = two_offices
    client = Client()
    client.force_login(actors.cora.user)
    shared_draft = f.InstrumentVersionFactory(
        instrument=f.InstrumentFactory(code="shared", office=None), status="draft"
    )
    theirs = [*sorted(foreign["InstrumentVersion"]), shared_draft.pk]
    for action in ("publish", "draft_copy"):
        client.post("/admin/visits/instrumentversion/", {"action": action, "_selected_action": theirs})
    assert InstrumentVersion.objects.filter(instrument__code="theirs").count() == 2
    assert InstrumentVersion.objects.filter(instrument__code="theirs", status="draft").count() == 1
    assert list(InstrumentVersion.objects.filter(instrument__code="shared").values_list("status", flat=True)) == [
        "draft"
    ]
    # A shared version is shown, not editable, by a coordinator.
    page = client.get(f"/admin/visits/instrumentversion/{shared_draft.pk}/change/")
    assert page.status_code == 200 and 'name="items-0-text"' not in page.content.decode()


def _import(client, code, **extra):
    return client.post(
        "/admin/visits/instrument/import/",
        {"file": SimpleUploadedFile("form.csv", as_csv(GOOD)), "name": "แบบ", "code": code, "kind": "supervision"}
        | extra,
    )


def test_import_page_cannot_version_another_offices_instrument(two_offices):
    actors, _ = two_offices
    shared = f.InstrumentVersionFactory(instrument=f.InstrumentFactory(code="shared", office=None))
    client = Client()
    client.force_login(actors.cora.user)
    for code in ("theirs", "shared"):
        response = _import(client, code, publish="on")
        assert response.status_code == 200, code
        page = response.content.decode()
        assert "สำนักงานเขตอื่น" in page and "another office" in page
    assert InstrumentVersion.objects.filter(instrument__code="theirs").count() == 2
    assert InstrumentVersion.objects.filter(instrument=shared.instrument).count() == 1
    # Her own office's code gets its next version; a new code is made in her office.
    assert _import(client, "own").status_code == 302
    assert InstrumentVersion.objects.filter(instrument__code="own").count() == 2
    assert _import(client, "brand-new").status_code == 302
    assert Instrument.objects.get(code="brand-new").office == actors.office


def test_import_command_refuses_a_code_of_another_office(two_offices, tmp_path):
    from django.core.management import CommandError, call_command

    sheet = tmp_path / "form.csv"
    sheet.write_bytes(as_csv(GOOD))
    with pytest.raises(CommandError, match="another office"):
        call_command("import_instrument", str(sheet), "--name", "แบบ", "--code", "theirs", "--office", "SEC29")
    assert InstrumentVersion.objects.filter(instrument__code="theirs").count() == 2
