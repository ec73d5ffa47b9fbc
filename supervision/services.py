"""Writes to the organisation that more than one entry point needs (demo loader, importers)."""

from django.db import models


def record_upsert(model: type[models.Model], *, lookup: dict, values: dict) -> tuple[models.Model, str]:
    """Get-or-create by `lookup`, then save only the fields whose values differ.

    Returns (object, "created" | "updated" | "unchanged"). An unchanged row is not saved at all, so a
    repeated import or demo load writes nothing and adds no history rows.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**{**lookup, **values}), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
        return obj, "updated"
    return obj, "unchanged"
