# Tickets on SLA plans: the ticket tests' fixtures and their plan (Mon–Fri 08:00–17:00
# Pacific, 9-hour business day).
from tests.tickets.conftest import login, ticket_type  # noqa: F401
from tests.tickets.test_sla_on_tickets import planned  # noqa: F401
