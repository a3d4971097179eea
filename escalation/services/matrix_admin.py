"""Keeping a tenant's matrix in place and its open tickets in step with it."""

from __future__ import annotations

from django.db import transaction

from ..models import EscalationMatrix


def matrix_ensure(*, tenant) -> EscalationMatrix:
    """The tenant's matrix, created (active, with no levels or rules) if it has none.

    A tenant has exactly one matrix, so its admins always land on the same screen."""
    matrix, _ = EscalationMatrix.objects.get_or_create(tenant=tenant)
    return matrix


def matrix_changed(*, tenant) -> None:
    """Plan every open ticket of ``tenant`` again once the change is committed.

    New or edited rules move each ticket's next check; a rule whose point has already
    passed fires at the next beat check, once."""
    from ..tasks import reschedule_tenant

    tenant_id = tenant.pk
    transaction.on_commit(lambda: reschedule_tenant.delay(tenant_id), robust=True)
