from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "องค์กรและคณะกรรมการ (Organisation)"

    def ready(self):
        from supervision.roles import ensure_role_groups

        # Groups carry the role permissions; recreate them idempotently after every migrate.
        post_migrate.connect(ensure_role_groups, sender=self)
