from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Support plans and SLA")
    default_auto_field = "django.db.models.BigAutoField"
