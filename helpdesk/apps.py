from django.apps import AppConfig, apps
from django.contrib.admin.apps import AdminConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

OUR_APPS = {"helpdesk", "accounts", "tickets", "sla", "knowledge_base", "escalation"}


def name_many_to_many_rows() -> None:
    """Django names the rows of a many-to-many field's own table in English whatever the
    reader's language ("Article-tag relationship: Article_tags object (44)", as the admin's
    delete confirmation lists them). Ours read "link between article and tag: How to… –
    password" in the reader's language."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.auto_created or meta.app_label not in OUR_APPS:
            continue
        source, target = (field for field in meta.fields if field.is_relation)
        names = {
            "source": source.related_model._meta.verbose_name,
            "target": target.related_model._meta.verbose_name,
        }
        meta.verbose_name = format_lazy(_("link between {source} and {target}"), **names)
        meta.verbose_name_plural = format_lazy(_("links between {source} and {target}"), **names)
        model.__str__ = lambda row, a=source.name, b=target.name: (
            f"{getattr(row, a)} – {getattr(row, b)}"
        )


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Help desk platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        name_many_to_many_rows()


class HelpdeskAdminConfig(AdminConfig):
    default_site = "helpdesk.admin_site.HelpdeskAdminSite"
