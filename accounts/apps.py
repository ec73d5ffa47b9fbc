from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("บัญชีผู้ใช้และการเข้าสู่ระบบ")

    def ready(self):
        from accounts import signals  # noqa: F401  (records each signed-in device)
