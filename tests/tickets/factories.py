import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from helpdesk.priorities import Priority
from tickets.models import Component, PriorityDefinition, TicketType

from ..factories import TenantFactory


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")
    description = "What this type is for."
    default_priority = Priority.P3


class PriorityDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityDefinition

    tenant = factory.SubFactory(TenantFactory)
    priority = Priority.P1
    summary = "Critical – total interruption"
    description = "Only for a total interruption of critical business services."


def png(name="screenshot.png", size=None) -> SimpleUploadedFile:
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * (size - 8 if size else 64)
    return SimpleUploadedFile(name, data, content_type="image/png")


def text_file(name="app.log", text="ERROR connection refused\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Component {n}")
    slug = factory.Sequence(lambda n: f"component-{n}")
    description = "A part of the service."
    created_at = factory.LazyFunction(timezone.now)
