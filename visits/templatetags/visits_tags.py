"""Buddhist-Era dates in Asia/Bangkok for the visits pages: {{ value|be_date }}, {{ value|be_datetime }}."""

from django import template

from visits.reports.thaitext import be_date as _be_date
from visits.reports.thaitext import be_datetime as _be_datetime

register = template.Library()


@register.filter
def be_date(value):
    return _be_date(value)


@register.filter
def be_datetime(value):
    return _be_datetime(value)
