"""Buddhist-Era dates in Asia/Bangkok for the pages, in the reader's language: {{ value|be_date }},
{{ value|be_datetime }} (supervision.dates.be_long)."""

from django import template

from supervision.dates import be_long

register = template.Library()


@register.filter
def be_date(value):
    return be_long(value)


@register.filter
def be_datetime(value):
    return be_long(value, with_time=True)
