from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the receiver of tickets' SLA changes: every change of a ticket's SLA
        # re-plans its next escalation check and may page on-call.
        from helpdesk.tenant_data import watch

        from . import receivers  # noqa: F401
        from .models import EscalationLevel, EscalationMatrix, EscalationRule

        # The matrix's rules are kept per process (escalation.selectors.matrix_rules).
        watch(
            EscalationMatrix,
            EscalationRule,
            EscalationLevel,
            m2m=(EscalationLevel.ticket_types.through,),
        )
