"""``manage.py sla_outcomes_rebuild [--tenant SLUG]``: store every ticket's SLA outcomes
again and recount the daily rollups of the SLA reports.

For data written around the services (an import, a demo backdated by direct updates, a
restore of the outcome tables): every ticket is evaluated as the ticket page evaluates it
and its outcomes are written through the same store as every change, so an outcome decided
before keeps the terms it was measured against; the rollups are then recounted from the
outcome rows. Running it again changes nothing.
"""

from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Tenant
from sla.selectors import plan_books_for_tenant
from tickets.models import SlaOutcome, Ticket
from tickets.services.outcomes import outcomes_store, rollups_rebuild
from tickets.services.sla import evaluate_many, status_histories

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Rebuilt:
    tickets: int
    targets: int
    cells: int


def tenant_outcomes_rebuild(*, tenant, now, batch_size: int = BATCH_SIZE) -> Rebuilt:
    """Store the outcomes of every ticket of ``tenant`` evaluated at ``now``, by batches of
    primary keys (a batch costs a query for its tickets, one for their status history and
    the store's own), then recount the tenant's rollups."""
    books = plan_books_for_tenant(tenant=tenant)
    tickets = Ticket.objects.for_tenant(tenant).select_related("organization", "ticket_type")
    last_pk, count = 0, 0
    while True:
        # Locked while evaluated and stored, as a change of the ticket locks it: a reply
        # arriving meanwhile waits instead of being overwritten by an older evaluation.
        with transaction.atomic():
            batch = list(
                tickets.filter(pk__gt=last_pk)
                .order_by("pk")
                .select_for_update(of=("self",))[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            for ticket in batch:
                ticket.tenant = tenant
            histories = status_histories(tenant_id=tenant.pk, ticket_ids=[t.pk for t in batch])
            evaluated = evaluate_many(
                tenant=tenant, tickets=batch, books=books, now=now, histories=histories
            )
            outcomes_store(tenant=tenant, evaluations=evaluated.values(), now=now)
        count += len(batch)
    cells = rollups_rebuild(tenant=tenant)
    targets = SlaOutcome.objects.for_tenant(tenant).count()
    return Rebuilt(tickets=count, targets=targets, cells=cells)


class Command(BaseCommand):
    help = gettext_lazy(
        "Store the SLA outcomes of every ticket again and recount the daily rollups the SLA "
        "reports read (all help desks, or the one given). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tenant", help=gettext_lazy("Only the help desk with this short name (slug).")
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=gettext_lazy("Tickets evaluated at a time (default: 1000)."),
        )

    def handle(self, *args, tenant=None, batch_size=BATCH_SIZE, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(_("No help desk is called %(slug)s.") % {"slug": tenant})
        now = timezone.now()
        for row in tenants:
            done = tenant_outcomes_rebuild(tenant=row, now=now, batch_size=max(batch_size, 1))
            self.stdout.write(
                _("%(tenant)s: %(tickets)s tickets, %(targets)s targets, %(cells)s rollup cells")
                % {
                    "tenant": row.name,
                    "tickets": number_format(done.tickets, force_grouping=True),
                    "targets": number_format(done.targets, force_grouping=True),
                    "cells": number_format(done.cells, force_grouping=True),
                }
            )
