from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = pgettext_lazy("plural", "เผยแพร่ต่อสาธารณะ")

    def ready(self):
        from public.ita import register_section
        from public.snapshot import PUBLICATION_PROVIDERS

        for key, provider in PUBLICATION_PROVIDERS.items():
            register_section(key, provider)
