from django.db import models


class Priority(models.TextChoices):
    """Ticket priority, shared by tickets, SLA targets and escalation rules.

    The labels are generic; each tenant describes what each level means for its
    customers (e.g. IVCISA reserves P1 for a total interruption of critical services).
    """

    P1 = "P1", "P1 – Critical"
    P2 = "P2", "P2 – High"
    P3 = "P3", "P3 – Medium"
    P4 = "P4", "P4 – Low"
