import pytest
from django.contrib.auth.models import Group, Permission

from supervision.roles import ROLE_PERMISSIONS, Role, grant_role, user_has_role
from tests import factories as f


@pytest.mark.django_db
def test_role_groups_carry_permissions_of_every_app_after_a_fresh_migrate():
    """The test database was just migrated from nothing: the groups must already hold later apps' permissions."""
    for role, grants in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for app_label, actions in grants.items():
            expected = {
                p.codename
                for p in Permission.objects.filter(content_type__app_label=app_label)
                if p.codename.split("_", 1)[0] in actions
            }
            got = set(group.permissions.filter(content_type__app_label=app_label).values_list("codename", flat=True))
            assert got == expected, (role, app_label)
    assert Group.objects.get(name=Role.COORDINATOR).permissions.filter(codename="add_school").exists()
    assert not Group.objects.get(name=Role.VIEWER).permissions.filter(codename="add_school").exists()


@pytest.mark.django_db
def test_grant_role_makes_coordinators_staff_and_refuses_unknown_roles():
    user = f.UserFactory()
    grant_role(user, Role.COORDINATOR)
    user.refresh_from_db()
    assert user.is_staff and user_has_role(user, Role.COORDINATOR)
    with pytest.raises(ValueError):
        grant_role(user, "janitor")
