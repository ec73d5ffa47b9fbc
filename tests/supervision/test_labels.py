"""Every model, field, choice, admin and app label is written once, in Thai, with its English in a catalogue.

Labels used to be written "ไทย (English)" inline, so the English switch changed nothing and every Thai page
carried English in brackets. Here every label the admin, forms and pages take from the models is read in
Thai (it must carry no inline English: no trailing "(english words)" and no "ไทย / English") and in English
(it must carry no Thai: its English is in the owning app's catalogue).
"""

import re

from django.apps import apps
from django.contrib import admin
from django.utils import translation

from supervision.catalogues import BASE_DIR

THAI = re.compile(r"[\u0E00-\u0E7F]")
# "ชื่อ (name)" or "ว่างไว้ = … / blank = …": a Thai label with an English duplicate after it.
INLINE_ENGLISH = re.compile(
    r"[\u0E00-\u0E7F][^()]*\([^()\u0E00-\u0E7F]*[a-z][^()\u0E00-\u0E7F]*\)\s*$|[\u0E00-\u0E7F][^/]*\s/\s[^\u0E00-\u0E7F]*[a-z]"
)


# Thai that stays Thai in English: the ministry's letter-number prefix is part of the number (ศธ 04xxx/ว …).
PROPER_THAI = re.compile(r"ศธ [0-9x]+/ว")


def _is_project(config) -> bool:
    return str(BASE_DIR) in str(config.path) and ".venv" not in str(config.path)


def _project_apps():
    return [c for c in apps.get_app_configs() if _is_project(c)]


def _labels():
    """(where, lazy label) for every label a person reads that comes from a model, an admin or an app."""
    found = []
    for config in _project_apps():
        found.append((f"app {config.label}", config.verbose_name))
        for model in config.get_models():
            name = f"{config.label}.{model.__name__}"
            found += [(name, model._meta.verbose_name), (f"{name} plural", model._meta.verbose_name_plural)]
            for field in model._meta.get_fields():
                if not hasattr(field, "verbose_name") or (field.auto_created and not field.concrete):
                    continue
                found.append((f"{name}.{field.name}", field.verbose_name))
                if getattr(field, "help_text", ""):
                    found.append((f"{name}.{field.name} help", field.help_text))
                for value, label in getattr(field, "flatchoices", None) or []:
                    found.append((f"{name}.{field.name}={value!r}", label))
    for model, model_admin in admin.site._registry.items():
        if not _is_project(apps.get_app_config(model._meta.app_label)):
            continue
        name = f"admin {type(model_admin).__name__}"
        for title, _options in model_admin.fieldsets or []:
            if title:
                found.append((f"{name} fieldset", title))
        for action in model_admin.actions or []:
            func = getattr(model_admin, action, action) if isinstance(action, str) else action
            if getattr(func, "short_description", None):
                found.append((f"{name} action {getattr(func, '__name__', action)}", func.short_description))
        for column in model_admin.list_display:
            func = getattr(model_admin, column, None) if isinstance(column, str) else column
            if callable(func) and getattr(func, "short_description", None):
                found.append((f"{name} column {column}", func.short_description))
        for inline in model_admin.inlines:
            for attr in ("verbose_name", "verbose_name_plural"):
                if inline.__dict__.get(attr):
                    found.append((f"admin {inline.__name__}.{attr}", inline.__dict__[attr]))
    return found


def test_labels_are_found():
    labels = _labels()
    assert len(labels) > 500  # every project app's models, fields, choices and admins
    assert any(where == "visits.Visit.status='approved'" for where, _ in labels)


def test_no_label_carries_an_inline_english_duplicate():
    with translation.override("th"):
        inline = [f"{where}: {label}" for where, label in _labels() if INLINE_ENGLISH.search(str(label))]
    assert not inline, "write the label once in Thai and its English in the catalogue:\n" + "\n".join(inline)


def test_every_label_has_its_english():
    with translation.override("en"):
        thai = [f"{where}: {label}" for where, label in _labels() if THAI.search(PROPER_THAI.sub("", str(label)))]
    assert not thai, "no English in the catalogue for:\n" + "\n".join(thai)


def test_the_thai_labels_stay_thai():
    with translation.override("th"):
        labels = {where: str(label) for where, label in _labels()}
    assert labels["visits.Visit.status='approved'"] == "อนุมัติแล้ว"
    with translation.override("en"):
        assert {where: str(label) for where, label in _labels()}["visits.Visit.status='approved'"] == "Approved"


def test_a_choice_reads_as_a_label_in_english_not_as_its_code():
    """A page prints a choice's label: in English it starts with a capital and is not the stored code again
    (the plan page's header read "supervision · … · published" while the choices were translated as their
    codes)."""
    with translation.override("en"):
        codes = [
            f"{config.label}.{model.__name__}.{field.name}={value!r}: {label}"
            for config in _project_apps()
            for model in config.get_models()
            for field in model._meta.get_fields()
            for value, label in getattr(field, "flatchoices", None) or []
            if isinstance(value, str) and str(label)[:1].islower()
        ]
    assert not codes, "give these choices a label in the catalogue, not their code:\n" + "\n".join(codes)
