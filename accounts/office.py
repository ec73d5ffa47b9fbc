"""Which office a page is branded with: the signed-in person's, else settings.SITE_OFFICE_CODE, else the first."""

from django.conf import settings

from supervision.access import person_for_user
from supervision.models import AreaOffice


def office_for_request(request) -> AreaOffice | None:
    if hasattr(request, "_nithet_site_office"):
        return request._nithet_site_office
    person = person_for_user(getattr(request, "user", None))
    office = person.office if person else None
    if office is None:
        offices = AreaOffice.objects.order_by("pk")
        office = (offices.filter(code=settings.SITE_OFFICE_CODE).first() if settings.SITE_OFFICE_CODE else None) or (
            offices.first()
        )
    request._nithet_site_office = office
    return office


def site_office(request):
    """Template context: `site_office` (lazy, so pages that do not show it cost no query)."""
    from django.utils.functional import SimpleLazyObject

    return {"site_office": SimpleLazyObject(lambda: office_for_request(request))}
