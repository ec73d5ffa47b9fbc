"""Query filters that refuse what they cannot honour (400 with the field named) instead of ignoring it.

DRF's OrderingFilter drops unknown `ordering` terms silently and django-filter passes an aware datetime on
to the database as written, whose offset PostgreSQL refuses beyond ±15:59 (a 500). A client that asked for
something we do not do should hear so.
"""

import datetime

import django_filters
from django import forms
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from supervision.errors import Said


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` with a field the endpoint does not order by is a 400 naming the allowed ones."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            terms = [term.strip() for term in params.split(",") if term.strip()]
            valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [term for term in terms if term.lstrip("-") not in valid]
            if unknown:
                allowed = ", ".join(sorted(valid))
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            Said(
                                f"เรียงตาม {', '.join(unknown)} ไม่ได้ (ได้: {allowed})",
                                f"cannot order by {', '.join(unknown)} (allowed: {allowed})",
                            )
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)


class UtcDateTimeField(forms.DateTimeField):
    """An ISO 8601 date-time, turned into UTC here: an offset no real zone has (+23:59) or a moment outside
    the calendar after conversion is a field error, not a database error."""

    def to_python(self, value):
        parsed = forms.DateTimeField.to_python(self, value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > datetime.timedelta(hours=14):
            raise forms.ValidationError(
                Said("เขตเวลาต้องอยู่ระหว่าง -14:00 ถึง +14:00", "the time-zone offset must lie between -14:00 and +14:00"),
                code="invalid",
            )
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                Said("วันเวลาอยู่นอกช่วง", "the date-time is out of range"), code="invalid"
            ) from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField
