"""Reads that may go to a read replica: the SLA reports.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and this router.
Code that reads for a report wraps its queries in :func:`replica_reads`; everything else
(every write, every page of the queues) keeps to the primary, so a year's report never
competes with the queues for the primary's time. Without a replica the reports read the
primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Send the reads made inside this block to the replica, when there is one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reports_database() -> str:
    """The alias report queries read from right now."""
    return REPLICA if _reading.get() and replica_configured() else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects read from either relate freely.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return db != REPLICA
