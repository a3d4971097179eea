from django.db import migrations

from helpdesk.markdown import rerender_operation


class Migration(migrations.Migration):
    # Stored HTML for the texts written before it was kept.
    atomic = False

    dependencies = [
        ("tickets", "0004_stored_markdown_html"),
    ]

    operations = [
        rerender_operation("tickets.Ticket", "tickets.Message"),
    ]
