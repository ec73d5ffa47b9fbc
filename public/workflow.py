"""Publishing and withdrawing, in the style of `visits.workflow`: a transitions table, a pure check that
explains a refusal, and the move claimed with one conditional UPDATE; each accepted move is logged
(`PublicationEvent`: who, when, what) and rebuilds the office's public pages in the same transaction.

    draft ──publish──▶ published ──withdraw──▶ withdrawn ──publish──▶ published

Only the office director of the publication's office (or a superuser) publishes and withdraws: what the
public reads is the director's decision. Publishing a round freezes its approved results (and builds its
public summary PDF); publishing again refreshes them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from public.models import Publication, PublicationEvent
from public.selectors import publications_for_user
from supervision.access import office_ids_for_user
from supervision.errors import NotFound, StaleVersion
from supervision.lifecycle import Refusal, claim
from supervision.roles import Role, user_roles

S = Publication.Status
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.PUBLISHED): "publish",
    (S.WITHDRAWN, S.PUBLISHED): "publish",
    (S.PUBLISHED, S.PUBLISHED): "republish",
    (S.PUBLISHED, S.WITHDRAWN): "withdraw",
}


def is_publisher(user, office_id) -> bool:
    """The office director of the office (or a superuser)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Role.OFFICE_DIRECTOR in user_roles(user) and office_id in (office_ids_for_user(user) or set())


def check_transition(publication: Publication, to: str, *, publisher: bool) -> Refusal | None:
    """Why moving `publication` to `to` is refused; None when allowed. Pure."""
    action = TRANSITIONS.get((publication.status, to))
    if action is None:
        return Refusal(
            "not_allowed",
            f"เปลี่ยนจาก {S(publication.status).label} เป็น {to} ไม่ได้",
            f"a publication cannot go from {publication.status} to {to}",
        )
    if not publisher:
        return Refusal(
            "wrong_role",
            "ผู้ที่เผยแพร่หรือถอนการเผยแพร่ได้คือผู้อำนวยการสำนักงานเขต",
            "only the office director may publish or withdraw",
        )
    if to == S.PUBLISHED and publication.kind == Publication.Kind.ITA and not publication.document:
        return Refusal("document_required", "ต้องแนบเอกสาร PDF ก่อนเผยแพร่", "attach the PDF before publishing")
    return None


@transaction.atomic
def publication_transition(*, publication_id, to: str, user, expected_version: int | None = None) -> Publication:
    from public import snapshot

    publication = publications_for_user(user).select_related("office", "round").filter(pk=publication_id).first()
    if publication is None:
        raise NotFound()
    if expected_version is not None and expected_version != publication.version:
        raise StaleVersion(current_version=publication.version)
    refusal = check_transition(publication, to, publisher=is_publisher(user, publication.office_id))
    if refusal:
        raise refusal.error()
    changes = {"status": to, "version": F("version") + 1}
    if to == S.PUBLISHED:
        changes.update(published_at=timezone.now(), published_by=user)
        if publication.kind == Publication.Kind.ROUND:
            changes.update(snapshot.round_snapshot(publication))
    seen = {"status": publication.status, "version": publication.version}
    claim(Publication, publication.pk, seen=seen, changes=changes)
    PublicationEvent.objects.create(
        publication=publication,
        action=TRANSITIONS[(publication.status, to)],
        from_status=publication.status,
        to_status=to,
        by=user,
        what=f"{publication.get_kind_display()}: {publication.title}"[:400],
    )
    publication.refresh_from_db()
    if to == S.PUBLISHED and publication.kind == Publication.Kind.ROUND:
        snapshot.store_round_pdf(publication)
    snapshot.rebuild(publication.office)
    return publication
