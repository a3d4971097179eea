"""``manage.py sla_outcomes_rebuild``: every ticket's SLA outcomes stored again and the
report's rollups recounted, restoring what the services wrote, and changing nothing when
run again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.models import Tenant
from tickets.models import SlaOutcome, SlaRollup, Ticket
from tickets.services.outcomes import WRITTEN

from .test_sla_on_tickets import at
from .test_sla_outcomes import rollup_cells
from .test_sla_report_numbers import NOW, build_scenario

pytestmark = pytest.mark.django_db
RUNNING_STATES = ("running", "paused")


def outcomes_of(tenant, *, with_updated_at=False) -> dict:
    """The tenant's outcome rows as the services wrote them, by ticket and metric."""
    names = [name for name in WRITTEN if with_updated_at or name != "updated_at"]
    return {
        (row["ticket_id"], row["metric"]): row
        for row in SlaOutcome.objects.filter(tenant=tenant).values("ticket_id", "metric", *names)
    }


def rebuild(*args) -> str:
    out = StringIO()
    with at(NOW):
        call_command("sla_outcomes_rebuild", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def plain(acme, globex):
    """The report's scenario without changes of terms after a decision: everything in it
    can be read back from the tickets and their histories."""
    return build_scenario(acme, globex, terms_change=False)


def test_rebuild_restores_exactly_what_the_services_wrote(plain):
    tenants = (plain.world.tenant, plain.other.tenant)
    written = {t.pk: outcomes_of(t) for t in tenants}
    cells = {t.pk: rollup_cells(t) for t in tenants}
    assert all(written.values()) and all(cells.values())
    SlaOutcome.objects.all().delete()
    SlaRollup.objects.all().delete()

    output = rebuild()

    for tenant in tenants:
        assert outcomes_of(tenant) == written[tenant.pk]
        assert rollup_cells(tenant) == cells[tenant.pk]
    acme_line = (
        f"Acme: {len(plain.tickets) - 2} tickets, {len(written[plain.world.tenant.pk])} "
        f"targets, {SlaRollup.objects.filter(tenant=plain.world.tenant).count()} rollup cells"
    )
    assert acme_line in output.splitlines()
    assert any(line.startswith("Globex: 2 tickets, ") for line in output.splitlines())


def test_a_second_run_changes_nothing_and_earlier_terms_are_kept(acme, globex):
    """Run over outcomes in place, the rebuild keeps those decided on earlier terms (the
    priority raised after the first response, the matrix recomputed) as they were."""
    scenario = build_scenario(acme, globex)
    tenant = scenario.world.tenant
    written = outcomes_of(tenant, with_updated_at=True)
    cells = rollup_cells(tenant)
    assert sum(row["measured_on_earlier_terms"] for row in written.values()) == 2

    first = rebuild()
    assert outcomes_of(tenant, with_updated_at=True) == written
    assert rollup_cells(tenant) == cells
    assert rebuild() == first
    assert outcomes_of(tenant, with_updated_at=True) == written
    assert rollup_cells(tenant) == cells


def test_one_help_desk_at_a_time(plain):
    acme, globex = plain.world.tenant, plain.other.tenant
    kept = outcomes_of(acme)
    SlaOutcome.objects.filter(tenant=globex).delete()
    SlaRollup.objects.filter(tenant=globex).delete()
    output = rebuild("--tenant", "globex")
    assert output.startswith("Globex: 2 tickets") and "Acme" not in output
    assert outcomes_of(globex) and rollup_cells(globex)
    assert outcomes_of(acme) == kept
    with pytest.raises(CommandError, match="No help desk is called nowhere"):
        rebuild("--tenant", "nowhere")


def test_the_summary_reads_in_spanish(plain):
    Tenant.objects.filter(pk=plain.world.tenant.pk).update(name="IVCISA")
    with translation.override("es-co"):
        output = rebuild("--tenant", "acme")
    assert output.startswith(f"IVCISA: {len(plain.tickets) - 2} tickets, ")
    assert "objetivos" in output and "celdas de resumen" in output


def test_the_demo_ends_with_outcomes_a_rebuild_keeps():
    """The demo's tickets are backdated by direct updates: after seeding, their outcomes
    and rollups are what a rebuild computes from the tickets alone."""
    call_command("seed_demo", stdout=StringIO())
    tenants = list(Tenant.objects.filter(pk__in=Ticket.objects.values("tenant_id")))
    assert tenants
    seeded = {t.pk: (outcomes_of(t), rollup_cells(t)) for t in tenants}
    assert all(rows for rows, _cells in seeded.values())

    SlaOutcome.objects.all().delete()
    SlaRollup.objects.all().delete()
    out = StringIO()
    with at(timezone.now()):
        call_command("sla_outcomes_rebuild", stdout=out)

    for tenant in tenants:
        rows, cells = seeded[tenant.pk]
        rebuilt = outcomes_of(tenant)
        assert rollup_cells(tenant) == cells, tenant.slug
        assert rebuilt.keys() == rows.keys(), tenant.slug
        for key, row in rows.items():
            if row["state"] in RUNNING_STATES:
                # Still running: what it has used so far grows with the clock.
                row, now_row = dict(row), dict(rebuilt[key])
                for name in ("paused_seconds", "business_seconds"):
                    row.pop(name), now_row.pop(name)
                assert now_row == row, (tenant.slug, key)
            else:
                assert rebuilt[key] == row, (tenant.slug, key)
