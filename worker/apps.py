from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = pgettext_lazy("plural", "การแจ้งเตือน")
