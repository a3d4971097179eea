"""The one signal tickets send to the apps built on them.

``ticket_sla_changed`` is sent each time tickets' SLA has been recomputed and stored:

- after every change of one ticket, by :func:`tickets.services.after_change.ticket_changed`,
  inside the change's transaction, with ``bulk=False``;
- for each batch of a recomputation of open tickets (an SLA matrix moved them, or the
  escalation matrix changed), by :func:`tickets.services.sla.tickets_sla_recompute`,
  with ``bulk=True``.

Arguments (all keyword):

``sender``
    :class:`tickets.models.Ticket`.
``tenant``
    The tenant of every ticket in ``evaluated``.
``evaluated``
    ``list[tickets.services.sla.Evaluated]``: each ticket (its row as just stored) with the
    plan book, clock facts and outcome its SLA was computed from.
``now``
    The instant the SLA was computed at.
``bulk``
    True for a batch of a recomputation (receivers should do no per-ticket work there, such
    as paging someone), False after a single change.

Receivers run in the sender's transaction; an exception in one rolls the change back.
The escalation app receives it in ``escalation/receivers.py``.
"""

from django.dispatch import Signal

ticket_sla_changed = Signal()
