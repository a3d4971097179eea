"""Escalation matrices for tests, built on the shared tenant factories."""

from escalation.models import (
    Audience,
    EscalationLevel,
    EscalationMatrix,
    EscalationRule,
    OnCallShift,
    Threshold,
)


def matrix_for(tenant, **kwargs) -> EscalationMatrix:
    matrix, _ = EscalationMatrix.objects.get_or_create(tenant=tenant, defaults=kwargs)
    return matrix


def level(
    tenant, rank: int, name: str, *, audience=Audience.NAMED, users=(), emails="", types=(), tier=""
):
    row = EscalationLevel.objects.create(
        tenant=tenant,
        matrix=matrix_for(tenant),
        rank=rank,
        name=name,
        audience=audience,
        tier=tier,
        emails=emails,
    )
    row.users.set(users)
    row.ticket_types.set(types)
    return row


def rule(tenant, *, metric="first_response", threshold=Threshold.AT_DUE, amount=0, **kwargs):
    return EscalationRule.objects.create(
        tenant=tenant,
        matrix=matrix_for(tenant),
        metric=metric,
        threshold=threshold,
        amount=amount,
        **kwargs,
    )


def shift(tenant, user, starts_at, ends_at, note=""):
    return OnCallShift.objects.create(
        tenant=tenant, user=user, starts_at=starts_at, ends_at=ends_at, note=note
    )
