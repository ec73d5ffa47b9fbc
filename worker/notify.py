"""Notifications: what is due, the ledger writes, claiming and sending.

The flow (one `dispatch(now)` pass, run by beat every minute or by `manage.py dispatch_reminders`):
1. `create_due_notifications(now)` asks every event source (`worker.events`) what is due at `now`, expands
   each item to the recipient's channels and bulk-inserts ledger rows, ignoring rows that already exist.
2. `enqueue_ready(now)` returns rows stuck in sending past the timeout to pending, then hands every pending
   row whose time has come to the broker in batches, after the transaction commits.
3. A worker runs `send_batch(ids)`: one conditional UPDATE claims the rows (only rows still pending are
   taken, so a row is sent by one worker only), the transports send, and one UPDATE per outcome records it.

Time is injectable everywhere (`now`); the ledger keeps to the one clock it is given.
"""

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from supervision.models import Person
from worker import rules
from worker.channels import TRANSPORTS, PermanentError, TransportError
from worker.models import Channel, Notification, NotificationPreference

log = logging.getLogger(__name__)

PUSH_CHANNELS = (Channel.EMAIL, Channel.LINE)  # quiet hours hold these; the in-app list is read when one likes


@dataclass(frozen=True)
class Due:
    """One message owed to one person. `send_at` is when it may go (default: `due_at`); events that must go
    "at once" key the row by a stable `due_at` (e.g. the new visit date) and set `send_at` to now."""

    event: str
    object_type: str
    object_id: str
    recipient_id: int
    due_at: dt.datetime
    title: str
    body: str
    link: str = ""
    send_at: dt.datetime | None = None

    @property
    def key(self) -> tuple:
        return (self.event, self.object_type, str(self.object_id), self.recipient_id, self.due_at)


# --- Preferences ----------------------------------------------------------------------------------------


def preference_for(person: Person) -> NotificationPreference:
    """The person's saved preference, or the defaults (unsaved) when they never set one."""
    try:
        return person.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(person=person)


def channels_for(person: Person, pref: NotificationPreference) -> list[str]:
    """Channels this person can and wants to be reached on."""
    chosen = []
    if pref.email and person.email:
        chosen.append(Channel.EMAIL)
    if pref.line and person.line_user_id and settings.LINE_CHANNEL_ACCESS_TOKEN:
        chosen.append(Channel.LINE)
    if pref.in_app and person.user_id:
        chosen.append(Channel.INAPP)
    return chosen


def ready_time(channel: str, moment: dt.datetime, pref: NotificationPreference) -> dt.datetime:
    if channel in PUSH_CHANNELS:
        return rules.release_time(moment, pref.quiet_start, pref.quiet_end)
    return moment


# --- Creating ledger rows ---------------------------------------------------------------------------------


def _chunks(seq: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _existing_keys(dues: Sequence[Due]) -> set[tuple]:
    """Full keys (event, object type, object id, recipient, due time, channel) of the rows already in the
    ledger for these items: one query per event and 500 objects instead of one per row."""
    by_scope: dict[tuple, set[str]] = defaultdict(set)
    for d in dues:
        by_scope[(d.event, d.object_type)].add(str(d.object_id))
    found = set()
    for (event, object_type), object_ids in by_scope.items():
        for part in _chunks(sorted(object_ids), 500):
            rows = Notification.objects.filter(event=event, object_type=object_type, object_id__in=part).values_list(
                "event", "object_type", "object_id", "recipient_id", "due_at", "channel"
            )
            found.update(rows)
    return found


def schedule_notifications(dues: Iterable[Due]) -> dict[str, int]:
    """Write ledger rows for `dues` (one per channel of each recipient); existing rows are left alone.

    Returns rows created per event. Safe to call any number of times, from any number of processes:
    the database's unique key decides, and conflicting inserts are ignored.
    """
    dues = list({d.key: d for d in dues}.values())
    if not dues:
        return {}
    people = {
        p.id: p
        for p in Person.objects.filter(id__in={d.recipient_id for d in dues}, is_active=True).select_related(
            "notification_preference"
        )
    }
    existing = _existing_keys(dues)
    rows, created = [], defaultdict(int)
    for d in dues:
        person = people.get(d.recipient_id)
        if person is None:
            continue
        pref = preference_for(person)
        for channel in channels_for(person, pref):
            if (*d.key[:3], d.recipient_id, d.due_at, channel) in existing:
                continue
            rows.append(
                {
                    "event": d.event,
                    "object_type": d.object_type,
                    "object_id": str(d.object_id),
                    "recipient_id": d.recipient_id,
                    "due_at": d.due_at,
                    "channel": channel,
                    "title": d.title[:300],
                    "body": d.body,
                    "link": d.link,
                    "next_attempt_at": ready_time(channel, d.send_at or d.due_at, pref),
                }
            )
            created[d.event] += 1
    _insert_ignoring_conflicts(rows)
    return dict(created)


_INSERT_COLUMNS = (
    "event",
    "object_type",
    "object_id",
    "recipient_id",
    "due_at",
    "channel",
    "title",
    "body",
    "link",
    "next_attempt_at",
    "status",
    "attempts",
    "last_error",
    "created_at",
)


def _insert_ignoring_conflicts(rows: list[dict]) -> None:
    """One `INSERT … ON CONFLICT DO NOTHING` executed for many rows (SQLite and PostgreSQL both speak it).

    Why not `bulk_create(ignore_conflicts=True)`: at 10,000 rows its per-field preparation and SQLite's
    999-parameter batches cost seconds; this is the one hot write of a dispatch pass. The unique key still
    decides, so a row another process inserted first is simply skipped."""
    if not rows:
        return
    from django.db import connection

    ops = connection.ops
    table = ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(ops.quote_name(Notification._meta.get_field(c).column) for c in _INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"
    stamp = ops.adapt_datetimefield_value(timezone.now())
    adapt = ops.adapt_datetimefield_value
    params = [
        (
            r["event"],
            r["object_type"],
            r["object_id"],
            r["recipient_id"],
            adapt(r["due_at"]),
            r["channel"],
            r["title"],
            r["body"],
            r["link"],
            adapt(r["next_attempt_at"]),
            Notification.Status.PENDING.value,
            0,
            "",
            stamp,
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        for part in _chunks(params, 5000):
            cursor.executemany(sql, part)


def reconcile_pending(events: Sequence[str], dues: Sequence[Due]) -> int:
    """Cancel pending rows of `events` that the source no longer produces (the situation changed)."""
    wanted = {d.key for d in dues}
    stale = [
        pk
        for pk, *key in Notification.objects.filter(event__in=events, status=Notification.Status.PENDING).values_list(
            "id", "event", "object_type", "object_id", "recipient_id", "due_at"
        )
        if tuple(key) not in wanted
    ]
    for part in _chunks(stale, 1000):
        Notification.objects.filter(id__in=part, status=Notification.Status.PENDING).update(
            status=Notification.Status.CANCELLED, claim_token=None
        )
    return len(stale)


def create_due_notifications(now: dt.datetime) -> dict[str, int]:
    """Ask every event source what is due at `now`, cancel what is no longer owed and write the rest to the
    ledger. Idempotent: running it again at the same `now` creates nothing."""
    from worker import events

    created: dict[str, int] = {}
    for source in events.SOURCES:
        dues = source.due(now)
        if source.reconcile:
            reconcile_pending(source.events, dues)
        for event, n in schedule_notifications(dues).items():
            created[event] = created.get(event, 0) + n
    return created


# --- Handing rows to the broker ---------------------------------------------------------------------------


def _publish(batches: list[list[int]], now_iso: str | None, report: dict | None = None) -> None:
    """Send batch tasks to the broker. If the broker is down, the rows are marked not-enqueued so the next
    dispatch tries again: a broker outage delays messages, it never loses them."""
    from worker.tasks import send_notifications

    published = 0
    if report is not None:
        report["published"] = 0
    for n, ids in enumerate(batches):
        try:
            send_notifications.apply_async(
                args=(ids, now_iso),
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
            )
        except Exception as exc:  # kombu raises several kinds (OperationalError, ConnectionError, OSError)
            unsent = [pk for batch in batches[n:] for pk in batch]
            Notification.objects.filter(id__in=unsent, status=Notification.Status.PENDING).update(enqueued_at=None)
            log.warning("broker unavailable, %d notifications left pending for the next dispatch: %s", len(unsent), exc)
            return
        published += len(ids)
        if report is not None:
            report["published"] = published


def enqueue_ready(
    now: dt.datetime, *, injected_now: bool = False, limit: int = 50_000, report: dict | None = None
) -> int:
    """Queue every pending row whose time has come (and was not queued recently). Returns rows queued; once
    the transaction commits, `report["published"]` says how many the broker actually took."""
    stale_before = now - dt.timedelta(seconds=settings.NOTIFY_STUCK_SECONDS)
    S = Notification.Status
    # A worker that died mid-send leaves rows in `sending`; after the timeout they go back to pending.
    Notification.objects.filter(status=S.SENDING, claimed_at__lt=stale_before).update(
        status=S.PENDING, claim_token=None, enqueued_at=None
    )
    ids = list(
        Notification.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale_before))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for part in _chunks(ids, 1000):
        Notification.objects.filter(id__in=part).update(enqueued_at=now)
    batches = [list(b) for b in _chunks(ids, settings.NOTIFY_BATCH_SIZE)]
    now_iso = now.isoformat() if injected_now else None
    if batches:
        transaction.on_commit(lambda: _publish(batches, now_iso, report))
    return len(ids)


def dispatch(now: dt.datetime | None = None) -> dict:
    """One pass: create what is due, queue what is ready. Returns the figures the command prints."""
    injected = now is not None
    now = now or timezone.now()
    with transaction.atomic():
        by_event = create_due_notifications(now)
    report: dict = {}
    with transaction.atomic():
        queued = enqueue_ready(now, injected_now=injected, report=report)
    # Outside an outer transaction the broker has been handed the batches by now; report what it took.
    return {"created": sum(by_event.values()), "enqueued": report.get("published", queued), "by_event": by_event}


# --- Sending ----------------------------------------------------------------------------------------------


def _attachments(row: Notification, cache: dict) -> list[tuple[str, bytes, str]]:
    from worker import events

    if row.channel != Channel.EMAIL:
        return []
    key = (row.event, row.object_type, row.object_id)
    if key not in cache:
        cache[key] = events.attachments_for(row)
    return cache[key]


def send_batch(ids: Sequence[int], *, now: dt.datetime | None = None) -> dict[str, int]:
    """Claim, send and record a batch of ledger rows. Rows another worker holds, or already sent, are skipped."""
    now = now or timezone.now()
    S = Notification.Status
    token = uuid.uuid4()
    claimed = Notification.objects.filter(id__in=list(ids), status=S.PENDING, next_attempt_at__lte=now).update(
        status=S.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return {"claimed": 0, "sent": 0, "failed": 0, "retry": 0, "held": 0}
    rows = list(
        Notification.objects.filter(claim_token=token).select_related("recipient", "recipient__notification_preference")
    )

    held, by_channel = [], defaultdict(list)
    for row in rows:
        pref = preference_for(row.recipient)
        release = ready_time(row.channel, now, pref)
        if release > now:
            row.next_attempt_at = release
            held.append(row)
        else:
            by_channel[row.channel].append(row)

    sent_ids, failures, cache = [], [], {}
    for channel, channel_rows in by_channel.items():
        transport = TRANSPORTS[channel]()
        try:
            transport.open()
        except TransportError as exc:
            failures.extend((row, exc) for row in channel_rows)
            continue
        except Exception as exc:  # misconfiguration: record it on every row rather than leave them stuck
            log.exception("%s transport could not open", channel)
            failures.extend((row, PermanentError(f"{type(exc).__name__}: {exc}")) for row in channel_rows)
            continue
        try:
            for row in channel_rows:
                try:
                    transport.send(row, _attachments(row, cache))
                except TransportError as exc:
                    failures.append((row, exc))
                except Exception as exc:  # a bug, not the network: record it, never retry it
                    log.exception("notification %s could not be sent", row.pk)
                    failures.append((row, PermanentError(f"{type(exc).__name__}: {exc}")))
                else:
                    # Recorded right after its own send (not per batch): a worker killed mid-batch leaves at
                    # most the row in flight to be sent again, and that resend carries the same Message-ID.
                    Notification.objects.filter(pk=row.pk, claim_token=token).update(
                        status=S.SENT, sent_at=now, last_error="", claim_token=None
                    )
                    sent_ids.append(row.pk)
        finally:
            transport.close()

    changed = []
    for row in held:  # quiet hours: back to pending, this was not an attempt
        row.status, row.attempts, row.claim_token, row.enqueued_at = S.PENDING, row.attempts - 1, None, None
        changed.append(row)
    retry = failed = 0
    for row, exc in failures:
        row.last_error = str(exc)[:2000] or type(exc).__name__
        row.claim_token = None
        if isinstance(exc, PermanentError) or row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            row.status = S.FAILED
            failed += 1
        else:
            row.status, row.enqueued_at = S.PENDING, None
            row.next_attempt_at = now + rules.backoff(
                row.attempts,
                base_seconds=settings.NOTIFY_RETRY_BASE_SECONDS,
                cap_seconds=settings.NOTIFY_RETRY_CAP_SECONDS,
            )
            retry += 1
    changed.extend(row for row, _ in failures)
    if changed:
        Notification.objects.bulk_update(
            changed,
            ["status", "attempts", "claim_token", "enqueued_at", "next_attempt_at", "last_error"],
            batch_size=500,
        )
    return {"claimed": claimed, "sent": len(sent_ids), "failed": failed, "retry": retry, "held": len(held)}


# --- In-app ------------------------------------------------------------------------------------------------


def inbox_for(person: Person | None):
    """The in-app notifications a person may read: their own, delivered, newest first."""
    if person is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=person, channel=Channel.INAPP, status=Notification.Status.SENT)


def notifications_mark_read(*, person: Person, ids: Iterable[int] | None = None, now=None) -> int:
    """Mark some (or, with ids None, all) of a person's unread in-app notifications read."""
    q = inbox_for(person).filter(read_at__isnull=True)
    if ids is not None:
        q = q.filter(id__in=list(ids))
    return q.update(read_at=now or timezone.now())
