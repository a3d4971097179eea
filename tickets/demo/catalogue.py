"""The demo tenants' request catalogues (IVCISA's nine types from its seed, in Spanish for its
Colombian customers; Invoca's case reasons with sub-categories) and what each priority means
for their customers."""

from django.utils.text import slugify

from accounts.models import Tenant
from helpdesk.priorities import Priority

from ..models import PriorityDefinition, TicketType

# The seed's table of request types, in its order, as IVCISA's Colombian customers read it:
# (slug, name, description, default priority). The slugs stay those of the seed's English
# names, so a help desk seeded before keeps its types (and the mailbox's default type).
IVCISA_TYPES = [
    (
        "ia-ml-machine-learning",
        "IA / ML – Aprendizaje automático",
        "Requerimientos relacionados con modelos de aprendizaje automático (machine learning), "
        "entrenamiento, inferencia, pipelines o uso de inteligencia artificial.",
        Priority.P3,
    ),
    (
        "cloud-compute",
        "Cómputo en la nube",
        "Solicitudes asociadas al uso, creación, dimensionamiento o ajuste de recursos de "
        "cómputo en la nube (máquinas virtuales, instancias, escalamiento).",
        Priority.P3,
    ),
    (
        "cloud-infrastructure",
        "Infraestructura en la nube",
        "Gestión de la infraestructura en la nube, incluidos ambientes, servicios base, "
        "almacenamiento y arquitectura general.",
        Priority.P3,
    ),
    (
        "networking",
        "Redes",
        "Configuración o incidentes relacionados con redes, conectividad, firewalls, VPN, "
        "balanceadores de carga o acceso entre servicios.",
        Priority.P2,
    ),
    (
        "consultancy",
        "Consultoría",
        "Solicitudes de asesoría técnica, revisión de arquitectura, buenas prácticas o "
        "recomendaciones especializadas.",
        Priority.P4,
    ),
    (
        "data-analytics",
        "Analítica de datos",
        "Requerimientos de análisis de datos, informes, visualizaciones, consultas o "
        "procesamiento analítico.",
        Priority.P3,
    ),
    (
        "incident",
        "Incidente",
        "Evento inesperado que afecta el funcionamiento normal de un servicio y requiere "
        "atención inmediata.",
        Priority.P2,
    ),
    (
        "request",
        "Solicitud",
        "Solicitud de un servicio, acceso, configuración o requerimiento planificado que no "
        "representa una falla.",
        Priority.P4,
    ),
    (
        "security",
        "Seguridad",
        "Casos relacionados con accesos, credenciales, cumplimiento, vulnerabilidades o "
        "eventos de seguridad.",
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

# What each priority means for each demo tenant's customers, in the tenant's language: shown
# beside each choice on the new-ticket form and, word for word, in the help centre's
# priorities article (knowledge_base/demo/priorities.py). The names are the platform's
# (helpdesk.priorities).
DEFINITIONS = {
    "ivcisa": {
        Priority.P1: (
            "Interrupción total",
            "Solo para una interrupción total o caída completa de servicios críticos del "
            "negocio, que impacta masivamente la operación y requiere intervención de "
            "emergencia. Cubierta 24/7/365 por ingenieros de turno.",
        ),
        Priority.P2: (
            "Degradación parcial",
            "Un servicio crítico está degradado o falla una función importante, con una "
            "alternativa de solución o un impacto limitado. Las degradaciones parciales son P2 "
            "o P3, no P1.",
        ),
        Priority.P3: (
            "Impacto limitado",
            "Falla una función no crítica o una degradación menor afecta a algunos usuarios.",
        ),
        Priority.P4: (
            "Consulta o solicitud planificada",
            "Preguntas de configuración, documentación, procedimientos estándar y cambios "
            "planificados. La base de conocimiento suele resolverlas de inmediato.",
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
        for position, (slug, name, description, priority) in enumerate(IVCISA_TYPES):
            _seed_type(tenant, None, name, description, priority, position, reset=reset, slug=slug)
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


def _seed_type(
    tenant, parent, name, description, priority, position, *, reset, slug=""
) -> TicketType:
    slug = slug or slugify(f"{parent.name}-{name}" if parent else name)
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
