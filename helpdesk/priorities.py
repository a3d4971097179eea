from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    """Ticket priority, shared by tickets, SLA targets and escalation rules.

    The labels are generic and read in the reader's language wherever they are shown; each
    tenant describes what each level means for its customers (e.g. IVCISA reserves P1 for a
    total interruption of critical services), and those descriptions are the tenant's data.
    """

    P1 = "P1", _("P1 – Critical")
    P2 = "P2", _("P2 – High")
    P3 = "P3", _("P3 – Medium")
    P4 = "P4", _("P4 – Low")
