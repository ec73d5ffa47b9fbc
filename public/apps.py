from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "เผยแพร่ต่อสาธารณะ (public disclosure)"

    def ready(self):
        from public.ita import register_section
        from public.snapshot import PUBLICATION_PROVIDERS

        for key, provider in PUBLICATION_PROVIDERS.items():
            register_section(key, provider)
