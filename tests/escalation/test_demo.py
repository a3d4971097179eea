"""The demo help desks come with an escalation ladder, rules, an on-call rota and tickets
already escalated by them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Tenant, User
from escalation.demo import seed_escalation
from escalation.models import EscalationEvent, EscalationLevel, EscalationRule, OnCallShift
from escalation.selectors import on_call_now
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

LADDER = [
    "L1 Engineer",
    "L2 Senior engineer",
    "L3 Support manager",
    "L4 Head of support / account manager",
]
# IVCISA reads Spanish: the same rungs, in its words.
LADDERS = {
    "invoca": LADDER,
    "ivcisa": [
        "N1 Ingeniero",
        "N2 Ingeniero sénior",
        "N3 Gerente de soporte",
        "N4 Jefe de soporte / gerente de cuenta",
    ],
}


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    return {t.slug: t for t in Tenant.objects.filter(slug__in=["ivcisa", "invoca"])}


def matrix_state():
    return (
        sorted(
            (lv.tenant_id, lv.rank, lv.name, lv.audience, lv.tier, lv.emails)
            for lv in EscalationLevel.objects.all()
        ),
        sorted(
            r.describe() + f" {r.tenant_id} {r.business_hours_only}"
            for r in EscalationRule.objects.select_related("level")
        ),
        sorted((s.tenant_id, s.user_id, s.starts_at, s.ends_at) for s in OnCallShift.objects.all()),
    )


@pytest.mark.parametrize("slug", ["ivcisa", "invoca"])
def test_each_demo_tenant_climbs_the_same_ladder(demo, slug):
    tenant = demo[slug]
    levels = list(EscalationLevel.objects.for_tenant(tenant).order_by("rank"))
    assert [lv.name for lv in levels] == LADDERS[slug]
    l2, l3, l4 = LADDERS[slug][1:]
    assert [(lv.audience, lv.tier) for lv in levels[:3]] == [
        ("engineers", "L1"),
        ("engineers", "L2"),
        ("managers", ""),
    ]
    head = levels[3]
    assert [u.email for u in head.users.all()] == [f"admin@{slug}.example"]
    assert head.emails  # the account team's address
    rules = {r.describe() for r in EscalationRule.objects.for_tenant(tenant)}
    assert {
        f"P1, first response at 50 %: {l2}",
        f"P1, first response at breach: {l3}",
        f"P1, first response 1 h after due: {l4}",
        "P1, resolution at 75 %: warn the assignee",
        f"P1, resolution at breach: {l3}",
        "P2, first response at 75 %: warn the assignee",
        f"P2, first response at breach: {l2}",
        f"P2, first response 2 h after due: {l3}",
        "P3, resolution at 90 %: warn the assignee",
        f"P4, resolution at breach: {l2}",
    } <= rules
    # P1 is covered around the clock; everything else waits for business hours.
    for rule in EscalationRule.objects.for_tenant(tenant):
        assert rule.business_hours_only == (rule.priority != "P1"), rule.describe()


@pytest.mark.parametrize("slug", ["ivcisa", "invoca"])
def test_someone_is_on_call_now_and_the_rota_rotates_weekly(demo, slug):
    tenant = demo[slug]
    now = timezone.now()
    assert len(on_call_now(tenant=tenant, at=now)) == 1
    shifts = list(OnCallShift.objects.for_tenant(tenant).order_by("starts_at"))
    assert len(shifts) == 4
    assert all(s.ends_at - s.starts_at >= timedelta(days=6, hours=23) for s in shifts)
    assert all(a.ends_at == b.starts_at for a, b in zip(shifts, shifts[1:], strict=False))
    assert shifts[-1].ends_at > now + timedelta(days=20)
    assert len({s.user_id for s in shifts[:3]}) == 3  # every demo engineer takes a week
    assert all(s.user.role == "engineer" for s in shifts)


@pytest.mark.parametrize("slug", ["ivcisa", "invoca"])
def test_the_demo_opens_with_escalated_tickets(demo, slug):
    tenant = demo[slug]
    escalated = Ticket.objects.for_tenant(tenant).filter(escalation_level__isnull=False)
    assert escalated.exists()
    assert EscalationEvent.objects.for_tenant(tenant).filter(kind="rule").exists()
    # Open tickets with rules still ahead know when they are next checked.
    assert Ticket.objects.for_tenant(tenant).filter(escalation_check_at__isnull=False).exists()


def test_seeding_twice_changes_nothing(demo):
    before = matrix_state()
    events = EscalationEvent.objects.count()
    now = timezone.now()
    first = seed_escalation(now=now)
    assert matrix_state() == before
    assert not any(t["matrix_changed"] or t["shifts_added"] for t in first["tenants"])
    assert seed_escalation(now=now)["rules_fired"] == 0
    assert EscalationEvent.objects.count() == events + first["rules_fired"]


def test_reseeding_restores_the_demo_rules_and_keeps_the_admins_own(demo):
    ivcisa = demo["ivcisa"]
    rule = EscalationRule.objects.for_tenant(ivcisa).get(
        priority="P1", metric="first_response", threshold="percent"
    )
    rule.is_active = False
    rule.save()
    extra = EscalationRule.objects.create(
        tenant=ivcisa,
        matrix=rule.matrix,
        priority="P1",
        metric="resolution",
        threshold="before_due",
        amount=30,
        level=rule.level,
    )
    result = seed_escalation(slugs=["ivcisa"], reset=True)
    assert result["tenants"][0]["matrix_changed"]
    rule.refresh_from_db()
    assert rule.is_active
    assert EscalationRule.objects.filter(pk=extra.pk).exists()


def test_a_later_run_extends_the_rota_and_keeps_a_swapped_shift(demo):
    ivcisa = demo["ivcisa"]
    now = timezone.now()
    current = OnCallShift.objects.for_tenant(ivcisa).get(starts_at__lte=now, ends_at__gt=now)
    manager = User.objects.get(email="manager@ivcisa.example")
    current.user = manager
    current.save()
    result = seed_escalation(slugs=["ivcisa"], now=now + timedelta(days=7))
    assert result["tenants"][0]["shifts_added"] == 1
    assert OnCallShift.objects.for_tenant(ivcisa).count() == 5
    current.refresh_from_db()
    assert current.user == manager
    later = now + timedelta(days=27)
    assert len(on_call_now(tenant=ivcisa, at=later)) == 1
