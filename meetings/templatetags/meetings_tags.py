"""`{% load meetings_tags %}{% my_invitations %}`: the meetings waiting for the signed-in person's answer
(a partial a role home can include)."""

from django import template

from meetings import selectors
from meetings.models import Meeting

register = template.Library()


@register.inclusion_tag("meetings/_my_invitations.html", takes_context=True)
def my_invitations(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    invitations = (
        selectors.invitations_for_user(user)
        .filter(person__user=user, meeting__status=Meeting.Status.INVITED)
        .select_related("meeting")
        .order_by("meeting__date")
        if user is not None and user.is_authenticated
        else []
    )
    return {"invitations": invitations}
