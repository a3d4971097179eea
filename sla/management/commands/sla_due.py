"""Print the due times a ticket would get: ``sla_due --tenant invoca --plan Premium
--priority P2 --opened 2026-02-02T09:00:00-08:00 [--pause START/END ...]``."""

import json
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Tenant
from helpdesk.priorities import Priority
from sla.engine import FIRST_RESPONSE, RESOLUTION, due_times
from sla.models import SupportPlan
from sla.selectors import plan_book_for

EXIT_BAD_INPUT = 2


def _fail(message: str):
    raise CommandError(message, returncode=EXIT_BAD_INPUT)


def parse_instant(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        _fail(
            _("%(what)s “%(text)s” is not an ISO 8601 time, e.g. 2026-02-02T09:00:00-08:00.")
            % {"what": what, "text": text}
        )
    if moment.tzinfo is None:
        _fail(
            _(
                "%(what)s “%(text)s” has no UTC offset; add one, e.g. "
                "2026-02-02T09:00:00-08:00 or Z."
            )
            % {"what": what, "text": text}
        )
    return moment


def parse_pause(text: str) -> tuple[datetime, datetime | None]:
    if text.count("/") != 1:
        _fail(
            _("Pause “%(text)s” must be START/END (END may be empty for a pause still going).")
            % {"text": text}
        )
    start_text, end_text = text.split("/")
    start = parse_instant(start_text, _("Pause start"))
    end = parse_instant(end_text, _("Pause end")) if end_text.strip() else None
    if end is not None and end < start:
        _fail(_("Pause “%(text)s” ends before it starts.") % {"text": text})
    return start, end


def utc_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    spec = "%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return moment.strftime(spec)


class Command(BaseCommand):
    help = gettext_lazy(
        "Print the first-response and resolution due times (UTC) that a ticket of a plan and "
        "priority opened at a given time gets from the tenant's SLA tables, as one JSON object."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tenant", required=True, help=gettext_lazy("Tenant slug, e.g. invoca.")
        )
        parser.add_argument(
            "--plan", required=True, help=gettext_lazy("Plan name or slug, e.g. Premium.")
        )
        parser.add_argument("--priority", required=True, help=gettext_lazy("P1, P2, P3 or P4."))
        parser.add_argument(
            "--opened",
            required=True,
            help=gettext_lazy("When the ticket was opened, ISO 8601 with offset."),
        )
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="START/END",
            help=gettext_lazy(
                "A period the resolution clock stood still (On hold or Resolved); repeatable. "
                "END may be empty for a pause still going."
            ),
        )

    def handle(self, *args, tenant, plan, priority, opened, pause, **options):
        # Input that needs no database is checked first.
        priority_code = priority.strip().upper()
        if priority_code not in Priority.values:
            _fail(
                _("Unknown priority “%(priority)s” (use %(known)s).")
                % {"priority": priority, "known": ", ".join(Priority.values)}
            )
        opened_at = parse_instant(opened, _("Opening time"))
        pauses = [parse_pause(text) for text in pause]

        tenant_row = Tenant.objects.filter(slug=tenant.strip().lower()).first()
        if tenant_row is None:
            known = ", ".join(Tenant.objects.order_by("slug").values_list("slug", flat=True))
            _fail(
                _("Unknown tenant “%(tenant)s” (known: %(known)s).")
                % {"tenant": tenant, "known": known or _("none")}
            )
        plan_row = (
            SupportPlan.objects.for_tenant(tenant_row)
            .filter(Q(name__iexact=plan.strip()) | Q(slug=plan.strip().lower()))
            .first()
        )
        if plan_row is None:
            known = ", ".join(
                SupportPlan.objects.for_tenant(tenant_row).values_list("name", flat=True)
            )
            _fail(
                _("Unknown plan “%(plan)s” for %(tenant)s (known: %(known)s).")
                % {"plan": plan, "tenant": tenant_row.slug, "known": known or _("none")}
            )

        book = plan_book_for(tenant=tenant_row, plan=plan_row)
        due = due_times(book, priority=priority_code, opened_at=opened_at, pauses=pauses)
        self.stdout.write(
            json.dumps(
                {
                    "first_response_due": utc_text(due[FIRST_RESPONSE]),
                    "resolution_due": utc_text(due[RESOLUTION]),
                }
            )
        )
