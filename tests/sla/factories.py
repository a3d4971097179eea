"""Factories for SLA rows, built on the shared tenant factory."""

from datetime import time

import factory

from sla.models import BusinessCalendar, Holiday, SlaTarget, SupportPlan, WeeklyInterval
from sla.services import plan_set_matrix
from sla.targets import parse_target
from tests.factories import TenantFactory


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "America/Los_Angeles"
    business_day_minutes = 9 * 60
    always_open = False

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Mon–Fri 08:00–17:00 unless given as [(weekday, "HH:MM", "HH:MM"), ...]."""
        if not create or obj.always_open:
            return
        spans = extracted if extracted is not None else [(d, "08:00", "17:00") for d in range(5)]
        for weekday, start, end in spans:
            WeeklyInterval.objects.create(
                tenant=obj.tenant,
                calendar=obj,
                weekday=weekday,
                start=time.fromisoformat(start),
                end=time.fromisoformat(end),
            )


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    calendar = factory.SubFactory(BusinessCalendarFactory)
    tenant = factory.SelfAttribute("calendar.tenant")
    name = "Holiday"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"SLA Plan {n}")
    slug = factory.Sequence(lambda n: f"sla-plan-{n}")
    calendar = None


class SlaTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaTarget

    plan = factory.SubFactory(PlanFactory)
    tenant = factory.SelfAttribute("plan.tenant")
    priority = "P1"
    metric = "first_response"
    clock = "business"
    amount = 2
    unit = "hours"


def plan_with_matrix(*, tenant, cells: dict, calendar=None, name=None) -> SupportPlan:
    """A plan whose cells are written as in the admin: {("P1", "first_response"): "2 bh"}."""
    if calendar is None:
        calendar = BusinessCalendarFactory(tenant=tenant)
    plan = PlanFactory(tenant=tenant, **({"name": name} if name else {}))
    plan_set_matrix(
        plan=plan,
        calendar=calendar,
        cells={cell: parse_target(text) for cell, text in cells.items()},
    )
    return plan
