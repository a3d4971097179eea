from django.core.management.base import BaseCommand, CommandError

from accounts.models import Tenant
from sla.demo import SEEDS, seed_sla


class Command(BaseCommand):
    help = (
        "Create or refresh the SLA calendars and plan matrices of the help desks the product "
        "ships tables for (invoca, ivcisa). Idempotent; existing values are reset to the tables."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tenant",
            action="append",
            choices=sorted(SEEDS),
            help="Only this tenant (repeatable). Default: every one that exists.",
        )

    def handle(self, *args, tenant=None, **options):
        if tenant:
            missing = [s for s in tenant if not Tenant.objects.filter(slug=s).exists()]
            if missing:
                raise CommandError(
                    f"No tenant with slug {', '.join(missing)}; create it first.", returncode=2
                )
        results = seed_sla(slugs=tenant, reset=True)
        if not results:
            self.stdout.write("No tenant to seed (none of: " + ", ".join(sorted(SEEDS)) + ").")
        for result in results:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result['tenant']}: {result['cells_changed']} target cells changed, "
                    f"{result['holidays_added']} holidays added."
                )
            )
