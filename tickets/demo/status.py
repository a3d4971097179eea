"""The demo tenants' status pages: components, 90 days of incidents and a maintenance
window announced for next week, written through the status services (so each component's
history spans match its incidents).

Neither support document says SLA clocks stop during maintenance (Invoca's asks customers
to follow the status page for upcoming maintenance windows; IVCISA's says nothing of it),
so the SLA targets are left as they are (``pause_during_maintenance`` off).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Tenant, User

from ..models import Component, ComponentStatus, IncidentImpact, IncidentKind, IncidentStatus
from ..status.services import incident_create, incident_update_post

# slug, name, description, public
COMPONENTS = {
    "invoca": [
        ("call-tracking", "Call tracking", "Tracking numbers, call routing and attribution", True),
        ("integrations", "Integrations", "Salesforce, Google Ads, Adobe and webhooks", True),
        ("reporting", "Reporting", "Dashboards, call reports and exports", True),
        ("platform-access", "Platform access", "Sign-in, the Invoca Network and its API", True),
        (
            "internal-telephony-routing",
            "Internal telephony routing",
            "Carrier trunks and the routing between them (seen by staff only)",
            False,
        ),
    ],
    "ivcisa": [
        ("cloud-compute", "Cómputo en la nube", "Máquinas virtuales, instancias y escalado", True),
        ("networking", "Redes", "Conectividad, VPN, firewalls y balanceadores", True),
        ("data-analytics", "Analítica de datos", "Consultas, informes y visualizaciones", True),
        ("storage-backup", "Almacenamiento y respaldo", "Almacenamiento de objetos y copias", True),
        ("identity-access", "Identidad y acceso", "Credenciales, 2FA y permisos", True),
        (
            "machine-learning",
            "IA / ML – Aprendizaje automático",
            "Entrenamiento, inferencia y pipelines de modelos",
            True,
        ),
        ("cloud-infrastructure", "Infraestructura en la nube", "Entornos y servicios base", True),
    ],
}

# days ago, local start hour, title, impact, {component slug: state},
# [(minutes after the start, status, message)] — the first is the declaration.
HISTORY = {
    "invoca": [
        (
            74,
            9,
            "Delayed call attribution in reports",
            IncidentImpact.MINOR,
            {"reporting": ComponentStatus.DEGRADED},
            [
                (0, "investigating", "Call reports show calls up to 40 minutes late."),
                (35, "identified", "A backlog in the attribution queue; workers are added."),
                (80, "monitoring", "The backlog is cleared; reports are current again."),
                (140, "resolved", "Reports have stayed current for an hour. Resolved."),
            ],
        ),
        (
            41,
            13,
            "Calls to some tracking numbers fail to connect",
            IncidentImpact.MAJOR,
            {
                "call-tracking": ComponentStatus.PARTIAL_OUTAGE,
                "internal-telephony-routing": ComponentStatus.MAJOR_OUTAGE,
            },
            [
                (0, "investigating", "Some inbound calls to tracking numbers get a busy tone."),
                (25, "identified", "A carrier trunk is failing; traffic moves to the backup."),
                (70, "monitoring", "Calls connect through the backup trunk."),
                (190, "resolved", "The carrier fixed the trunk; routing is back to normal."),
            ],
        ),
        (
            12,
            10,
            "Salesforce sync errors",
            IncidentImpact.MINOR,
            {"integrations": ComponentStatus.DEGRADED},
            [
                (0, "investigating", "Call records are not reaching Salesforce for some accounts."),
                (50, "identified", "An expired connected-app token; a fix is being deployed."),
                (95, "monitoring", "Syncs are running and the missed records are being resent."),
                (160, "resolved", "All missed call records reached Salesforce."),
            ],
        ),
    ],
    "ivcisa": [
        (
            63,
            8,
            "Pérdida de paquetes en la VPN sitio a sitio",
            IncidentImpact.MAJOR,
            {"networking": ComponentStatus.PARTIAL_OUTAGE},
            [
                (0, "investigating", "Clientes reportan caídas intermitentes de los túneles VPN."),
                (40, "identified", "Un enlace del proveedor en Bogotá presenta pérdida."),
                (90, "monitoring", "El tráfico pasa por el enlace de respaldo."),
                (180, "resolved", "El proveedor reparó el enlace; los túneles están estables."),
            ],
        ),
        (
            29,
            14,
            "Lentitud en las consultas de analítica",
            IncidentImpact.MINOR,
            {"data-analytics": ComponentStatus.DEGRADED},
            [
                (0, "investigating", "Las consultas tardan más de lo habitual."),
                (30, "identified", "Un nodo del clúster está saturado; se redistribuye la carga."),
                (75, "monitoring", "Los tiempos de consulta vuelven a lo normal."),
                (130, "resolved", "El servicio opera con normalidad."),
            ],
        ),
        (
            6,
            11,
            "Fallas al iniciar instancias nuevas",
            IncidentImpact.MAJOR,
            {
                "cloud-compute": ComponentStatus.MAJOR_OUTAGE,
                "cloud-infrastructure": ComponentStatus.DEGRADED,
            },
            [
                (0, "investigating", "No es posible crear máquinas virtuales nuevas."),
                (20, "identified", "El servicio de aprovisionamiento perdió su base de datos."),
                (55, "monitoring", "El aprovisionamiento funciona de nuevo."),
                (120, "resolved", "Las instancias se crean con normalidad."),
            ],
        ),
    ],
}

# component slugs, title, body, local weekday of next week (0 Monday), hour, hours long.
MAINTENANCE = {
    "invoca": (
        ["call-tracking", "reporting"],
        "Scheduled maintenance of the call routing database",
        "We upgrade the call routing database. Calls keep connecting; reports may lag "
        "for up to 15 minutes during the window.",
        1,
        20,
        2,
    ),
    "ivcisa": (
        ["storage-backup"],
        "Mantenimiento programado del almacenamiento",
        "Actualizamos el almacenamiento de objetos. Las copias de respaldo programadas se "
        "ejecutarán al terminar la ventana.",
        5,
        22,
        3,
    ),
}


def seed_status_page(tenant: Tenant, *, now: datetime | None = None) -> int:
    """The tenant's components and their history, once: a status page with components is
    left as it is. Returns how many components were created."""
    specs = COMPONENTS.get(tenant.slug)
    if not specs or Component.objects.for_tenant(tenant).exists():
        return 0
    now = now or timezone.now()
    zone = ZoneInfo(tenant.time_zone or "UTC")
    start = now - timedelta(days=90)
    with transaction.atomic():
        components = {
            slug: Component.objects.create(
                tenant=tenant,
                name=name,
                slug=slug,
                description=description,
                position=position,
                is_public=public,
                created_at=start,
            )
            for position, (slug, name, description, public) in enumerate(specs)
        }
        owner = (
            User.objects.filter(tenant=tenant, role=Role.ENGINEER, is_active=True)
            .order_by("pk")
            .first()
        )
        for days, hour, title, impact, affected, steps in HISTORY.get(tenant.slug, []):
            day = (now - timedelta(days=days)).astimezone(zone).date()
            began = datetime.combine(day, time(hour), tzinfo=zone)
            _, status, body = steps[0]
            incident = incident_create(
                tenant=tenant,
                actor=None,
                title=title,
                body=body,
                status=status,
                impact=impact,
                affected={components[slug]: state for slug, state in affected.items()},
                owner=owner,
                notify=False,
                now=began,
            )
            for minutes, status, body in steps[1:]:
                incident_update_post(
                    incident=incident,
                    actor=None,
                    status=status,
                    body=body,
                    notify=False,
                    now=began + timedelta(minutes=minutes),
                )
        slugs, title, body, weekday, hour, hours = MAINTENANCE[tenant.slug]
        today = now.astimezone(zone).date()
        day = today + timedelta(days=7 - today.weekday() + weekday)
        starts_at = datetime.combine(day, time(hour), tzinfo=zone)
        incident_create(
            tenant=tenant,
            actor=None,
            kind=IncidentKind.MAINTENANCE,
            title=title,
            body=body,
            status=IncidentStatus.SCHEDULED,
            impact=IncidentImpact.MINOR,
            affected={components[slug]: ComponentStatus.MAINTENANCE for slug in slugs},
            owner=owner,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            notify=False,
            now=now,
        )
        # The components' history starts with the page: operational from the first day.
        for component in components.values():
            first = component.spans.order_by("started_at").first()
            if first is None or first.started_at > start:
                _open_history(component, start, first)
    return len(components)


def _open_history(component, start, first) -> None:
    """An operational span from the day the page starts to the first incident's (or open
    until now when nothing happened to the component)."""
    component.spans.create(
        tenant_id=component.tenant_id,
        status=ComponentStatus.OPERATIONAL,
        started_at=start,
        ended_at=first.started_at if first else None,
    )
    if first is None:
        component.status_changed_at = start
        component.save(update_fields=["status_changed_at"])


def seed_demo_status_pages(*, now: datetime | None = None) -> int:
    created = 0
    for tenant in Tenant.objects.filter(slug__in=list(COMPONENTS)).order_by("pk"):
        created += seed_status_page(tenant, now=now)
    return created
