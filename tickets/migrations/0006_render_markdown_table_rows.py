from django.db import migrations

from helpdesk.markdown import rerender_operation


class Migration(migrations.Migration):
    # Tables are stored without line breaks between their tags (renderer version 2).
    atomic = False

    dependencies = [
        ("tickets", "0005_render_stored_markdown_html"),
    ]

    operations = [
        rerender_operation("tickets.Ticket", "tickets.Message"),
    ]
