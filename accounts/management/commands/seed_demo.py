from django.core.management.base import BaseCommand

from accounts.demo import seed_tenants
from escalation.demo import seed_escalation
from knowledge_base.demo import seed_knowledge_base
from sla.demo import seed_sla
from tickets.demo import seed_demo_tickets


class Command(BaseCommand):
    help = "Create or refresh the two demo help desks (IVCISA and Invoca) and their people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--domain-suffix",
            default="localhost",
            help="Tenant hosts are <slug>.<suffix> (default: localhost).",
        )
        parser.add_argument("--scheme", default="http")
        parser.add_argument("--port", default="8000", help="Port shown in the printed URLs.")

    def handle(self, *args, domain_suffix, scheme, port, **options):
        port_part = f":{port}" if port and port not in ("80", "443") else ""
        logins = seed_tenants(
            domain_suffix=domain_suffix, base_url_format=f"{scheme}://{{host}}{port_part}/"
        )
        seed_knowledge_base()
        seed_sla()
        seed_demo_tickets(
            base_url_format=f"{scheme}://{{host}}{port_part}/", domain_suffix=domain_suffix
        )
        # After the tickets: the matrices plan them, and the rules already due fire.
        seed_escalation()
        self.stdout.write(self.style.SUCCESS("Demo help desks are ready.\n"))
        urls = sorted({login.url for login in logins if login.tenant != "(platform)"})
        for url in urls:
            self.stdout.write(f"  Portal: {url}")
        self.stdout.write("")
        headers = ("tenant", "role", "organization", "email", "password")
        rows = [(r.tenant, r.role, r.organization, r.email, r.password) for r in logins]
        widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(line.format(*headers))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        self.stdout.write(
            "\nStaff (engineers, managers, tenant admins) and the platform admin set up "
            "two-factor authentication\nwith an authenticator app at their first sign-in; "
            "customers sign in with the password only."
        )
