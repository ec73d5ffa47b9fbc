"""Who reads the directors' dashboard and the exports, and which rows they read.

- the office director and coordinators: everything of their offices (`visits_for_user`: every visit);
- members of their office's ก.ต.ป.น. committee (and viewers): the dashboard of their offices with the
  approved results only (their `visits_for_user` plus every approved visit of the office); pending visits are
  the chairs' business until approved;
- superusers everything; anyone else (supervisors, school directors, anonymous) is refused (404).
Rounds come from `schedules.selectors.rounds_for_user` (the one round-visibility rule), visits from
`visits.selectors.visits_for_user`, follow-ups from `followups_for_user`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from schedules.models import Round
from schedules.selectors import rounds_for_user
from supervision.access import is_office_manager, office_ids_for_user
from supervision.models import Committee, Membership
from supervision.roles import Role, user_roles
from visits.models import FollowUp, Visit
from visits.results import APPROVED_STATUSES
from visits.selectors import followups_for_user, visits_for_user


def is_ktpn_member(user) -> bool:
    return Membership.objects.filter(person__user=user, committee__kind=Committee.Kind.KTPN).exists()


def full_access(user) -> bool:
    """Sees pending results too (the office director, coordinators, superusers)."""
    return is_office_manager(user)


def can_read_dashboard(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return full_access(user) or Role.VIEWER in user_roles(user) or is_ktpn_member(user)


def dashboard_rounds(user) -> QuerySet[Round]:
    if not can_read_dashboard(user):
        return Round.objects.none()
    return rounds_for_user(user)


def dashboard_visits(user) -> QuerySet[Visit]:
    if not can_read_dashboard(user):
        return Visit.objects.none()
    if full_access(user):
        return visits_for_user(user)
    approved = Visit.objects.filter(school__office_id__in=office_ids_for_user(user), status__in=APPROVED_STATUSES)
    return Visit.objects.filter(pk__in=visits_for_user(user).values("pk")) | approved


def dashboard_followups(user) -> QuerySet[FollowUp]:
    if not can_read_dashboard(user):
        return FollowUp.objects.none()
    return followups_for_user(user)
