import pytest
from django.test import Client

from helpdesk.priorities import Priority
from tickets.services import attachment_check, attachment_stage, ticket_create

from .factories import TicketTypeFactory, text_file


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_DOWNLOADS = "stream"


@pytest.fixture
def login():
    """A client signed in as ``user`` on the user's tenant host."""

    def make(user) -> Client:
        host = f"{user.tenant.slug}.localhost" if user.tenant_id else "localhost"
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def ticket_type(acme):
    return TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")


def open_ticket(world, ticket_type, *, requester=None, title="VPN down", files=(), **kwargs):
    """A ticket opened by a customer through the service, as the portal does it."""
    requester = requester or world.customer
    staged = [
        attachment_stage(actor=requester, tenant=world.tenant, checked=attachment_check(f))
        for f in files
    ]
    return ticket_create(
        actor=requester,
        tenant=world.tenant,
        title=title,
        text=kwargs.pop("text", "The tunnel drops every 30 minutes."),
        ticket_type=ticket_type,
        priority=kwargs.pop("priority", Priority.P2),
        affected_service=kwargs.pop("affected_service", "VPN bog-prod"),
        steps=kwargs.pop("steps", ""),
        attachment_ids=[a.public_id for a in staged],
        base_url=f"http://{world.host}/",
    )


@pytest.fixture
def make_ticket(acme, ticket_type):
    def make(world=None, type_=None, **kwargs):
        return open_ticket(world or acme, type_ or ticket_type, **kwargs)

    return make


__all__ = ["open_ticket", "text_file"]
