from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = pgettext_lazy("plural", "กำหนดการนิเทศ")
