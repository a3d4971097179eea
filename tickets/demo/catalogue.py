"""The demo tenants' request catalogues (IVCISA's nine types from its seed, Invoca's case
reasons with sub-categories) and what each priority means for their customers."""

from django.utils.text import slugify

from accounts.models import Tenant
from helpdesk.priorities import Priority

from ..models import PriorityDefinition, TicketType

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

# What each priority means for each demo tenant's customers: shown beside each choice on the
# new-ticket form and, word for word, in the help centre's priorities article
# (knowledge_base/demo/priorities.py). The names are the platform's (helpdesk.priorities).
DEFINITIONS = {
    "ivcisa": {
        Priority.P1: (
            "Total interruption",
            "Only for a total interruption or complete shutdown of critical business services, "
            "massively impacting operations and needing emergency intervention. Covered "
            "24/7/365 by on-call engineers.",
        ),
        Priority.P2: (
            "Partial degradation",
            "A critical service is degraded or a major function fails, with a workaround or "
            "limited impact. Partial degradations are P2 or P3, not P1.",
        ),
        Priority.P3: (
            "Limited impact",
            "A non-critical function fails or a minor degradation affects some users.",
        ),
        Priority.P4: (
            "Question or planned request",
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
            "users while the platform still runs; a workaround may exist.",
        ),
        Priority.P3: (
            "Minor issue",
            "A problem with limited impact, such as one report, an export or a single number, "
            "or one with a reasonable workaround.",
        ),
        Priority.P4: (
            "Question or request",
            "How-to questions, configuration help, feature requests and cosmetic issues.",
        ),
    },
}


def seed_catalogue(tenant: Tenant, *, reset: bool = False) -> None:
    """Create the request types and priority definitions the tenant is missing; ``reset``
    also brings the existing ones back to this content."""
    if tenant.slug == "ivcisa":
        for position, (name, description, priority) in enumerate(IVCISA_TYPES):
            _seed_type(tenant, None, name, description, priority, position, reset=reset)
    elif tenant.slug == "invoca":
        for position, (reason, description, subs) in enumerate(INVOCA_TYPES):
            parent = _seed_type(
                tenant, None, reason, description, Priority.P3, position, reset=reset
            )
            for sub_position, (name, sub_description, priority) in enumerate(subs):
                _seed_type(
                    tenant, parent, name, sub_description, priority, sub_position, reset=reset
                )
    definitions = PriorityDefinition.objects
    seed = definitions.update_or_create if reset else definitions.get_or_create
    for priority, (summary, description) in DEFINITIONS.get(tenant.slug, {}).items():
        seed(
            tenant=tenant,
            priority=priority,
            defaults={"summary": summary, "description": description},
        )


def _seed_type(tenant, parent, name, description, priority, position, *, reset) -> TicketType:
    slug = slugify(f"{parent.name}-{name}" if parent else name)
    values = {
        "parent": parent,
        "name": name,
        "description": description,
        "default_priority": priority,
        "position": position,
        "is_active": True,
    }
    seed = TicketType.objects.update_or_create if reset else TicketType.objects.get_or_create
    entry, _ = seed(tenant=tenant, slug=slug, defaults=values)
    return entry
