from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = pgettext_lazy("plural", "การตรวจเยี่ยม")
