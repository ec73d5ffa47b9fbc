from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class FieldConfig(AppConfig):
    name = "field"
    verbose_name = pgettext_lazy("plural", "แอปภาคสนาม")
