"""`/`: each person lands on their own work. The page is made of the parts of every role the person has
(`homes.parts`), so a supervisor who chairs a committee sees both their visits and the reviews waiting for them.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from homes import parts
from supervision.access import is_office_manager, person_for_user
from supervision.roles import Role, user_roles


@login_required
def home(request):
    user = request.user
    roles = user_roles(user)
    if not user.is_superuser and (not roles or person_for_user(user) is None):
        return redirect("accounts:no_role")  # says so, and names whom to ask
    today = timezone.localdate()
    context = {"today": today, "person": person_for_user(user)}
    if Role.SUPERVISOR in roles:
        context["my_visits"] = parts.my_visits(user, today) or {}
    context["reviews"] = parts.reviews(user)
    manager = is_office_manager(user)
    if manager:
        coordinator = user.is_superuser or Role.COORDINATOR in roles
        context["progress"] = parts.round_progress(user, today, with_conflicts=coordinator)
        if coordinator:
            context["coordinator"] = True
            context["failed"] = parts.failed_notifications(user)
        if Role.OFFICE_DIRECTOR in roles:
            context["approval"] = parts.waiting_for_approval(user)
    if Role.SCHOOL_DIRECTOR in roles:
        context["my_school"] = parts.my_school(user, today) or {}
    if Role.COMMITTEE_MEMBER in roles:
        context["committees"] = parts.my_committees(user) or {}
    if Role.VIEWER in roles:
        context["results"] = parts.published_results(user)
    return render(request, "homes/home.html", context)
