"""Roles are Django groups; this module is the one place that says which permissions each carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("ศึกษานิเทศก์")
    COORDINATOR = "coordinator", _("ผู้ประสานงาน")
    OFFICE_DIRECTOR = "office_director", _("ผู้อำนวยการสำนักงานเขต")
    SCHOOL_DIRECTOR = "school_director", _("ผู้อำนวยการโรงเรียน")
    COMMITTEE_MEMBER = "committee_member", _("กรรมการ")
    VIEWER = "viewer", _("ผู้ดูข้อมูล")


# app_label -> permission codename prefixes ("view", "add", "change", "delete") per role.
_ALL = ("view", "add", "change", "delete")
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.COORDINATOR: {"supervision": _ALL, "schedules": _ALL, "visits": _ALL, "worker": _ALL},
    Role.OFFICE_DIRECTOR: {"supervision": ("view",), "schedules": ("view",), "visits": ("view", "change")},
    Role.SUPERVISOR: {"supervision": ("view",), "schedules": ("view",), "visits": ("view", "add", "change")},
    Role.COMMITTEE_MEMBER: {"supervision": ("view",), "schedules": ("view",), "visits": ("view", "add", "change")},
    Role.SCHOOL_DIRECTOR: {"visits": ("view",)},
    Role.VIEWER: {"supervision": ("view",), "schedules": ("view",), "visits": ("view",)},
}
# Roles that may use the admin site (coordinators build committees there).
STAFF_ROLES = {Role.COORDINATOR, Role.OFFICE_DIRECTOR}


def ensure_role_groups(**kwargs):
    """Create or refresh one group per role. Safe to run any number of times."""
    from django.contrib.auth.models import Group, Permission

    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for app_label, actions in grants.items():
            for perm in Permission.objects.filter(content_type__app_label=app_label):
                if perm.codename.split("_", 1)[0] in actions:
                    perms.append(perm)
        group.permissions.set(perms)


def user_roles(user) -> set[str]:
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_nithet_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._nithet_roles = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def grant_role(user, role: str) -> None:
    from django.contrib.auth.models import Group

    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(Role.values)}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_nithet_roles", None)
