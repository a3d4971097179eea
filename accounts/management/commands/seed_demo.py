from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.demo import seed_tenants
from escalation.demo import seed_escalation
from knowledge_base.demo import seed_knowledge_base
from sla.demo import seed_sla
from tickets.demo import seed_demo_tickets


class Command(BaseCommand):
    help = gettext_lazy(
        "Create what is missing of the two demo help desks (IVCISA and Invoca) and their "
        "people. What exists is never changed, so an admin's edits survive every run; "
        "`reset_demo` brings the demo back to its shipped state."
    )
    reset = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--domain-suffix",
            default="localhost",
            help=gettext_lazy("Tenant hosts are <slug>.<suffix> (default: localhost)."),
        )
        parser.add_argument("--scheme", default="http")
        parser.add_argument(
            "--port", default="8000", help=gettext_lazy("Port shown in the printed URLs.")
        )

    def handle(self, *args, domain_suffix, scheme, port, **options):
        port_part = f":{port}" if port and port not in ("80", "443") else ""
        base_url_format = f"{scheme}://{{host}}{port_part}/"
        logins = seed_tenants(
            domain_suffix=domain_suffix, base_url_format=base_url_format, reset=self.reset
        )
        seed_knowledge_base(reset=self.reset)
        seed_sla(reset=self.reset)
        seed_demo_tickets(
            base_url_format=base_url_format, domain_suffix=domain_suffix, reset=self.reset
        )
        # After the tickets: the matrices plan them, and the rules already due fire.
        seed_escalation(reset=self.reset)
        self.stdout.write(self.style.SUCCESS(str(self.done_message) + "\n"))
        self.print_logins(logins)

    done_message = gettext_lazy("Demo help desks are ready.")

    def print_logins(self, logins) -> None:
        urls = sorted({login.url for login in logins if login.tenant != "(platform)"})
        for url in urls:
            self.stdout.write("  " + _("Portal: %(url)s") % {"url": url})
        self.stdout.write("")
        headers = (_("tenant"), _("role"), _("organization"), _("email"), _("password"))
        rows = [(r.tenant, r.role, r.organization, r.email, r.password) for r in logins]
        widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(line.format(*headers))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        if not self.reset:
            self.stdout.write(
                "\n"
                + _(
                    "(A password changed since the first run stays as it was changed; "
                    "`manage.py reset_demo` sets them all back.)"
                )
            )
        self.stdout.write(
            "\n"
            + _(
                "Staff (engineers, managers, tenant admins) and the platform admin set up "
                "two-factor authentication\nwith an authenticator app at their first "
                "sign-in; customers sign in with the password only."
            )
        )
