from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "แดชบอร์ดผู้บริหาร (directors' dashboard)"
