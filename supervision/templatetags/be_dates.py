"""{{ value|be }}: a date or date-time as a person reads it, Buddhist Era, Asia/Bangkok (see supervision.dates)."""

import datetime as dt

from django import template

from supervision.dates import be_display

register = template.Library()


@register.filter
def be(value):
    return be_display(value) if isinstance(value, dt.date) else value
