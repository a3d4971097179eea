"""Request catalogues, priority definitions and a realistic spread of tickets for the demo."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organization, Role, Tenant, User
from helpdesk.models import OutboxEmail
from helpdesk.priorities import Priority

from .models import (
    Attachment,
    Message,
    PriorityDefinition,
    SlaState,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
)
from .services import (
    attachment_stage,
    ticket_assign,
    ticket_create,
    ticket_reply,
    ticket_sla_refresh,
    ticket_transition,
)
from .services.attachments import attachment_check

# The seed's table of request types, in its order and words.
IVCISA_TYPES = [
    (
        "IA / ML – Machine Learning",
        "Requirements related to Machine Learning models, training, inference, pipelines, "
        "or use of artificial intelligence.",
        Priority.P3,
    ),
    (
        "Cloud Compute",
        "Requests associated with the use, creation, sizing, or adjustment of computing "
        "resources in the cloud (VMs, instances, scaling).",
        Priority.P3,
    ),
    (
        "Cloud Infrastructure",
        "Cloud infrastructure management, including environments, base services, storage, "
        "and general architecture.",
        Priority.P3,
    ),
    (
        "Networking",
        "Configuration or incidents related to networks, connectivity, firewalls, VPN, load "
        "balancers, or access between services.",
        Priority.P2,
    ),
    (
        "Consultancy",
        "Technical advisory requests, architecture review, best practices, or specialized "
        "recommendations.",
        Priority.P4,
    ),
    (
        "Data Analytics",
        "Requirements for data analysis, reports, visualizations, queries, or analytical "
        "processing.",
        Priority.P3,
    ),
    (
        "Incident",
        "Unexpected event that affects the normal functioning of a service and requires "
        "immediate attention.",
        Priority.P2,
    ),
    (
        "Request",
        "Request for a service, access, configuration, or planned requirement that does not "
        "represent a failure.",
        Priority.P4,
    ),
    (
        "Security",
        "Cases related to access, credentials, compliance, vulnerabilities, or security events.",
        Priority.P2,
    ),
]

# Case reason → sub-category → default priority ("each Case Reason and Sub Category
# combination is automatically correlated to a default priority").
INVOCA_TYPES = [
    (
        "Call tracking",
        "Calls, numbers and attribution.",
        [
            ("Calls not connecting", "Callers cannot reach the destination number.", Priority.P1),
            ("Calls not attributed", "Calls connect but land on the wrong campaign.", Priority.P2),
            ("Number provisioning", "Ordering, porting or releasing numbers.", Priority.P3),
        ],
    ),
    (
        "Integrations",
        "Data sent to or received from other platforms.",
        [
            ("Integration down", "No data reaches a connected platform.", Priority.P2),
            (
                "Data mismatch",
                "Values differ between Invoca and a connected platform.",
                Priority.P3,
            ),
            ("New integration setup", "Help connecting a new platform.", Priority.P4),
        ],
    ),
    (
        "Reporting",
        "Dashboards, reports and exports.",
        [
            ("Report not loading", "A report or dashboard fails to load.", Priority.P3),
            ("Scheduled export failed", "A scheduled export did not arrive.", Priority.P3),
            ("Report question", "How to build or read a report.", Priority.P4),
        ],
    ),
    (
        "Platform access",
        "Signing in to the Invoca Network.",
        [
            ("Platform unavailable", "The platform is down for all users.", Priority.P1),
            ("Cannot sign in", "One or more users cannot sign in.", Priority.P2),
            ("User permissions", "Roles, seats and permissions.", Priority.P4),
        ],
    ),
    (
        "Billing",
        "Invoices and usage.",
        [
            ("Invoice question", "Questions about an invoice.", Priority.P4),
            ("Usage discrepancy", "Billed usage differs from what you see.", Priority.P3),
        ],
    ),
]

DEFINITIONS = {
    "ivcisa": {
        Priority.P1: (
            "Critical – total interruption",
            "Only for a total interruption or complete shutdown of critical business services, "
            "massively impacting operations and needing emergency intervention. Covered "
            "24/7/365 by on-call engineers.",
        ),
        Priority.P2: (
            "High – partial degradation",
            "A critical service is degraded or a major function fails, with a workaround or "
            "limited impact. Partial degradations are P2 or P3, not P1.",
        ),
        Priority.P3: (
            "Medium – limited impact",
            "A non-critical function fails or a minor degradation affects some users.",
        ),
        Priority.P4: (
            "Low – question or planned request",
            "Configuration questions, documentation, standard procedures and planned changes. "
            "The knowledge base often answers these at once.",
        ),
    },
    "invoca": {
        Priority.P1: (
            "Critical platform problem",
            "The Invoca Platform is down, calls are not connecting, or data loss is occurring "
            "for all or most of your account, with no workaround.",
        ),
        Priority.P2: (
            "Major function impaired",
            "A major function such as attribution, an integration or sign-in fails for many "
            "users; a workaround may exist.",
        ),
        Priority.P3: (
            "Minor issue",
            "A problem with limited impact: a report, an export or a single number.",
        ),
        Priority.P4: (
            "Question or request",
            "How-to questions, configuration help and feature requests.",
        ),
    },
}


def seed_catalogue(tenant: Tenant) -> None:
    if tenant.slug == "ivcisa":
        for position, (name, description, priority) in enumerate(IVCISA_TYPES):
            _upsert_type(tenant, None, name, description, priority, position)
    elif tenant.slug == "invoca":
        for position, (reason, description, subs) in enumerate(INVOCA_TYPES):
            parent = _upsert_type(tenant, None, reason, description, Priority.P3, position)
            for sub_position, (name, sub_description, priority) in enumerate(subs):
                _upsert_type(tenant, parent, name, sub_description, priority, sub_position)
    for priority, (summary, description) in DEFINITIONS.get(tenant.slug, {}).items():
        PriorityDefinition.objects.update_or_create(
            tenant=tenant,
            priority=priority,
            defaults={"summary": summary, "description": description},
        )


def _upsert_type(tenant, parent, name, description, priority, position) -> TicketType:
    slug = slugify(f"{parent.name}-{name}" if parent else name)
    entry, _ = TicketType.objects.update_or_create(
        tenant=tenant,
        slug=slug,
        defaults={
            "parent": parent,
            "name": name,
            "description": description,
            "default_priority": priority,
            "position": position,
            "is_active": True,
        },
    )
    return entry


@dataclass(frozen=True)
class DemoTicket:
    org: int
    type_name: str
    priority: str
    title: str
    service: str
    text: str
    days_ago: float
    flow: tuple = ()  # ("assign", tier) | ("reply", body) | ("note", body) | ("customer", body)
    # | ("status", status) | ("file", name, text)


IVCISA_TICKETS = [
    DemoTicket(
        0,
        "Networking",
        Priority.P2,
        "Site-to-site VPN to AWS drops every 30 minutes",
        "VPN tunnel bog-prod ↔ vpc-0a12 (us-east-1)",
        "Since Monday the IPsec tunnel between our Bogotá office and the production VPC "
        "renegotiates roughly every 30 minutes and drops active sessions.\n\nPhase 2 "
        "lifetime on our side is 3600 s.",
        3.2,
        (
            ("file", "tunnel-status.log", "09:14:02 IKEv2 SA rekey failed\n09:14:05 DPD timeout\n"),
            ("assign", "L2"),
            (
                "reply",
                "Thanks, we see DPD timeouts on the AWS side too. Could you send the "
                "phase 1 proposal from your firewall?",
            ),
            ("note", "Customer firewall is a FortiGate 60F; check NAT-T."),
            ("status", Status.ON_HOLD),
        ),
    ),
    DemoTicket(
        0,
        "Cloud Compute",
        Priority.P3,
        "Resize reporting VM to 16 GB RAM",
        "EC2 i-0b4f reporting-01",
        "Our month-end reports run out of memory. Please "
        "resize reporting-01 to an instance type with 16 GB.",
        6,
        (
            ("assign", "L1"),
            ("reply", "Done: reporting-01 is now r6i.large (16 GB). The reboot took 2 minutes."),
            ("status", Status.RESOLVED),
        ),
    ),
    DemoTicket(
        1,
        "Incident",
        Priority.P1,
        "Warehouse API returns 502 for all requests",
        "api.pacifico-logistics.example (ALB + ECS)",
        "All calls to the warehouse API "
        "fail with 502 since 02:10. Drivers cannot confirm deliveries.",
        0.4,
        (
            ("assign", "L2"),
            (
                "reply",
                "We are on it: the ECS service has 0 healthy "
                "tasks. Rolling back the 01:55 deployment now.",
            ),
        ),
    ),
    DemoTicket(
        1,
        "Data Analytics",
        Priority.P3,
        "Daily deliveries dashboard shows yesterday twice",
        "QuickSight dashboard “Deliveries per day”",
        "The dashboard duplicates the previous day since the daylight-saving change.",
        9,
        (
            ("assign", "L1"),
            ("reply", "The dataset refresh used local midnight; fixed to UTC."),
            ("status", Status.RESOLVED),
            ("status", Status.CLOSED),
        ),
    ),
    DemoTicket(
        2,
        "Security",
        Priority.P2,
        "Suspicious sign-ins on the admin console",
        "AWS account 4411-xxxx (root and admin IAM users)",
        "GuardDuty reports console sign-ins from an unknown country for the admin user.",
        1.1,
        (
            (
                "file",
                "guardduty-finding.json",
                '{"type": "UnauthorizedAccess:IAMUser/ConsoleLogin"}\n',
            ),
        ),
    ),
    DemoTicket(
        2,
        "Consultancy",
        Priority.P4,
        "Review of our multi-account landing zone",
        "AWS Organizations",
        "We plan to split dev and prod into separate accounts and "
        "would like a review of the proposed OU structure.",
        2.5,
        (),
    ),
    DemoTicket(
        0,
        "IA / ML – Machine Learning",
        Priority.P3,
        "SageMaker endpoint latency doubled",
        "SageMaker endpoint churn-model-v4",
        "p95 latency went from 180 ms to 400 ms after the last model update.",
        1.8,
        (("assign", "L3"),),
    ),
    DemoTicket(
        1,
        "Request",
        Priority.P4,
        "New IAM user for our auditor",
        "AWS account logistics-prod",
        "Please create a read-only user for our external auditor until the end of the month.",
        0.2,
        (),
    ),
]

INVOCA_TICKETS = [
    DemoTicket(
        0,
        "Calls not connecting",
        Priority.P1,
        "Inbound calls to claims line fail",
        "Campaign “Claims – TV” (800 numbers)",
        "Callers hear a fast busy tone on all claims numbers since 07:40 PT.",
        0.3,
        (
            ("assign", "L2"),
            (
                "reply",
                "Confirmed: the carrier route for these numbers "
                "failed over incorrectly. Re-routing now.",
            ),
        ),
    ),
    DemoTicket(
        0,
        "Data mismatch",
        Priority.P3,
        "Conversions in Google Ads lower than in Invoca",
        "Google Ads integration",
        "Google Ads shows 20% fewer conversions than the Invoca report for last week.",
        4,
        (
            ("assign", "L1"),
            (
                "reply",
                "Could you export the Google Ads conversion report "
                "for the same week so we can compare call by call?",
            ),
            ("status", Status.ON_HOLD),
        ),
    ),
    DemoTicket(
        1,
        "Cannot sign in",
        Priority.P2,
        "Dealers cannot sign in after SSO change",
        "SSO (Okta) for summit-auto",
        "Since our Okta certificate rotation, dealers get “invalid assertion”.",
        1.2,
        (
            (
                "file",
                "saml-error.txt",
                "SAML assertion signature invalid: cert fingerprint mismatch\n",
            ),
            ("assign", "L2"),
            (
                "note",
                "New cert fingerprint needs updating in the IdP "
                "config; waiting for customer metadata.",
            ),
        ),
    ),
    DemoTicket(
        1,
        "Report question",
        Priority.P4,
        "How do I filter calls by dealer region?",
        "Reporting",
        "We want a report of calls per dealer region.",
        8,
        (
            ("assign", "L1"),
            (
                "reply",
                "Use a custom data field “region” and group by "
                "it; steps are in the knowledge base.",
            ),
            ("status", Status.RESOLVED),
        ),
    ),
    DemoTicket(
        2,
        "Scheduled export failed",
        Priority.P3,
        "Nightly call export to SFTP missing",
        "Scheduled export “calls-nightly”",
        "Last night's export did not arrive on our SFTP server.",
        2.1,
        (),
    ),
    DemoTicket(
        2,
        "Invoice question",
        Priority.P4,
        "Invoice shows two platform fees",
        "Invoice INV-2026-10",
        "October's invoice lists the platform fee twice.",
        5,
        (("assign", "L1"),),
    ),
]

TICKETS = {"ivcisa": IVCISA_TICKETS, "invoca": INVOCA_TICKETS}


def seed_tickets(tenant: Tenant, *, base_url: str) -> int:
    """Create the demo tickets once; an existing ticket history is left as it is."""
    if Ticket.objects.for_tenant(tenant).exists():
        return 0
    specs = TICKETS.get(tenant.slug, [])
    orgs = list(Organization.objects.for_tenant(tenant).order_by("pk"))
    types = {t.name: t for t in TicketType.objects.for_tenant(tenant)}
    staff = {
        u.tier: u for u in User.objects.filter(tenant=tenant, role=Role.ENGINEER, is_active=True)
    }
    first_outbox = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    created = 0
    for spec in specs:
        with transaction.atomic():
            _seed_one(tenant, spec, orgs, types, staff, base_url)
            created += 1
    # The demo people are fictitious: drop the notifications the history produced.
    OutboxEmail.objects.filter(pk__gt=first_outbox, tenant=tenant).delete()
    return created


def _seed_one(tenant, spec: DemoTicket, orgs, types, staff, base_url) -> None:
    org = orgs[spec.org % len(orgs)]
    requester = (
        User.objects.filter(tenant=tenant, organization=org, is_active=True).order_by("pk").first()
    )
    pending = []
    for step in spec.flow:
        if step[0] == "file":
            pending.append(_stage(tenant, requester, step[1], step[2]))
    ticket = ticket_create(
        actor=requester,
        tenant=tenant,
        title=spec.title,
        text=spec.text,
        ticket_type=types[spec.type_name],
        priority=spec.priority,
        affected_service=spec.service,
        steps="",
        attachment_ids=[a.public_id for a in pending],
        base_url=base_url,
    )
    engineer = None
    for step in spec.flow:
        kind = step[0]
        if kind == "assign":
            engineer = staff.get(step[1]) or next(iter(staff.values()))
            ticket = ticket_assign(
                ticket=ticket, actor=engineer, assignee=engineer, base_url=base_url
            )
        elif kind in ("reply", "note"):
            ticket_reply(
                ticket=ticket,
                actor=engineer,
                body=step[1],
                internal=kind == "note",
                base_url=base_url,
            )
        elif kind == "customer":
            ticket_reply(ticket=ticket, actor=requester, body=step[1], base_url=base_url)
        elif kind == "status":
            ticket = ticket_transition(
                ticket=ticket, actor=engineer or requester, to_status=step[1], base_url=base_url
            )
    _backdate(ticket, timedelta(days=spec.days_ago))


def _stage(tenant, user, name, text) -> Attachment:
    upload = ContentFile(text.encode(), name=name)
    return attachment_stage(actor=user, tenant=tenant, checked=attachment_check(upload))


def _backdate(ticket: Ticket, offset: timedelta) -> None:
    """Move a freshly made history into the past, spacing its steps an hour apart."""
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("pk"))
    messages = list(Message.objects.filter(ticket=ticket).order_by("pk"))
    start = timezone.now() - offset
    step = min(timedelta(hours=1), offset / (len(events) + 1))
    for index, event in enumerate(events):
        event.created_at = start + step * index
    for message in messages:
        linked = next((e for e in events if e.data.get("message") == message.pk), None)
        message.created_at = linked.created_at if linked else start
    TicketEvent.objects.bulk_update(events, ["created_at"])
    Message.objects.bulk_update(messages, ["created_at"])
    Attachment.objects.filter(ticket=ticket).update(created_at=start)
    ticket.refresh_from_db()
    last = events[-1].created_at if events else start
    staff_replies = [m.created_at for m in messages if not m.is_internal and m.author.is_agent]
    customer_replies = [m.created_at for m in messages if not m.author.is_agent]
    resolved = [
        e.created_at for e in events if e.data.get("to") in (Status.RESOLVED, Status.CLOSED)
    ]
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=start,
        updated_at=last,
        first_response_at=min(staff_replies) if staff_replies else None,
        last_customer_reply_at=max(customer_replies) if customer_replies else start,
        resolved_at=resolved[0] if resolved and ticket.resolved_at else None,
        closed_at=last if ticket.status == Status.CLOSED else None,
        first_response_state=SlaState.NONE,
        resolution_state=SlaState.NONE,
        first_response_ended_at=None,
        resolution_ended_at=None,
    )
    ticket.refresh_from_db()
    ticket_sla_refresh(ticket=ticket, now=timezone.now())


def seed_demo_tickets(*, base_url_format: str, domain_suffix: str) -> int:
    """Catalogues for both demo tenants, and their tickets on a first run."""
    created = 0
    for tenant in Tenant.objects.filter(slug__in=list(TICKETS)):
        seed_catalogue(tenant)
        base_url = base_url_format.format(host=f"{tenant.slug}.{domain_suffix}")
        created += seed_tickets(tenant, base_url=base_url)
    return created
