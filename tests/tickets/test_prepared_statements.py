"""On PostgreSQL the pages' statements are prepared on their connection: a ticket page opened
again is planned once, not on every load, and its answer stays the same."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_ticket_page_opened_again_runs_prepared_statements(
    require_postgres, acme, make_ticket, login
):
    ticket = make_ticket(title="Printer offline on floor 3")
    client = login(acme.engineer)
    first = client.get(f"/tickets/{ticket.reference}/")
    assert first.status_code == 200
    for _ in range(2):
        again = client.get(f"/tickets/{ticket.reference}/")
        assert again.status_code == 200
        assert "Printer offline on floor 3" in again.content.decode()
    prepared = _prepared_statements()
    assert any('FROM "tickets_ticket"' in sql and "$1" in sql for sql in prepared), prepared
    assert any('FROM "tickets_message"' in sql for sql in prepared), prepared
