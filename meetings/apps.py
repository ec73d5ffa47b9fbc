from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = pgettext_lazy("plural", "การประชุมและการมีส่วนร่วม")

    def ready(self):
        from meetings import ita
        from public.ita import register_section

        register_section("participation", ita.participation_records)
        register_section("satisfaction", ita.satisfaction_records)
