from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "field"
    verbose_name = "แอปภาคสนาม (field app)"
