"""Writes to the organisation that more than one entry point needs (demo loader, importers)."""

from django.db import models


def _differs(obj: models.Model, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        # Compare ids: reading obj.<fk> would fetch the related row, one query per field per record.
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def record_upsert(
    model: type[models.Model], *, lookup: dict, values: dict, instance: models.Model | None = None
) -> tuple[models.Model, str]:
    """Get-or-create by `lookup`, then save only the fields whose values differ.

    Returns (object, "created" | "updated" | "unchanged"). An unchanged row is not saved at all, so a
    repeated import or demo load writes nothing and adds no history rows. A caller that already holds the
    stored row passes it as `instance` (saves the look-up).
    """
    obj = instance if instance is not None else model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**{**lookup, **values}), "created"
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
        return obj, "updated"
    return obj, "unchanged"
