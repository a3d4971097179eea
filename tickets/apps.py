from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the receiver of mail providers' inbound webhooks (django-anymail).
        from .intake import webhooks  # noqa: F401
        from .receivers import connect

        connect()
