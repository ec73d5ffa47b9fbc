"""Numbers as the dashboard prints them: one decimal, a dash for no data, Buddhist-Era dates."""

from django import template

from schedules.days import be_date as _be_date

register = template.Library()


@register.filter
def pct(value):
    return "—" if value is None else f"{value:.1f}"


@register.filter
def delta_of(before, now):
    if before is None or now is None:
        return "—"
    return f"{now - before:+.1f}"


@register.filter
def delta(pair):
    return delta_of(*pair)


@register.filter
def be_date(value):
    return _be_date(value) if value else "—"


@register.filter
def level(value, levels):
    """The index of the quality level a percent falls in (for the cell's colour), or an empty string."""
    from visits.quality import quality_level

    found = quality_level(value, list(levels))
    return "" if found is None else found[0]
