from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tenants and people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk.tenant_data import watch

        from . import checks, signals  # noqa: F401
        from .models import Domain, Organization

        # Links in emails name the tenant's primary domain, and the queues and the ticket
        # page name organizations: both kept per process.
        watch(Domain, Organization)
