from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Support plans and SLA"
    default_auto_field = "django.db.models.BigAutoField"
