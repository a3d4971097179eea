from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sla.services import register_recompute_handler

        from .services.sla import tickets_sla_recompute

        # “Recompute open tickets” in the SLA admin reaches the tickets through this.
        register_recompute_handler(tickets_sla_recompute)
