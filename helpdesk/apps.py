from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Help desk platform"
    default_auto_field = "django.db.models.BigAutoField"


class HelpdeskAdminConfig(AdminConfig):
    default_site = "helpdesk.admin_site.HelpdeskAdminSite"
