"""The escalation matrices and on-call rotas of the two demo help desks.

IVCISA covers P1 incidents 24/7/365 with on-call engineers; Invoca works Monday to Friday,
8 AM–5 PM Pacific and watches urgent Mission Critical cases outside those hours. Both climb
the same ladder: L1 engineer → L2 senior engineer → L3 support manager → L4 head of
support and the account team. IVCISA's people read Spanish, so its levels and rota are
named in Spanish; the rules name levels by their key (the English name), whatever the tenant
calls them.

``seed_escalation()`` is idempotent and keeps an admin's work: a tenant without a matrix gets
the demo matrix with its levels and rules; an existing matrix (its fallback addresses, levels
and rules) is left exactly as the admin has it. ``reset=True`` (``manage.py reset_demo``)
brings the demo fallback addresses, levels and rules back to the seed (rules an admin added
stay).
On-call shifts are added for the weeks nobody covers yet, so a swapped shift stays swapped.
After a change the tenant's open tickets are planned again, and the rules already due fire
once, so the demo opens with escalated tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Tenant, User
from tickets.services.sla import tickets_sla_recompute

from .models import Audience, EscalationLevel, EscalationMatrix, EscalationRule, OnCallShift
from .models import Threshold as T
from .services import escalations_run_due

FR = "first_response"
RES = "resolution"
ROTA_WEEKS = 4
HANDOVER = time(8)  # shifts change on Monday morning, local time


@dataclass(frozen=True)
class LevelSeed:
    rank: int
    key: str  # the English name: what the rules point at, and what earlier seeds named it
    name: str
    audience: str
    tier: str = ""
    named_roles: tuple[str, ...] = ()
    emails: str = ""


@dataclass(frozen=True)
class RuleSeed:
    priority: str
    metric: str
    threshold: str
    amount: int = 0
    level: str = ""  # a level's key; "" warns the assignee only
    warn: bool = False
    business_hours_only: bool = False


@dataclass(frozen=True)
class MatrixSeed:
    levels: tuple[LevelSeed, ...]
    fallback: str
    rota_note: str
    rules: tuple[RuleSeed, ...]


L1, L2, L3, L4 = (
    "L1 Engineer",
    "L2 Senior engineer",
    "L3 Support manager",
    "L4 Head of support / account manager",
)


# How IVCISA calls the rungs of the ladder.
SPANISH_LADDER = {
    L1: "N1 Ingeniero",
    L2: "N2 Ingeniero sénior",
    L3: "N3 Gerente de soporte",
    L4: "N4 Jefe de soporte / gerente de cuenta",
}


def _ladder(account_team: str, names: dict[str, str] | None = None) -> tuple[LevelSeed, ...]:
    names = names or {}

    def seed(rank, key, audience, **options):
        return LevelSeed(rank, key, names.get(key, key), audience, **options)

    return (
        seed(1, L1, Audience.ENGINEERS, tier="L1"),
        seed(2, L2, Audience.ENGINEERS, tier="L2"),
        seed(3, L3, Audience.MANAGERS),
        seed(4, L4, Audience.NAMED, named_roles=(Role.TENANT_ADMIN,), emails=account_team),
    )


def _business_hours_rules(priority: str, metric: str, warn_at: int) -> tuple[RuleSeed, ...]:
    """Lower priorities: the engineer is warned, then a senior engineer takes over at the
    breach; both wait for the plan's business hours."""
    return (
        RuleSeed(priority, metric, T.PERCENT, warn_at, warn=True, business_hours_only=True),
        RuleSeed(priority, metric, T.AT_DUE, level=L2, business_hours_only=True),
    )


RULES = (
    # P1 is covered around the clock: nothing waits for business hours.
    RuleSeed("P1", FR, T.PERCENT, 50, level=L2),
    RuleSeed("P1", FR, T.AT_DUE, level=L3),
    RuleSeed("P1", FR, T.AFTER_DUE, 60, level=L4),
    RuleSeed("P1", RES, T.PERCENT, 75, warn=True),
    RuleSeed("P1", RES, T.AT_DUE, level=L3),
    *(
        rule
        for metric in (FR, RES)
        for rule in (
            *_business_hours_rules("P2", metric, 75),
            RuleSeed("P2", metric, T.AFTER_DUE, 120, level=L3, business_hours_only=True),
        )
    ),
    *(
        rule
        for priority in ("P3", "P4")
        for metric in (FR, RES)
        for rule in _business_hours_rules(priority, metric, 90)
    ),
)

SEEDS = {
    "ivcisa": MatrixSeed(
        levels=_ladder("account.managers@ivcisa.example", SPANISH_LADDER),
        fallback="oncall@ivcisa.example",
        rota_note="Guardia P1, 24/7/365",
        rules=RULES,
    ),
    "invoca": MatrixSeed(
        levels=_ladder("success@invoca.example"),
        fallback="urgent@invoca.example",
        rota_note="Urgent Mission Critical cases outside Mon–Fri 8–5 PT",
        rules=RULES,
    ),
}


def _save_if_changed(obj, values: dict) -> bool:
    """Set ``values`` on ``obj`` and save it if it is new or any of them differs."""
    changed = obj.pk is None or any(getattr(obj, name) != value for name, value in values.items())
    if changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
    return changed


@transaction.atomic
def seed_tenant_escalation(
    tenant: Tenant, *, now: datetime | None = None, reset: bool = False
) -> dict:
    """Create one tenant's matrix when it has none (``reset``: bring it back to the seed) and
    extend its rota; returns what changed."""
    spec = SEEDS[tenant.slug]
    now = now or timezone.now()
    matrix = EscalationMatrix.objects.filter(tenant=tenant).first()
    changed = False
    if matrix is None or reset:
        matrix = matrix or EscalationMatrix(tenant=tenant)
        changed = _seed_matrix(tenant, matrix, spec)
    shifts = _seed_rota(tenant, spec.rota_note, now)
    return {"tenant": tenant.slug, "matrix_changed": changed, "shifts_added": shifts}


def _seed_matrix(tenant: Tenant, matrix: EscalationMatrix, spec: MatrixSeed) -> bool:
    changed = _save_if_changed(
        matrix, {"is_active": True, "on_call_fallback_emails": spec.fallback}
    )
    levels = {}
    for seed in spec.levels:
        # A level seeded under its English name takes the tenant's name for it on a reset.
        level = (
            EscalationLevel.objects.filter(tenant=tenant, name=seed.name).first()
            or EscalationLevel.objects.filter(tenant=tenant, name=seed.key).first()
            or EscalationLevel(tenant=tenant, name=seed.name)
        )
        changed |= _save_if_changed(
            level,
            {
                "name": seed.name,
                "matrix": matrix,
                "rank": seed.rank,
                "audience": seed.audience,
                "tier": seed.tier,
                "emails": seed.emails,
            },
        )
        people = set(
            User.objects.for_tenant(tenant)
            .filter(role__in=seed.named_roles, is_active=True)
            .values_list("pk", flat=True)
        )
        if set(level.users.values_list("pk", flat=True)) != people:
            level.users.set(people)
            changed = True
        levels[seed.key] = level
    for seed in spec.rules:
        level = levels[seed.level] if seed.level else None
        identity = {
            "tenant": tenant,
            "matrix": matrix,
            "priority": seed.priority,
            "metric": seed.metric,
            "threshold": seed.threshold,
            "amount": seed.amount,
            "level": level,
        }
        rule = EscalationRule.objects.filter(**identity).first() or EscalationRule(**identity)
        changed |= _save_if_changed(
            rule,
            {
                "notify_assignee": seed.warn,
                "reassign": False,
                "raise_priority_to": "",
                "business_hours_only": seed.business_hours_only,
                "is_active": True,
            },
        )
    return changed


def _seed_rota(tenant: Tenant, note: str, now: datetime) -> int:
    """Weekly shifts from this week's Monday handover for ``ROTA_WEEKS`` weeks, rotating
    over the tenant's engineers (by the calendar week, so a re-run picks the same person)."""
    engineers = list(
        User.objects.for_tenant(tenant)
        .filter(role=Role.ENGINEER, is_active=True)
        .order_by("tier", "email")
    )
    if not engineers:
        return 0
    zone = ZoneInfo(tenant.time_zone)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    if datetime.combine(monday, HANDOVER, zone) > now:
        monday -= timedelta(days=7)
    added = 0
    for week in range(ROTA_WEEKS):
        day = monday + timedelta(days=7 * week)
        starts = datetime.combine(day, HANDOVER, zone)
        ends = datetime.combine(day + timedelta(days=7), HANDOVER, zone)
        covered = (
            OnCallShift.objects.for_tenant(tenant)
            .filter(starts_at__lt=ends, ends_at__gt=starts)
            .exists()
        )
        if covered:
            continue
        OnCallShift.objects.create(
            tenant=tenant,
            user=engineers[(day.toordinal() // 7) % len(engineers)],
            starts_at=starts,
            ends_at=ends,
            note=note,
        )
        added += 1
    return added


def seed_escalation(*, slugs=None, now: datetime | None = None, reset: bool = False) -> dict:
    """Seed the matrices and rotas of the demo tenants that exist (all, or ``slugs``), plan
    their open tickets again if a matrix changed, and fire the rules already due. ``reset``
    brings existing matrices back to the seed."""
    wanted = list(SEEDS) if slugs is None else list(slugs)
    unknown = [slug for slug in wanted if slug not in SEEDS]
    if unknown:
        raise KeyError(f"No escalation seed for {', '.join(unknown)}; known: {', '.join(SEEDS)}.")
    now = now or timezone.now()
    results = []
    for tenant in Tenant.objects.filter(slug__in=wanted).order_by("slug"):
        result = seed_tenant_escalation(tenant, now=now, reset=reset)
        if result["matrix_changed"]:
            tickets_sla_recompute(tenant=tenant, now=now)
        results.append(result)
    return {"tenants": results, "rules_fired": escalations_run_due(now=now)}
