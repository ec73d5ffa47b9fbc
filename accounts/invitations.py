"""Invitations: a coordinator picks people; each gets a single-use, expiring link to choose a password.

The message goes through the notification ledger (worker.notify), so it reaches each of the person's
channels (e-mail; LINE when linked) exactly once, with the ledger's retries. The token itself is never
stored: the Invitation keeps its SHA-256, the ledger row keeps the link it sends.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, secret_hash
from supervision.errors import InvalidInput
from supervision.models import Person
from supervision.roles import grant_role
from worker.models import Event

EVENT = Event.ACCOUNT_INVITATION


def people_to_invite(
    office, *, role: str | None = None, without_login: bool = False, school=None, committee=None, people=None
):
    """The active people of `office` matching the filters (all given filters apply)."""
    qs = Person.objects.filter(office=office, is_active=True)
    if people is not None:
        qs = qs.filter(pk__in=[p.pk for p in people])
    if role:
        qs = qs.filter(user__groups__name=role)
    if without_login:
        # No account yet, or an account nobody has signed in to and that has no password.
        qs = qs.exclude(user__isnull=False, user__last_login__isnull=False).exclude(
            user__isnull=False, user__password__regex=r"^[^!]"
        )
    if school is not None:
        qs = qs.filter(school=school)
    if committee is not None:
        qs = qs.filter(committees=committee)
    return qs.distinct().order_by("first_name", "last_name")


def username_for(person: Person) -> str:
    base = (person.email or f"person{person.pk}").strip().lower()[:150]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base[:145]}.{n}"
    return name


def account_for(person: Person, roles=()) -> User:
    """The person's login, created (with no usable password) when missing; `roles` are granted to it."""
    user = person.user
    if user is None:
        user = User(username=username_for(person), email=person.email, first_name=person.first_name[:150])
        user.last_name = person.last_name[:150]
        user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user"])
    for role in roles:
        grant_role(user, role)
    return user


def reachable(person: Person) -> bool:
    return bool(person.email or (person.line_user_id and settings.LINE_CHANNEL_ACCESS_TOKEN))


@transaction.atomic
def invite(people, *, invited_by=None, now: dt.datetime | None = None) -> list[tuple[Invitation, str]]:
    """Create an invitation for each person and put its message on the ledger. Returns (invitation, token)."""
    from worker.notify import Due, enqueue_ready, schedule_notifications

    now = now or timezone.now()
    people = list(people)
    unreachable = [p for p in people if not reachable(p)]
    if unreachable:
        names = ", ".join(p.full_name for p in unreachable[:5])
        raise InvalidInput(
            f"ไม่มีอีเมลหรือ LINE ที่ส่งคำเชิญได้: {names}",
            f"no e-mail or LINE to send the invitation to: {names}",
            code="invitation_unreachable",
        )
    created, dues = [], []
    hours = settings.INVITATION_VALID_HOURS
    for person in people:
        account_for(person)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            person=person,
            token_hash=secret_hash(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        office = person.office
        dues.append(
            Due(
                event=EVENT,
                object_type="invitation",
                object_id=str(invitation.pk),
                recipient_id=person.pk,
                due_at=now,
                send_at=now,
                title=f"คำเชิญเข้าใช้ระบบนิเทศ {office.short_name or office.name} / Invitation to Nithet",
                body=(
                    f"เรียน {person.full_name}\n"
                    f"{office.name} เชิญท่านเข้าใช้ระบบนิเทศ ชื่อผู้ใช้ของท่านคือ {person.user.username} "
                    f"กรุณาเปิดลิงก์ด้านล่างเพื่อตั้งรหัสผ่าน (ใช้ได้ครั้งเดียว ภายใน {hours} ชั่วโมง)\n\n"
                    f"You are invited to Nithet. Your username is {person.user.username}. Open the link below to "
                    f"choose your password (single use, valid for {hours} hours)."
                ),
                link=f"/accounts/invitation/{token}/",
            )
        )
        created.append((invitation, token))
    schedule_notifications(dues)
    enqueue_ready(now)  # hand the rows to the worker once this transaction commits
    return created


def find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("person__office", "person__user")
        .filter(token_hash=secret_hash(token))
        .first()
    )


@transaction.atomic
def accept(invitation: Invitation, password: str) -> bool:
    """Use the invitation (one conditional UPDATE, so a link works once) and set the password."""
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not claimed:
        return False
    user = account_for(invitation.person)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    # Other invitations to the same person are spent with this one.
    Invitation.objects.filter(person=invitation.person, used_at__isnull=True).update(used_at=now)
    return True
