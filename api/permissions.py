"""API permissions. They only ask the domain: who may see a record is decided by the selectors
(`School.objects.for_user`, `visits_for_user`, …) that every view's queryset goes through, so a record
the user may not see is simply absent (404, never 403); what a user may do to a record they see is decided
by the domain services (`visits.workflow`, `visits.followups`, …), which raise typed errors.
"""

from django.http import Http404
from rest_framework.permissions import BasePermission

from supervision.access import person_for_user


class IsPerson(BasePermission):
    """A signed-in user linked to a Person of an office (or a superuser)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_superuser or person_for_user(user) is not None


def get_visible(queryset, **lookup):
    """The one object matching `lookup` in a selector-narrowed queryset, or 404."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
