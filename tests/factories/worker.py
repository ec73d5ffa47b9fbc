"""Notification factories: preferences, per-round reminder policies and ledger rows."""

import datetime

import factory
from django.utils import timezone

from tests.factories.schedules import RoundFactory
from tests.factories.supervision import PersonFactory
from worker.models import Channel, Event, Notification, NotificationPreference, RoundReminderPolicy


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference
        django_get_or_create = ("person",)

    person = factory.SubFactory(PersonFactory)
    email = True
    line = True
    in_app = True
    quiet_start = datetime.time(21, 0)
    quiet_end = datetime.time(7, 0)


class RoundReminderPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundReminderPolicy
        django_get_or_create = ("round",)

    round = factory.SubFactory(RoundFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A delivered in-app notification (what the inbox shows)."""

    class Meta:
        model = Notification

    event = Event.VISIT_UPCOMING
    object_type = "assignment"
    object_id = factory.Sequence(str)
    recipient = factory.SubFactory(PersonFactory)
    due_at = factory.LazyFunction(timezone.now)
    channel = Channel.INAPP
    status = Notification.Status.SENT
    title = factory.Sequence(lambda n: f"แจ้งเตือนทดสอบ {n}")
    body = "ข้อความทดสอบ"
    next_attempt_at = factory.LazyAttribute(lambda n: n.due_at)
    sent_at = factory.LazyAttribute(lambda n: n.due_at)
