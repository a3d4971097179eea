"""The status page as JSON, shaped like Atlassian Statuspage's ``summary.json``."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import COMPONENT_SEVERITY, ComponentStatus
from . import selectors

# Statuspage's indicator for the page's worst state.
INDICATOR = {
    ComponentStatus.OPERATIONAL: "none",
    ComponentStatus.MAINTENANCE: "maintenance",
    ComponentStatus.DEGRADED: "minor",
    ComponentStatus.PARTIAL_OUTAGE: "major",
    ComponentStatus.MAJOR_OUTAGE: "critical",
}


def _time(value):
    return value.isoformat() if value else None


def _incident(incident, base_url: str) -> dict:
    updates = list(incident.updates.all())
    latest = updates[0] if updates else None
    return {
        "id": incident.pk,
        "name": incident.title,
        "kind": incident.kind,
        "status": incident.status,
        "impact": incident.impact,
        "shortlink": f"{base_url.rstrip('/')}/status/incidents/{incident.pk}/",
        "created_at": _time(incident.published_at),
        "updated_at": _time(incident.updated_at),
        "started_at": _time(incident.starts_at),
        "scheduled_for": _time(incident.starts_at) if incident.is_maintenance else None,
        "scheduled_until": _time(incident.ends_at) if incident.is_maintenance else None,
        "resolved_at": _time(incident.ended_at),
        "components": [
            {"id": row.component_id, "name": row.component.name, "status": row.status}
            for row in incident.affected.all()
        ],
        "incident_updates": [
            {
                "id": latest.pk,
                "status": latest.status,
                "body": latest.body,
                "created_at": _time(latest.created_at),
            }
        ]
        if latest
        else [],
    }


def summary_read(tenant, *, staff: bool, base_url: str) -> dict:
    page = selectors.status_page_read(tenant, staff=staff)
    components = [row.component for row in page.components]
    overall = page.overall
    updated = max(
        [c.status_changed_at for c in components if c.status_changed_at]
        + [i.updated_at for i in page.ongoing + page.maintenance],
        default=None,
    )
    return {
        "page": {
            "id": tenant.slug,
            "name": tenant.name,
            "url": base_url.rstrip("/") + "/status/",
            "time_zone": tenant.time_zone,
            "updated_at": _time(updated),
        },
        "status": {
            "indicator": INDICATOR[overall],
            "description": str(ComponentStatus(overall).label)
            if overall != ComponentStatus.OPERATIONAL
            else _("All systems operational"),
            "severity": COMPONENT_SEVERITY[overall],
        },
        "components": [
            {
                "id": c.pk,
                "name": c.name,
                "description": c.description,
                "status": c.status,
                "position": c.position,
                "updated_at": _time(c.status_changed_at),
                "uptime_90_days": round(row.uptime, 4) if row.uptime is not None else None,
            }
            for c, row in zip(components, page.components, strict=True)
        ],
        "incidents": [_incident(i, base_url) for i in page.ongoing],
        "scheduled_maintenances": [_incident(i, base_url) for i in page.maintenance],
        "generated_at": _time(timezone.now()),
    }
