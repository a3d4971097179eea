"""The one way to scope rows by tenant.

Every tenant-owned model inherits :class:`TenantOwnedModel`; every selector starts from
``Model.objects.for_tenant(tenant)``. Passing ``None`` is an error rather than a query for
rows without a tenant, so a forgotten tenant can never widen a query.
"""

from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        if tenant is None:
            raise ValueError("for_tenant() needs a tenant; got None")
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        return self.filter(tenant_id=tenant_id)


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class TenantOwnedModel(models.Model):
    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True
