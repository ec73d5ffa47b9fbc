"""Buddhist-Era dates where people type them: a form field and widget that read and show 24/07/2563.

Every ModelAdmin gets them for its DateFields (`use_in_admin()`, called once from SupervisionConfig.ready, sets
Django's admin default for DateField, so admin classes written by any app need nothing). Office forms use
`BuddhistDateField` directly. The stored value stays a plain date (2020-07-24).
"""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

BE_OFFSET = 543
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
# Years a Buddhist-Era date can plausibly carry; anything in the Christian Era's range is a mistake.
BE_YEARS = range(2400, 2700)


def to_be_text(value: dt.date | None) -> str:
    """2020-07-24 → 24/07/2563."""
    if not value:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


class BuddhistDateInput(forms.TextInput):
    """A text box showing dd/mm/yyyy in the Buddhist Era (no calendar pop-up: Django's writes CE dates)."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"placeholder": _("วว/ดด/ปปปป (พ.ศ.)"), "inputmode": "numeric", "size": 12, "class": "be-date"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return to_be_text(value)
        return super().format_value(value)


class BuddhistDateField(forms.DateField):
    widget = BuddhistDateInput
    default_error_messages = {
        "invalid": _("กรุณากรอกวันที่เป็น วว/ดด/ปปปป ปีพุทธศักราช เช่น 24/07/2563"),
        "christian_era": _("ปี %(year)s เป็นปีคริสต์ศักราช กรุณากรอกปีพุทธศักราช (เช่น %(be_year)s)"),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        match = _DAY_MONTH_YEAR.match(str(value))
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(g) for g in match.groups())
        if year not in BE_YEARS:
            if 1800 <= year < 2400:
                raise forms.ValidationError(
                    self.error_messages["christian_era"],
                    code="christian_era",
                    params={"year": year, "be_year": year + BE_OFFSET},
                )
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return dt.date(year - BE_OFFSET, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        return (initial or None) != data


def use_in_admin() -> None:
    """Make BuddhistDateField the admin's form field for every DateField (DateTimeFields keep theirs).

    The admin's defaults are copied into each ModelAdmin when it is registered (admin autodiscovery runs
    before this app is ready), so both the defaults (for inlines, made per request) and the registered
    ModelAdmins are updated; an admin that chose its own DateField widget keeps it."""
    from django.contrib import admin
    from django.contrib.admin import options
    from django.db import models

    default = options.FORMFIELD_FOR_DBFIELD_DEFAULTS.get(models.DateField)
    buddhist = {"form_class": BuddhistDateField, "widget": BuddhistDateInput}
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = buddhist
    for model_admin in admin.site._registry.values():
        if model_admin.formfield_overrides.get(models.DateField) == default:
            model_admin.formfield_overrides[models.DateField] = dict(buddhist)
