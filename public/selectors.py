"""The access rule of the office's publications (the records it manages for its public pages): one query.

The management page, its publish/withdraw/republish and the round publishing all narrow through it; a
publication of another office is absent (404), never forbidden. What the public reads is the published
snapshot (public.views.page), not this."""

from django.db.models import QuerySet

from public.models import Publication
from supervision.access import office_ids_for_user


def publications_for_user(user) -> QuerySet[Publication]:
    """Publications: superusers every office's; staff of an office (whoever `office_ids_for_user` places in it)
    their offices' ones — who may publish among them is `workflow.is_publisher` (the office director); anyone
    signed out, or of no office, none."""
    if user is None or not user.is_authenticated:
        return Publication.objects.none()
    offices = office_ids_for_user(user)
    qs = Publication.objects.all()
    return qs if offices is None else qs.filter(office_id__in=offices)
