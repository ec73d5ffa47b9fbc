"""Invitations: import people with roles, invite them (command and admin action) through the notification
ledger, and the single-use, expiring link that lets each choose a password."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation
from supervision.importers import import_people
from supervision.models import Person
from supervision.roles import Role, user_roles
from tests import factories as f
from tests.worker.conftest import fake_line, fake_line_server  # noqa: F401  (fixtures)
from worker.models import Channel, Notification
from worker.notify import send_batch

NEW_PASSWORD = "Ubon-2563-nithet"


def deliver():
    """What the worker does with the queued rows: send them (the ledger's own send path)."""
    ids = list(Notification.objects.filter(status="pending").values_list("id", flat=True))
    later = timezone.localtime() + dt.timedelta(days=1)
    send_batch(ids, now=later.replace(hour=12, minute=0))  # noon tomorrow: past any quiet hours


def link_in(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", body).group(1)


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("invite_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def newcomers(actors, tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "email,first_name,last_name,roles\n"
        "somchai@ubon.example,สมชาย,ใจดี,ศึกษานิเทศก์\n"
        'somsri@ubon.example,สมศรี,รักเรียน,"ผู้ประสานงาน, viewer"\n'
        "nobody@ubon.example,ไม่มี,บทบาท,\n",
        encoding="utf-8",
    )
    result = import_people(sheet, office=actors.office)
    assert result.ok, result.errors
    return {p.email: p for p in Person.objects.filter(email__endswith="@ubon.example").select_related("user")}


@pytest.mark.django_db
def test_import_people_takes_a_roles_column_in_thai_or_english(newcomers):
    somchai, somsri = newcomers["somchai@ubon.example"], newcomers["somsri@ubon.example"]
    assert user_roles(somchai.user) == {Role.SUPERVISOR}
    assert user_roles(somsri.user) == {Role.COORDINATOR, Role.VIEWER}
    assert not somchai.user.has_usable_password()  # no password until the invitation is used
    assert newcomers["nobody@ubon.example"].user is None


@pytest.mark.django_db
def test_an_unknown_role_is_refused_and_nothing_is_written(actors, tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text("email,first_name,last_name,roles\nx@ubon.example,ก,ข,พ่อครัว\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_people", str(sheet), stderr=err)
    assert "nothing was written" in str(refused.value)
    assert "role_unknown" in err.getvalue() and "พ่อครัว" in err.getvalue()
    assert not Person.objects.filter(email="x@ubon.example").exists()


@pytest.mark.django_db
def test_invite_people_by_role_without_login_sends_each_a_link_once(newcomers, actors):
    out, _ = command("--role", "supervisor", "--all-without-login", "--dry-run")
    assert "สมชาย" in out and "alice" not in out.lower() and "nothing sent" in out
    assert not Invitation.objects.exists() and not Notification.objects.exists()

    out, _ = command("--role", "supervisor", "--all-without-login")
    assert "1 invited" in out
    deliver()
    deliver()  # a second pass sends nothing again: the ledger row is sent
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["somchai@ubon.example"]
    assert Notification.objects.get(channel=Channel.EMAIL).status == "sent"
    link = link_in(mail.outbox[0].body)

    client = Client()
    page = client.get(link).content.decode()
    assert "somchai@ubon.example" in page  # the username to use
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/accounts/").status_code == 200  # signed in

    again = Client().get(link)
    assert again.status_code == 410 and "ถูกใช้ตั้งรหัสผ่านไปแล้ว" in again.content.decode()
    signed = Client().post("/accounts/login/", {"username": "somchai@ubon.example", "password": NEW_PASSWORD})
    assert signed.status_code == 302


@pytest.mark.django_db
def test_an_invitation_also_goes_by_line_when_linked(newcomers, fake_line):  # noqa: F811
    somchai = newcomers["somchai@ubon.example"]
    somchai.line_user_id = "U" + "a" * 32
    somchai.save()
    command("--email", "somchai@ubon.example")
    deliver()
    pushes = fake_line.pushes(to=somchai.line_user_id)
    assert len(pushes) == 1 and "/accounts/invitation/" in str(pushes[0])


@pytest.mark.django_db
def test_an_expired_or_unknown_link_shows_a_clear_page(newcomers):
    command("--email", "somsri@ubon.example")
    deliver()
    link = link_in(mail.outbox[0].body)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = Client().get(link)
    assert expired.status_code == 410 and "หมดอายุ" in expired.content.decode()
    assert Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 410
    assert not Person.objects.get(email="somsri@ubon.example").user.has_usable_password()
    unknown = Client().get("/accounts/invitation/not-a-real-token/")
    assert unknown.status_code == 404 and "ไม่พบคำเชิญ" in unknown.content.decode()


@pytest.mark.django_db
def test_mismatched_passwords_are_refused_and_the_link_still_works(newcomers):
    _, token = __import__("accounts.invitations", fromlist=["invite"]).invite([newcomers["somchai@ubon.example"]])[0]
    link = f"/accounts/invitation/{token}/"
    page = Client().post(link, {"password1": NEW_PASSWORD, "password2": "other-Pass-1"})
    assert page.status_code == 200 and "ไม่ตรงกัน" in page.content.decode()
    assert Client().get(link).status_code == 200


@pytest.mark.django_db
def test_bad_command_input_exits_non_zero_with_one_line(newcomers):
    for args, text in [
        ((), "at least one filter"),
        (("--school", "0000000000"), "no school"),
        (("--committee", "99999"), "no committee"),
        (("--email", "who@nowhere.example"), "no such person"),
        (("--role", "chef"), "invalid choice"),
    ]:
        with pytest.raises((CommandError, SystemExit)) as refused:
            command(*args)
        assert text in str(refused.value) or isinstance(refused.value, SystemExit), args
        assert "\n" not in str(refused.value)


@pytest.mark.django_db
def test_a_person_with_no_address_is_skipped_not_fatal(actors):
    f.PersonFactory(office=actors.office, email="", first_name="ไร้", user=None)
    _, err = command("--all-without-login")
    assert "skipped (no e-mail or LINE): นายไร้" in err


@pytest.mark.django_db
def test_the_coordinator_invites_from_the_admin(newcomers, actors):
    client = Client()
    client.force_login(actors.cora.user)
    people = [newcomers["somchai@ubon.example"], newcomers["nobody@ubon.example"]]
    response = client.post(
        "/admin/supervision/person/",
        {"action": "invite_selected", "_selected_action": [p.pk for p in people]},
        follow=True,
    )
    assert response.status_code == 200 and "ส่งคำเชิญ 2 คน" in response.content.decode()
    assert Invitation.objects.filter(person__in=people).count() == 2
    nobody = Person.objects.get(email="nobody@ubon.example")
    assert nobody.user is not None and not nobody.user.has_usable_password()
