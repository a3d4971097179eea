from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tickets.services.sla import register_sla_observer

        from .services.schedule import escalation_reschedule

        # Every change of a ticket's SLA re-plans its next escalation check.
        register_sla_observer(escalation_reschedule)
