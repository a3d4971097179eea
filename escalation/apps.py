from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the receiver of tickets' SLA changes: every change of a ticket's SLA
        # re-plans its next escalation check and may page on-call.
        from . import receivers  # noqa: F401
