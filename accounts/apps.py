from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tenants and people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk.tenant_data import watch

        from . import checks, signals  # noqa: F401
        from .models import Domain, Organization, User

        # Links in emails name the tenant's primary domain, and the queues and the ticket
        # page name organizations: both kept per process. So is the person signed in
        # (``accounts.backends``): a save of anyone of the tenant but their sign-in time
        # renews it, and a person moved to another tenant renews the one they left.
        watch(Domain, Organization, User, live={User: {"last_login"}})
        pre_save.connect(_person_moved, sender=User, dispatch_uid="accounts:person-moved")


def _person_moved(sender, instance, raw=False, **kwargs):
    from helpdesk.tenant_data import tenant_data_changed

    updated = kwargs.get("update_fields")
    if raw or instance.pk is None or (updated and not {"tenant", "tenant_id"} & set(updated)):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("tenant_id", flat=True).first()
    if before is not None and before != instance.tenant_id:
        tenant_data_changed(before)
