from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Tenant
from sla.demo import SEEDS, seed_sla


class Command(BaseCommand):
    help = gettext_lazy(
        "Create or refresh the SLA calendars and plan matrices of the help desks the product "
        "ships tables for (invoca, ivcisa). Idempotent; existing values are reset to the tables."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tenant",
            action="append",
            choices=sorted(SEEDS),
            help=gettext_lazy("Only this tenant (repeatable). Default: every one that exists."),
        )

    def handle(self, *args, tenant=None, **options):
        if tenant:
            missing = [s for s in tenant if not Tenant.objects.filter(slug=s).exists()]
            if missing:
                raise CommandError(
                    _("No tenant with slug %(slugs)s; create it first.")
                    % {"slugs": ", ".join(missing)},
                    returncode=2,
                )
        results = seed_sla(slugs=tenant, reset=True)
        if not results:
            self.stdout.write(
                _("No tenant to seed (none of: %(slugs)s).") % {"slugs": ", ".join(sorted(SEEDS))}
            )
        for result in results:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(tenant)s: %(cells)s target cells changed, %(holidays)s holidays added.")
                    % {
                        "tenant": result["tenant"],
                        "cells": result["cells_changed"],
                        "holidays": result["holidays_added"],
                    }
                )
            )
