"""Sign-in pages for every role (Django's auth views with Thai templates), the profile page with the user's
signed-in devices and LINE linking, the no-role page and the invitation page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts import invitations, line_link
from accounts.forms import ChoosePasswordForm, OfficePasswordResetForm, SignInForm
from accounts.models import DeviceSession
from accounts.office import office_for_request
from supervision.access import person_for_user
from supervision.models import Person
from supervision.roles import Role, user_roles


def has_work_role(user) -> bool:
    return user.is_superuser or bool(user_roles(user))


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"hide_login_link": True}

    def form_valid(self, form):
        response = super().form_valid(form)
        remember = form.cleaned_data.get("remember")
        # Not remembered: the session ends when the browser closes. Remembered: a long session, listed on the
        # profile page where it can be ended from any other device.
        self.request.session.set_expiry(settings.SESSION_REMEMBER_SECONDS if remember else 0)
        self.request.session["nithet_remember"] = bool(remember)
        DeviceSession.objects.filter(session_key=self.request.session.session_key).update(remember=bool(remember))
        return response

    def get_success_url(self):
        if not has_work_role(self.request.user):
            return reverse("accounts:no_role")
        return super().get_success_url()


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")


class ResetView(auth_views.PasswordResetView):
    form_class = OfficePasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"hide_login_link": True}


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mail's link: the person chooses a new password and is signed in with it (as an invitation does),
    for this browser session only — "stay signed in on this tablet" is asked on the sign-in page."""

    template_name = "accounts/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.set_expiry(0)
        messages.success(self.request, _("ตั้งรหัสผ่านเรียบร้อยแล้ว ยินดีต้อนรับ"))
        return response

    def get_success_url(self):
        user = self.user
        return settings.LOGIN_REDIRECT_URL if has_work_role(user) else reverse("accounts:no_role")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def office_logo(request):
    """The office's logo for the header and sign-in page (public: it is printed on every order)."""
    office = office_for_request(request)
    if office is None or not office.logo:
        raise Http404
    return FileResponse(office.logo.open("rb"), content_type="image/png" if office.logo.name.endswith(".png") else None)


def coordinators_of(office) -> list[Person]:
    if office is None:
        return []
    return list(
        Person.objects.filter(office=office, is_active=True, user__groups__name=Role.COORDINATOR)
        .distinct()
        .order_by("first_name", "last_name")
    )


@login_required
def no_role(request):
    """Signed in, but with no role (or no Person): say so and name whom to ask."""
    if has_work_role(request.user) and person_for_user(request.user) is not None:
        return redirect(settings.LOGIN_REDIRECT_URL)
    office = office_for_request(request)
    return render(
        request,
        "accounts/no_role.html",
        {
            "office": office,
            "coordinators": coordinators_of(office),
            "has_person": person_for_user(request.user) is not None,
        },
    )


@login_required
def profile(request):
    person = person_for_user(request.user)
    devices = list(DeviceSession.objects.filter(user=request.user))
    live = set(
        Session.objects.filter(
            session_key__in=[d.session_key for d in devices], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    devices = [d for d in devices if d.session_key in live]
    line_code = request.session.pop("nithet_line_code", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "roles": [Role(r).label for r in sorted(user_roles(request.user))],
            "devices": devices,
            "current_key": request.session.session_key,
            "line_code": line_code,
            "line_qr": line_link.qr_svg(line_code) if line_code else "",
            "line_account_url": settings.LINE_OFFICIAL_ACCOUNT_URL,
            "line_code_minutes": settings.LINE_LINK_CODE_SECONDS // 60,
        },
    )


@login_required
@require_POST
def end_session(request):
    """End one of the user's other sessions, or all of them (`all`), API tokens included."""
    mine = DeviceSession.objects.filter(user=request.user)
    if request.POST.get("all"):
        keys = list(mine.exclude(session_key=request.session.session_key).values_list("session_key", flat=True))
        Token.objects.filter(user=request.user).delete()
        messages.success(request, _("ออกจากระบบบนอุปกรณ์อื่นทั้งหมดแล้ว"))
    else:
        keys = list(mine.filter(pk=request.POST.get("device") or 0).values_list("session_key", flat=True))
        messages.success(request, _("ออกจากระบบบนอุปกรณ์นั้นแล้ว"))
    Session.objects.filter(session_key__in=keys).delete()
    DeviceSession.objects.filter(session_key__in=keys).delete()
    return redirect("accounts:profile")


@login_required
@require_POST
def line_code(request):
    person = person_for_user(request.user)
    if person is None:
        return redirect("accounts:no_role")
    request.session["nithet_line_code"] = line_link.new_code(person)
    return redirect(reverse("accounts:profile") + "#line")


@login_required
@require_POST
def line_unlink(request):
    person = person_for_user(request.user)
    if person is not None and person.line_user_id:
        person.line_user_id = ""
        person.save(update_fields=["line_user_id"])
        messages.success(request, _("ยกเลิกการเชื่อมบัญชี LINE แล้ว"))
    return redirect(reverse("accounts:profile") + "#line")


def accept_invitation(request, token):
    """The invited person chooses a password; the link works once and expires."""
    invitation = invitations.find(token)
    if invitation is None or invitation.used_at or invitation.is_expired:
        state = "unknown" if invitation is None else ("used" if invitation.used_at else "expired")
        return render(
            request,
            "accounts/invitation_invalid.html",
            {
                "state": state,
                "coordinators": coordinators_of(
                    invitation.person.office if invitation else office_for_request(request)
                ),
                "hide_login_link": False,
            },
            status=410 if invitation else 404,
        )
    user = invitations.account_for(invitation.person)
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not invitations.accept(invitation, form.cleaned_data["password1"]):
            return redirect(request.path)  # used meanwhile (a second tab): the page now says so
        user.refresh_from_db()
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("ตั้งรหัสผ่านเรียบร้อยแล้ว ยินดีต้อนรับ"))
        return redirect(settings.LOGIN_REDIRECT_URL if has_work_role(user) else reverse("accounts:no_role"))
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "username": user.get_username(), "hide_login_link": True},
    )
