from django.db import migrations

from helpdesk.markdown import MARKDOWN_FIELDS, rerender_stale


def render_existing(apps, schema_editor):
    for label in ("tickets.Ticket", "tickets.Message"):
        rerender_stale(apps.get_model(label), MARKDOWN_FIELDS[label])


class Migration(migrations.Migration):
    # Tables are stored without line breaks between their tags (renderer version 2). Each
    # batch commits on its own; `manage.py rerender_markdown` continues where it stopped.
    atomic = False

    dependencies = [
        ("tickets", "0005_render_stored_markdown_html"),
    ]

    operations = [
        migrations.RunPython(render_existing, migrations.RunPython.noop, elidable=True),
    ]
