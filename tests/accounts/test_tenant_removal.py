import pytest

from accounts.models import Organization, Tenant, User
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_platform_admin_can_remove_a_whole_tenant(two_tenants, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme, globex = two_tenants
    open_ticket(acme, TicketTypeFactory(tenant=acme.tenant))
    kept = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant))

    acme.tenant.delete()

    assert not Tenant.objects.filter(slug="acme").exists()
    assert not Organization.objects.filter(tenant_id=acme.tenant.pk).exists()
    assert not User.objects.filter(tenant_id=acme.tenant.pk).exists()
    assert list(Ticket.objects.all()) == [kept]


def test_an_organization_with_tickets_cannot_be_deleted_alone(acme):
    from django.db.models import RestrictedError

    open_ticket(acme, TicketTypeFactory(tenant=acme.tenant))
    with pytest.raises(RestrictedError):
        acme.org.delete()
