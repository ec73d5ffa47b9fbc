"""Template filters of the plan page."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def said(thing) -> str:
    """A conflict's, refusal's or change's message in the reader's language: each carries its Thai and English
    text (`message_th` / `message_en`, or `reason_th` / `reason_en`); English when the page is in English."""
    english = (get_language() or "").startswith("en")
    for th, en in (("message_th", "message_en"), ("reason_th", "reason_en")):
        get = thing.get if isinstance(thing, dict) else lambda name, obj=thing: getattr(obj, name, None)
        if get(th) is not None:
            return (get(en) or get(th)) if english else get(th)
    return str(thing)
