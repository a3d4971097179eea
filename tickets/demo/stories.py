"""The demo tickets: what each customer asked and what happened next, step by step."""

from dataclasses import dataclass

from helpdesk.priorities import Priority

from ..models import Status


@dataclass(frozen=True)
class DemoTicket:
    org: int
    type_slug: str
    priority: str
    title: str
    service: str
    text: str
    days_ago: float
    flow: tuple = ()  # ("assign", tier) | ("reply", body) | ("note", body) | ("customer", body)
    # | ("status", status) | ("file", name, text)


# IVCISA's customers and engineers are Colombian: their tickets are written in Spanish.
IVCISA_TICKETS = [
    DemoTicket(
        0,
        "networking",
        Priority.P2,
        "La VPN sitio a sitio hacia AWS se cae cada 30 minutos",
        "Túnel VPN bog-prod ↔ vpc-0a12 (us-east-1)",
        "Desde el lunes, el túnel IPsec entre nuestra oficina de Bogotá y la VPC de producción "
        "se renegocia más o menos cada 30 minutos y tumba las sesiones activas.\n\nEl tiempo "
        "de vida de la fase 2 de nuestro lado es de 3600 s.",
        3.2,
        (
            ("file", "tunnel-status.log", "09:14:02 IKEv2 SA rekey failed\n09:14:05 DPD timeout\n"),
            ("assign", "L2"),
            (
                "reply",
                "Gracias por el reporte. Del lado de AWS también vemos timeouts de DPD. ¿Nos "
                "puede enviar la propuesta de fase 1 que tiene configurada en su firewall?",
            ),
            ("note", "El firewall del cliente es un FortiGate 60F; revisar NAT-T."),
            ("status", Status.ON_HOLD),
        ),
    ),
    DemoTicket(
        0,
        "cloud-compute",
        Priority.P3,
        "Ampliar la VM de informes a 16 GB de RAM",
        "EC2 i-0b4f reporting-01",
        "Nuestros informes de cierre de mes se quedan sin memoria. Por favor, cambien "
        "reporting-01 a un tipo de instancia con 16 GB.",
        6,
        (
            ("assign", "L1"),
            (
                "reply",
                "Listo: reporting-01 quedó en r6i.large (16 GB). El reinicio tomó 2 minutos.",
            ),
            ("status", Status.RESOLVED),
        ),
    ),
    DemoTicket(
        1,
        "incident",
        Priority.P1,
        "La API de bodega responde 502 a todas las solicitudes",
        "api.pacifico-logistics.example (ALB + ECS)",
        "Todas las llamadas a la API de bodega fallan con 502 desde las 02:10. Los "
        "conductores no pueden confirmar las entregas.",
        0.4,
        (
            ("assign", "L2"),
            (
                "reply",
                "Ya estamos trabajando en esto: el servicio de ECS tiene 0 tareas saludables. "
                "Estamos revirtiendo en este momento el despliegue de la 01:55.",
            ),
        ),
    ),
    DemoTicket(
        1,
        "data-analytics",
        Priority.P3,
        "El tablero de entregas diarias muestra el día anterior dos veces",
        "Tablero de QuickSight “Entregas por día”",
        "Desde el último cambio de horario de verano, el tablero duplica el día anterior.",
        9,
        (
            ("assign", "L1"),
            (
                "reply",
                "La actualización del conjunto de datos usaba la medianoche local; la ajustamos "
                "a UTC.",
            ),
            ("status", Status.RESOLVED),
            ("status", Status.CLOSED),
        ),
    ),
    DemoTicket(
        2,
        "security",
        Priority.P2,
        "Inicios de sesión sospechosos en la consola de administración",
        "Cuenta de AWS 4411-xxxx (usuarios IAM root y admin)",
        "GuardDuty reporta inicios de sesión en la consola desde un país desconocido para el "
        "usuario admin.",
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
        "consultancy",
        Priority.P4,
        "Revisión de nuestra landing zone multicuenta",
        "AWS Organizations",
        "Planeamos separar desarrollo y producción en cuentas distintas y quisiéramos una "
        "revisión de la estructura de OU propuesta.",
        2.5,
        (),
    ),
    DemoTicket(
        0,
        "ia-ml-machine-learning",
        Priority.P3,
        "Se duplicó la latencia del endpoint de SageMaker",
        "Endpoint de SageMaker churn-model-v4",
        "La latencia p95 pasó de 180 ms a 400 ms después de la última actualización del modelo.",
        1.8,
        (("assign", "L3"),),
    ),
    DemoTicket(
        1,
        "request",
        Priority.P4,
        "Nuevo usuario IAM para nuestro auditor",
        "Cuenta de AWS logistics-prod",
        "Por favor, creen un usuario de solo lectura para nuestro auditor externo, vigente "
        "hasta fin de mes.",
        0.2,
        (),
    ),
]

INVOCA_TICKETS = [
    DemoTicket(
        0,
        "call-tracking-calls-not-connecting",
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
        "integrations-data-mismatch",
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
        "platform-access-cannot-sign-in",
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
        "reporting-report-question",
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
        "reporting-scheduled-export-failed",
        Priority.P3,
        "Nightly call export to SFTP missing",
        "Scheduled export “calls-nightly”",
        "Last night's export did not arrive on our SFTP server.",
        2.1,
        (),
    ),
    DemoTicket(
        2,
        "billing-invoice-question",
        Priority.P4,
        "Invoice shows two platform fees",
        "Invoice INV-2026-10",
        "October's invoice lists the platform fee twice.",
        5,
        (("assign", "L1"),),
    ),
]

TICKETS = {"ivcisa": IVCISA_TICKETS, "invoca": INVOCA_TICKETS}
