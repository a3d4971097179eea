"""Demo tenants modelled on the two support documents the product ships with.

Idempotent: running it again creates only what is missing (a tenant, domain, plan,
organization or person deleted or never made) and leaves every existing row as an admin
left it. ``reset=True`` (``manage.py reset_demo``) brings the demo rows back to this content,
passwords included. Every demo account gets the same known password, printed by
``seed_demo``, hashed with a salt of its own. The demo tenants keep the secure default of
requiring two-factor authentication for staff, so demo staff set up an authenticator app at
their first sign-in.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from sla.models import SupportPlan

from .models import Domain, Organization, Role, Tenant, User

DEMO_PASSWORD = "demo-helpdesk-2026"
PLATFORM_ADMIN_EMAIL = "platform@helpdesk.localhost"

TENANTS = [
    {
        "slug": "ivcisa",
        "name": "IVCISA",
        "portal_title": "Centro de Soporte IVCISA",
        "ticket_prefix": "IVC",
        "time_zone": "America/Bogota",
        "default_language": "es",
        "brand_color": "#0b5cab",
        "logo_text": "IV",
        "tagline": "Soporte de nube, datos e IA — incidentes P1 atendidos 24/7/365",
        "support_email": "support@ivcisa.example",
        "plans": [
            ("Essentials", "Horario estándar de lunes a viernes; incidentes P1 24/7/365."),
            ("Business", "Objetivos más rápidos de lunes a viernes; incidentes P1 24/7/365."),
            ("Enterprise", "Nuestros objetivos más rápidos; incidentes P1 24/7/365."),
        ],
        "organizations": [
            ("Andes Retail S.A.S.", "Enterprise", "andes-retail.example"),
            ("Pacífico Logistics", "Business", "pacifico-logistics.example"),
            ("Nimbus Fintech", "Essentials", "nimbus-fintech.example"),
        ],
        "staff": [
            ("Laura Gómez", "admin@ivcisa.example", Role.TENANT_ADMIN, ""),
            ("Carlos Restrepo", "manager@ivcisa.example", Role.MANAGER, ""),
            ("Andrés Pérez", "l1@ivcisa.example", Role.ENGINEER, "L1"),
            ("Diana Torres", "l2@ivcisa.example", Role.ENGINEER, "L2"),
            ("Julián Vargas", "l3@ivcisa.example", Role.ENGINEER, "L3"),
        ],
        "customers": [
            ("María López", "maria.lopez", 0, Role.ORG_ADMIN),
            ("Jorge Ramírez", "jorge.ramirez", 0, Role.CUSTOMER),
            ("Ana Castro", "ana.castro", 1, Role.ORG_ADMIN),
            ("Luis Mora", "luis.mora", 1, Role.CUSTOMER),
            ("Sofía Ríos", "sofia.rios", 2, Role.ORG_ADMIN),
        ],
    },
    {
        "slug": "invoca",
        "name": "Invoca",
        "portal_title": "Invoca Support",
        "ticket_prefix": "INV",
        "time_zone": "America/Los_Angeles",
        "default_language": "en",
        "brand_color": "#0f766e",
        "logo_text": "IN",
        "tagline": "Monday–Friday, 8 AM–5 PM PT; urgent cases watched for Mission Critical",
        "support_email": "support@invoca.example",
        "plans": [
            ("Mission Critical", "1-hour first response on P1 at any time of day or year."),
            ("Premium", "2 business hours first response on P1."),
            ("Core", "8 business hours first response on P1."),
            ("Basic", "12 business hours first response on P1."),
        ],
        "organizations": [
            ("Brightline Insurance", "Mission Critical", "brightline-insurance.example"),
            ("Summit Auto Group", "Premium", "summit-auto.example"),
            ("Clearwater Health", "Core", "clearwater-health.example"),
        ],
        "staff": [
            ("Priya Shah", "admin@invoca.example", Role.TENANT_ADMIN, ""),
            ("Marcus Reed", "manager@invoca.example", Role.MANAGER, ""),
            ("Emily Chen", "l1@invoca.example", Role.ENGINEER, "L1"),
            ("Daniel Brooks", "l2@invoca.example", Role.ENGINEER, "L2"),
            ("Olivia Park", "l3@invoca.example", Role.ENGINEER, "L3"),
        ],
        "customers": [
            ("Rachel Green", "rachel.green", 0, Role.ORG_ADMIN),
            ("Tom Baker", "tom.baker", 0, Role.CUSTOMER),
            ("Kevin Ortiz", "kevin.ortiz", 1, Role.ORG_ADMIN),
            ("Nina Patel", "nina.patel", 1, Role.CUSTOMER),
            ("Grace Liu", "grace.liu", 2, Role.ORG_ADMIN),
        ],
    },
]


@dataclass
class DemoLogin:
    tenant: str
    role: str
    organization: str
    email: str
    password: str
    url: str


def _slug(name: str) -> str:
    return slugify(name)


def _seed_row(model, *, reset: bool, defaults: dict, **lookup):
    """The row found by ``lookup``: created with ``defaults`` when missing; an existing row
    is brought back to ``defaults`` only when resetting."""
    if reset:
        return model.objects.update_or_create(**lookup, defaults=defaults)[0]
    return model.objects.get_or_create(**lookup, defaults=defaults)[0]


TENANT_FIELDS = (
    "name",
    "portal_title",
    "ticket_prefix",
    "time_zone",
    "default_language",
    "brand_color",
    "logo_text",
    "tagline",
    "support_email",
)


def _seed_domain(tenant: Tenant, host: str, *, reset: bool) -> None:
    """The demo host serves the tenant. A new host (another ``--domain-suffix``) or a reset
    makes it the primary domain; an existing host keeps what an admin chose."""
    existing = Domain.objects.filter(domain=host).first()
    if existing is not None and not reset:
        return
    Domain.objects.filter(tenant=tenant, is_primary=True).exclude(domain=host).update(
        is_primary=False
    )
    Domain.objects.update_or_create(domain=host, defaults={"tenant": tenant, "is_primary": True})


@transaction.atomic
def seed_tenants(
    *, domain_suffix: str = "localhost", base_url_format: str, reset: bool = False
) -> list[DemoLogin]:
    logins: list[DemoLogin] = []

    for spec in TENANTS:
        tenant = _seed_row(
            Tenant,
            reset=reset,
            slug=spec["slug"],
            defaults={key: spec[key] for key in TENANT_FIELDS},
        )
        if not tenant.default_language:
            # Help desks seeded before languages existed get their demo language once;
            # a language an admin chose stays.
            tenant.default_language = spec["default_language"]
            tenant.save(update_fields=["default_language"])
        host = f"{spec['slug']}.{domain_suffix}"
        _seed_domain(tenant, host, reset=reset)
        url = base_url_format.format(host=host)

        plans = {}
        for position, (name, description) in enumerate(spec["plans"]):
            plans[name] = _seed_row(
                SupportPlan,
                reset=reset,
                tenant=tenant,
                slug=_slug(name),
                defaults={"name": name, "description": description, "position": position},
            )

        organizations = []
        for name, plan_name, _mail_domain in spec["organizations"]:
            org = _seed_row(
                Organization,
                reset=reset,
                tenant=tenant,
                slug=_slug(name),
                defaults={"name": name, "plan": plans[plan_name], "is_active": True},
            )
            organizations.append(org)

        for full_name, email, role, tier in spec["staff"]:
            _seed_user(
                email=email,
                reset=reset,
                full_name=full_name,
                tenant=tenant,
                organization=None,
                role=role,
                tier=tier,
            )
            label = f"{Role(role).label}{f' ({tier})' if tier else ''}"
            logins.append(DemoLogin(tenant.name, label, "—", email, DEMO_PASSWORD, url))

        for full_name, local_part, org_index, role in spec["customers"]:
            org = organizations[org_index]
            email = f"{local_part}@{spec['organizations'][org_index][2]}"
            _seed_user(
                email=email,
                reset=reset,
                full_name=full_name,
                tenant=tenant,
                organization=org,
                role=role,
                tier="",
            )
            logins.append(
                DemoLogin(tenant.name, Role(role).label, org.name, email, DEMO_PASSWORD, url)
            )

    platform = User.objects.filter(email=PLATFORM_ADMIN_EMAIL).first()
    if platform is None:
        User.objects.create_superuser(
            PLATFORM_ADMIN_EMAIL, DEMO_PASSWORD, full_name="Platform Admin"
        )
    elif reset:
        platform.password = make_password(DEMO_PASSWORD)
        platform.is_active = True
        platform.save(update_fields=["password", "is_active"])
    logins.append(
        DemoLogin(
            "(platform)",
            Role.PLATFORM.label,
            "—",
            PLATFORM_ADMIN_EMAIL,
            DEMO_PASSWORD,
            base_url_format.format(host=domain_suffix) + "admin/",
        )
    )
    return logins


def _seed_user(*, email, reset, full_name, tenant, organization, role, tier) -> User:
    """A demo person, created when missing; an existing one is left as it is unless
    resetting. Each password is hashed on its own, so no two accounts share a salt."""
    user = User.objects.filter(email=email).first()
    if user is not None and not reset:
        return user
    user = user or User(email=email)
    user.full_name = full_name
    user.tenant = tenant
    user.organization = organization
    user.role = role
    user.tier = tier
    user.is_active = True
    user.is_staff = role == Role.TENANT_ADMIN
    user.is_superuser = False
    user.password = make_password(DEMO_PASSWORD)
    user.save()
    return user
