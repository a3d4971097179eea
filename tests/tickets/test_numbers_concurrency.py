import threading

import pytest
from django.db import connection

from tickets.models import Ticket

from .conftest import open_ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_creation_gives_distinct_sequential_numbers(require_postgres, acme, ticket_type):
    """Twelve customers submit at once: twelve tickets, numbers 1001–1012, no duplicates."""
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    errors = []

    def submit(n):
        try:
            barrier.wait(timeout=10)
            open_ticket(acme, ticket_type, title=f"Concurrent {n}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Ticket.objects.filter(tenant=acme.tenant).values_list("number", flat=True))
    assert numbers == list(range(1001, 1001 + threads_count))
