from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = pgettext_lazy("plural", "องค์กรและคณะกรรมการ")

    def ready(self):
        from supervision import checks  # noqa: F401  (registers the SITE_URL check)
        from supervision.dates import use_in_admin
        from supervision.roles import ensure_role_groups

        use_in_admin()  # Buddhist-Era date fields in every ModelAdmin

        # Groups carry the role permissions; recreate them idempotently after every migrate. Django creates
        # each app's permissions in that app's own post_migrate, so wait for the LAST app with models:
        # hooking onto this app would miss the permissions of schedules/visits/worker on a fresh database.
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(ensure_role_groups, sender=last, dispatch_uid="nithet-ensure-role-groups")
