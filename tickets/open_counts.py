"""The SQL that keeps ``OpenTicketCount`` (see ``tickets.models.counts``): the triggers on
tickets, the first count, and the compaction of the +1/-1 rows. PostgreSQL and SQLite.

The open statuses are written out: they are ``TRIGGER_OPEN_STATUSES`` (a test keeps the
two equal to ``OPEN_STATUSES``)."""

from django.db import connection, transaction

POSTGRESQL_INSTALL = """
CREATE OR REPLACE FUNCTION tickets_open_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status IN ('new', 'in_progress', 'on_hold') THEN
        IF TG_OP = 'UPDATE' AND NEW.status IN ('new', 'in_progress', 'on_hold')
           AND NEW.tenant_id = OLD.tenant_id
           AND NEW.assignee_id IS NOT DISTINCT FROM OLD.assignee_id
           AND NEW.escalation_level_id IS NOT DISTINCT FROM OLD.escalation_level_id THEN
            RETURN NULL;
        END IF;
        INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
        VALUES (OLD.tenant_id, OLD.assignee_id, OLD.escalation_level_id, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IN ('new', 'in_progress', 'on_hold') THEN
        INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
        VALUES (NEW.tenant_id, NEW.assignee_id, NEW.escalation_level_id, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tickets_open_count
AFTER INSERT OR DELETE OR UPDATE OF status, assignee_id, escalation_level_id, tenant_id
ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_open_count();
"""

POSTGRESQL_UNINSTALL = """
DROP TRIGGER IF EXISTS tickets_open_count ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_open_count();
"""

SQLITE_INSTALL = [
    """CREATE TRIGGER tickets_open_count_insert AFTER INSERT ON tickets_ticket
    WHEN NEW.status IN ('new', 'in_progress', 'on_hold')
    BEGIN
        INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
        VALUES (NEW.tenant_id, NEW.assignee_id, NEW.escalation_level_id, 1);
    END""",
    """CREATE TRIGGER tickets_open_count_delete AFTER DELETE ON tickets_ticket
    WHEN OLD.status IN ('new', 'in_progress', 'on_hold')
    BEGIN
        INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
        VALUES (OLD.tenant_id, OLD.assignee_id, OLD.escalation_level_id, -1);
    END""",
    """CREATE TRIGGER tickets_open_count_update
    AFTER UPDATE OF status, assignee_id, escalation_level_id, tenant_id ON tickets_ticket
    WHEN (OLD.status IN ('new', 'in_progress', 'on_hold'))
         <> (NEW.status IN ('new', 'in_progress', 'on_hold'))
      OR (NEW.status IN ('new', 'in_progress', 'on_hold') AND (
          OLD.tenant_id <> NEW.tenant_id
          OR OLD.assignee_id IS NOT NEW.assignee_id
          OR OLD.escalation_level_id IS NOT NEW.escalation_level_id))
    BEGIN
        INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
        SELECT OLD.tenant_id, OLD.assignee_id, OLD.escalation_level_id, -1
        WHERE OLD.status IN ('new', 'in_progress', 'on_hold');
        INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
        SELECT NEW.tenant_id, NEW.assignee_id, NEW.escalation_level_id, 1
        WHERE NEW.status IN ('new', 'in_progress', 'on_hold');
    END""",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS tickets_open_count_insert",
    "DROP TRIGGER IF EXISTS tickets_open_count_delete",
    "DROP TRIGGER IF EXISTS tickets_open_count_update",
]

# The open tickets of today, counted once (the migration that installs the triggers).
RECOUNT = """
INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
SELECT tenant_id, assignee_id, escalation_level_id, COUNT(*) FROM tickets_ticket
WHERE status IN ('new', 'in_progress', 'on_hold')
GROUP BY tenant_id, assignee_id, escalation_level_id
"""

# One statement, one snapshot: the rows it removes are exactly the rows it adds up, so a
# row a concurrent change inserts meanwhile is never lost. Rows of deleted tenants go.
POSTGRESQL_COMPACT = """
WITH gone AS (
    DELETE FROM tickets_openticketcount
    RETURNING tenant_id, assignee_id, escalation_level_id, tickets
)
INSERT INTO tickets_openticketcount (tenant_id, assignee_id, escalation_level_id, tickets)
SELECT tenant_id, assignee_id, escalation_level_id, SUM(tickets) FROM gone
WHERE tenant_id IN (SELECT id FROM accounts_tenant)
GROUP BY tenant_id, assignee_id, escalation_level_id
HAVING SUM(tickets) <> 0
"""


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_INSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(vendor)
    schema_editor.execute("DELETE FROM tickets_openticketcount")
    schema_editor.execute(RECOUNT)


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_UNINSTALL)
    else:
        for statement in SQLITE_UNINSTALL:
            schema_editor.execute(statement)


def open_counts_compact() -> int:
    """Fold the count rows into one per tenant, assignee and level; returns the rows left."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_COMPACT)
            return cursor.rowcount
        # SQLite has one writer at a time: the transaction sees every row it removes.
        cursor.execute(
            "SELECT tenant_id, assignee_id, escalation_level_id, SUM(tickets) "
            "FROM tickets_openticketcount WHERE tenant_id IN (SELECT id FROM accounts_tenant) "
            "GROUP BY tenant_id, assignee_id, escalation_level_id HAVING SUM(tickets) <> 0"
        )
        rows = cursor.fetchall()
        cursor.execute("DELETE FROM tickets_openticketcount")
        cursor.executemany(
            "INSERT INTO tickets_openticketcount "
            "(tenant_id, assignee_id, escalation_level_id, tickets) VALUES (%s, %s, %s, %s)",
            rows,
        )
        return len(rows)
