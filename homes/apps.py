from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = pgettext_lazy("plural", "หน้าแรกตามบทบาท")
