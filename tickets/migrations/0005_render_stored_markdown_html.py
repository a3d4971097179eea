from django.db import migrations

from helpdesk.markdown import MARKDOWN_FIELDS, rerender_stale


def render_existing(apps, schema_editor):
    for label in ("tickets.Ticket", "tickets.Message"):
        rerender_stale(apps.get_model(label), MARKDOWN_FIELDS[label])


class Migration(migrations.Migration):
    # Each batch commits on its own, so a large help desk is not held in one transaction;
    # running it again (or `manage.py rerender_markdown`) continues where it stopped.
    atomic = False

    dependencies = [
        ("tickets", "0004_stored_markdown_html"),
    ]

    operations = [
        migrations.RunPython(render_existing, migrations.RunPython.noop, elidable=True),
    ]
