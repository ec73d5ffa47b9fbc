from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = "หน้าแรกตามบทบาท (Role homes)"
