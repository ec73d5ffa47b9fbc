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


def site_nav(request):
    """Template context: which of the header's role-dependent links to show (lazy: evaluated only on pages that
    draw the header). The dashboard for those who may read it (`dashboard.selectors.can_read_dashboard`), the
    publishing page for the office director (who alone may publish, `public.views.manage`)."""
    from django.utils.functional import SimpleLazyObject

    def dashboard():
        from dashboard.selectors import can_read_dashboard

        return can_read_dashboard(getattr(request, "user", None))

    def publishing():
        from supervision.roles import Role, user_roles

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return user.is_superuser or Role.OFFICE_DIRECTOR in user_roles(user)

    return {"nav_dashboard": SimpleLazyObject(dashboard), "nav_publishing": SimpleLazyObject(publishing)}
