from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import throttle


class SignInForm(AuthenticationForm):
    """Django's sign-in form behind the throttle, with one message for a wrong password and an unknown user."""

    username = forms.CharField(
        label=_("ชื่อผู้ใช้"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("รหัสผ่าน"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    remember = forms.BooleanField(label=_("อยู่ในระบบต่อบนแท็บเล็ตนี้"), required=False)

    error_messages = {
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"),
        "inactive": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = throttle.authenticate_throttled(self.request, username, password)
            except throttle.SignInThrottled as refusal:
                raise forms.ValidationError(
                    _("ลงชื่อเข้าใช้ไม่สำเร็จหลายครั้ง กรุณารอ %(minutes)s นาทีแล้วลองใหม่"),
                    code="throttled",
                    params={"minutes": max(1, -(-refusal.wait_seconds // 60))},
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
        return self.cleaned_data


class OfficePasswordResetForm(PasswordResetForm):
    """Django's reset form; the address may be the account's or the person's (most accounts have it only there)."""

    email = forms.EmailField(label=_("อีเมล"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email):
        users = User.objects.filter(Q(email__iexact=email) | Q(person__email__iexact=email), is_active=True).distinct()
        return (u for u in users if u.has_usable_password() or not u.last_login)

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        # To the stored address that matched what was typed (the account's or the person's).
        user, typed = context["user"], self.cleaned_data["email"].lower()
        person_email = getattr(getattr(user, "person", None), "email", "")
        to_email = next((a for a in (user.email, person_email) if a and a.lower() == typed), to_email)
        super().send_mail(
            subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
        )


class ChoosePasswordForm(forms.Form):
    """The invited person's new password, checked by the project's password validators."""

    password1 = forms.CharField(
        label=_("รหัสผ่านใหม่"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("ยืนยันรหัสผ่านใหม่"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("รหัสผ่านทั้งสองช่องไม่ตรงกัน"))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return self.cleaned_data
