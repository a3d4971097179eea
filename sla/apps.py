from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Support plans and SLA")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.models import Tenant
        from helpdesk.tenant_data import watch

        from .models import (
            BusinessCalendar,
            Holiday,
            SlaMatrixRevision,
            SlaTarget,
            SupportPlan,
            WeeklyInterval,
        )

        # Plan books (``sla.selectors.plan_books_for_tenant``) are kept per process.
        watch(
            SupportPlan,
            SlaTarget,
            BusinessCalendar,
            WeeklyInterval,
            Holiday,
            SlaMatrixRevision,
            tenant_model=Tenant,
        )
