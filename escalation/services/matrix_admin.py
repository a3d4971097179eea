"""Keeping a tenant's escalation matrix in place: one per tenant."""

from __future__ import annotations

from ..models import EscalationMatrix


def matrix_ensure(*, tenant) -> EscalationMatrix:
    """The tenant's matrix, created (active, with no levels or rules) if it has none.

    A tenant has exactly one matrix, so its admins always land on the same screen."""
    matrix, _ = EscalationMatrix.objects.get_or_create(tenant=tenant)
    return matrix
