"""Buddhist-Era dates where people read and type them: form fields and widgets that read and show 24/07/2563.

Every ModelAdmin gets them for its DateFields and DateTimeFields (`use_in_admin()`, called once from
SupervisionConfig.ready, sets Django's admin defaults, so admin classes written by any app need nothing), and
the admin shows every date it prints in the Buddhist Era, in Asia/Bangkok: change-list columns, read-only
fields, the date drill-down and both history pages. Office forms use `BuddhistDateField` directly. The stored
value stays a plain date (2020-07-24) or an aware datetime.
"""

import datetime as dt
import re

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from pythainlp.util import thai_strftime

BE_OFFSET = 543
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
# Years a Buddhist-Era date can plausibly carry; anything in the Christian Era's range is a mistake.
BE_YEARS = range(2400, 2700)


def to_be_text(value: dt.date | None) -> str:
    """2020-07-24 → 24/07/2563."""
    if not value:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


def be_display(value: dt.date | dt.datetime) -> str:
    """A date or an aware date-time as a person reads it: "24 ก.ค. 2563 14:05" (Asia/Bangkok).

    In English the month is numeric and the year still Buddhist Era ("24/07/2563 14:05"): the office's
    documents and every form carry BE years, so an English page must not show a second calendar."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        clock = f" {value:%H:%M}"
    else:
        value, clock = dt.datetime(value.year, value.month, value.day), ""
    if (translation.get_language() or "").startswith("en"):
        return to_be_text(value) + clock
    return thai_strftime(value, "%-d %b %Y") + clock


_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def be_long(value: dt.date | dt.datetime | None, *, with_time: bool = False) -> str:
    """A date as a page prints it in full, in the reader's language, Buddhist Era, Asia/Bangkok:
    "3 สิงหาคม 2563" ("3 สิงหาคม 2563 เวลา 09:48 น.") in Thai, "3 August 2563" ("3 August 2563, 09:48") in
    English. Reports stay Thai whatever the page's language (visits.reports.thaitext)."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if not isinstance(value, dt.datetime):
        value, with_time = dt.datetime(value.year, value.month, value.day), False
    if (translation.get_language() or "").startswith("en"):
        text = f"{value.day} {_ENGLISH_MONTHS[value.month - 1]} {value.year + BE_OFFSET}"
        return f"{text}, {value:%H:%M}" if with_time else text
    return thai_strftime(value, "%-d %B %Y เวลา %H:%M น." if with_time else "%-d %B %Y")


_CE_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def be_years(text: str) -> str:
    """'กรกฎาคม 2020' → 'กรกฎาคม 2563': the Christian-Era years in a label Django formatted."""
    return _CE_YEAR.sub(lambda m: str(int(m.group(1)) + BE_OFFSET), str(text))


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


class BuddhistTimeInput(forms.TimeInput):
    def __init__(self, attrs=None):
        defaults = {"placeholder": _("ชช:นน"), "inputmode": "numeric", "size": 6, "class": "be-time"}
        super().__init__({**defaults, **(attrs or {})}, format="%H:%M")


class BuddhistSplitDateTimeWidget(forms.MultiWidget):
    """The date as 24/07/2563 and the time as 14:05 (Asia/Bangkok), side by side."""

    template_name = "django/forms/widgets/splitdatetime.html"

    def __init__(self, attrs=None):
        super().__init__([BuddhistDateInput(attrs), BuddhistTimeInput(attrs)])

    def decompress(self, value):
        if value:
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [None, None]


class BuddhistDateTimeField(forms.SplitDateTimeField):
    """A date-time typed as 24/07/2563 and 14:05, read in Asia/Bangkok and stored aware."""

    widget = BuddhistSplitDateTimeWidget

    def __init__(self, *args, **kwargs):
        kwargs.pop("input_date_formats", None)
        kwargs.pop("input_time_formats", None)
        super().__init__(*args, **kwargs)
        date_field, time_field = self.fields
        buddhist = BuddhistDateField(required=date_field.required, localize=date_field.localize)
        buddhist.error_messages = {**date_field.error_messages, **buddhist.error_messages}
        self.fields = (buddhist, time_field)

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        initial = initial.replace(second=0, microsecond=0) if initial else None
        return (initial or None) != (data or None)

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value
        return self.clean(value) if value else None


def _admin_display(original):
    """Wrap the admin's display_for_field/display_for_value so dates and date-times print in BE, Bangkok."""

    def display(value, *args, **kwargs):
        if isinstance(value, dt.date) and not isinstance(value, bool):
            return be_display(value)
        return original(value, *args, **kwargs)

    display.__wrapped__ = original
    return display


def _be_date_hierarchy(original):
    """The admin's date drill-down with BE years in its links ('2563', 'กรกฎาคม 2563')."""

    def date_hierarchy(cl):
        context = original(cl)
        if context:
            for choice in [*context.get("choices", []), *([context["back"]] if context.get("back") else [])]:
                choice["title"] = be_years(choice["title"])
        return context

    date_hierarchy.__wrapped__ = original
    return date_hierarchy


def use_in_admin() -> None:
    """Make BuddhistDateField and BuddhistDateTimeField the admin's form fields for every date and date-time.

    The admin's defaults are copied into each ModelAdmin when it is registered (admin autodiscovery runs
    before this app is ready), so both the defaults (for inlines, made per request) and the registered
    ModelAdmins are updated; an admin that chose its own DateField widget keeps it."""
    from django.contrib import admin
    from django.contrib.admin import helpers, options
    from django.contrib.admin.templatetags import admin_list
    from django.db import models

    replacements = {
        models.DateField: {"form_class": BuddhistDateField, "widget": BuddhistDateInput},
        models.DateTimeField: {"form_class": BuddhistDateTimeField, "widget": BuddhistSplitDateTimeWidget},
    }
    for field_class, buddhist in replacements.items():
        default = options.FORMFIELD_FOR_DBFIELD_DEFAULTS.get(field_class)
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[field_class] = buddhist
        for model_admin in admin.site._registry.values():
            if model_admin.formfield_overrides.get(field_class) == default:
                model_admin.formfield_overrides[field_class] = dict(buddhist)

    # What the admin prints: Django formats dates with the locale's Christian-Era formats and offers no hook,
    # so the two display functions its change list and read-only fields call are wrapped, once.
    if not hasattr(admin_list.display_for_field, "__wrapped__"):
        admin_list.display_for_field = _admin_display(admin_list.display_for_field)
        admin_list.display_for_value = _admin_display(admin_list.display_for_value)
        helpers.display_for_field = _admin_display(helpers.display_for_field)
        # the {% date_hierarchy %} tag looks its function up in the module each time a template is compiled
        admin_list.date_hierarchy = _be_date_hierarchy(admin_list.date_hierarchy)
