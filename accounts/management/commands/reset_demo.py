from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .seed_demo import Command as SeedDemoCommand


class Command(SeedDemoCommand):
    help = gettext_lazy(
        "Bring the two demo help desks back to their shipped state: tenants, plans, "
        "organizations, people and their passwords, SLA calendars and matrices, escalation "
        "matrices, request catalogues and knowledge-base articles. Rows an admin added are "
        "kept; tickets and their history are kept. Asks for confirmation unless --no-input."
    )
    reset = True
    done_message = gettext_lazy("Demo help desks are back to their shipped state.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=gettext_lazy("Do not ask for confirmation."),
        )

    def handle(self, *args, interactive=True, **options):
        if interactive:
            answer = input(
                _(
                    "This overwrites every change made to the demo help desks (SLA cells, "
                    "escalation rules and fallback addresses, demo articles, demo people and "
                    "their passwords).\nType 'yes' to continue, or anything else to cancel: "
                )
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("Reset cancelled; nothing was changed."))
        super().handle(*args, **options)
