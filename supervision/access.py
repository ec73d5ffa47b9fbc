"""The one rule for which offices' data a user may see.

A person sees their own office, plus any office they were explicitly granted (`Person.extra_offices`).
Superusers see everything. Every office-bound queryset narrows through `for_user()`; nothing else
decides this.
"""

from django.db import models


def office_ids_for_user(user) -> set[int] | None:
    """Office ids the user may see; None means every office."""
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    cached = getattr(user, "_nithet_office_ids", None)
    if cached is not None:
        return cached
    person = person_for_user(user)  # one read of the person per request, shared with the pages
    ids: set[int] = set()
    if person is not None:
        ids.add(person.office_id)
        ids.update(person.extra_offices.values_list("id", flat=True))
    user._nithet_office_ids = ids
    return ids


class OfficeScopedQuerySet(models.QuerySet):
    office_field = "office"

    def for_user(self, user):
        ids = office_ids_for_user(user)
        if ids is None:
            return self
        return self.filter(**{f"{self.office_field}__in": ids})

    def for_office(self, office):
        return self.filter(**{self.office_field: office})


def person_for_user(user):
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_nithet_person"):
        from supervision.models import Person

        person = Person.objects.filter(user=user).select_related("office", "school").first()
        user._nithet_person = person
        if person is not None:
            # `user.person` (templates, admin) reads this same row instead of querying again.
            user._state.fields_cache.setdefault("person", person)
    return user._nithet_person


def is_office_manager(user) -> bool:
    """Coordinators and office directors: the people who run an office and see all of its work.

    The one place this rule is written; visits, rounds, follow-ups and the homes ask it (superusers too)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from supervision.roles import Role, user_has_role

    return user_has_role(user, Role.COORDINATOR, Role.OFFICE_DIRECTOR)


def committees_of(who):
    """The committees a person sits on ("my committees"), as a queryset usable as a subquery.

    `who` is a Person or a user (the person is found through the user); anonymous users sit on none."""
    from supervision.models import Committee, Person

    if who is None:
        return Committee.objects.none()
    if isinstance(who, Person):
        return Committee.objects.filter(memberships__person=who)
    if not who.is_authenticated:
        return Committee.objects.none()
    return Committee.objects.filter(memberships__person__user=who)
