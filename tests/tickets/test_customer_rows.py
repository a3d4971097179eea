"""“My tickets” writes its rows in Python: the markup is what the page's template wrote,
in every language and time zone, and every value is escaped."""

import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tickets.selectors import customer_list, customer_list_rows
from tickets.services import ticket_transition
from tickets.views.queue_rows import customer_row_html

from .conftest import open_ticket
from .factories import TicketTypeFactory

pytestmark = pytest.mark.django_db

# The rows as the template wrote them before.
ROW_TEMPLATE = Template(
    """{% load i18n ticket_tags %}{% for ticket in tickets %}{% with url=ticket.get_absolute_url %}
      <tr>
        <td class="cell-key"><a href="{{ url }}">{{ ticket.reference }}</a></td>
        <td class="cell-title"><a href="{{ url }}">{{ ticket.title }}</a></td>
        <td class="cell-detail" data-label="{% translate 'Type' %}">{{ ticket.ticket_type.full_name }}</td>
        <td data-label="{% translate 'Priority' %}"><span class="badge priority priority-{{ ticket.priority|lower }}" title="{{ ticket.get_priority_display }}">{{ ticket.priority }}</span></td>
        <td data-label="{% translate 'Status' %}"><span class="badge {{ ticket.status|status_class }}">{{ ticket.get_status_display }}</span></td>
        {% if scope == "organization" %}<td class="cell-detail" data-label="{% translate 'Opened by' %}">{{ ticket.requester }}</td>{% endif %}
        <td class="cell-detail" data-label="{% translate 'Last update' %}"><time datetime="{{ ticket.updated_at|date:'c' }}">{{ ticket.updated_at|date:"SHORT_DATETIME_FORMAT" }}</time></td>
      </tr>
    {% endwith %}{% endfor %}"""  # noqa: E501
)


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("scope", ["mine", "organization"])
@pytest.mark.parametrize(("language", "zone"), [("en", "UTC"), ("es", "Europe/Madrid")])
def test_the_rows_are_the_templates_markup(acme, scope, language, zone):
    parent = TicketTypeFactory(tenant=acme.tenant, name="Network & <VPN>")
    child = TicketTypeFactory(tenant=acme.tenant, name="Tunnel", parent=parent)
    open_ticket(acme, child, title='Drops "every" <hour> & more', requester=acme.org_admin)
    done = open_ticket(acme, parent, title="Printer", priority="P4")
    ticket_transition(ticket=done, actor=acme.engineer, to_status="resolved", base_url="")
    with translation.override(language), timezone.override(zone):
        tickets = customer_list_rows(
            tenant=acme.tenant,
            tickets=customer_list(tenant=acme.tenant, actor=acme.org_admin, status="", scope=scope),
        )
        assert tickets
        expected = ROW_TEMPLATE.render(Context({"tickets": tickets, "scope": scope}))
        written = "".join(customer_row_html(tickets, opened_by=scope == "organization"))
    assert _squeezed(written) == _squeezed(expected)
    assert "&lt;hour&gt;" in written and "<hour>" not in written
