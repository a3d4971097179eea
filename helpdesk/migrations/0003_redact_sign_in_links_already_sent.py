"""Emails written before bodies carrying a sign-in link were marked sensitive: password
resets and invitations already in the outbox are marked now, and the bodies of those
delivered or given up are removed."""

from django.db import migrations
from django.db.models import Q

SIGN_IN_LINKS = ("/accounts/password/reset/key/", "/invitations/")


def mark_and_redact(apps, schema_editor):
    OutboxEmail = apps.get_model("helpdesk", "OutboxEmail")
    carrying = Q()
    for path in SIGN_IN_LINKS:
        carrying |= Q(body_text__contains=path)
    rows = OutboxEmail.objects.filter(carrying)
    rows.update(sensitive=True)
    rows.exclude(status="pending").update(body_text="", body_html="")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_outbox_schedule_message_id_sensitive"),
    ]

    operations = [
        migrations.RunPython(mark_and_redact, migrations.RunPython.noop),
    ]
