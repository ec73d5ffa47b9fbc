"""Token authentication that reads the user's Person in the same query.

Every API request needs the Person (office, roles and committees hang off it); DRF's TokenAuthentication
reads the token and user, then `supervision.access.person_for_user` would read the Person again. Loading it
with the token saves a query on every request and fills the same per-request cache.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (
            self.get_model()
            .objects.select_related("user__person__office", "user__person__school")
            .filter(key=key)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))  # DRF's wording, so DRF's Thai
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user._nithet_person = getattr(token.user, "person", None)
        return token.user, token
