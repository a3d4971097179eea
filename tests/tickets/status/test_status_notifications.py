"""Incident updates reach each subscriber once, through a real worker and SMTP server."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests import workers
from tests.workers import WAIT
from tickets.models import ComponentStatus, IncidentStatus, StatusSubscriber
from tickets.status.notifications import incident_update_notify, incident_updates_redrive
from tickets.status.services import incident_create, incident_update_post
from tickets.tasks import notify_incident_update

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db(transaction=True)

celery_processes = workers.celery_processes
sink = workers.sink


def _subscriber(world, email, language, **extra):
    now = timezone.now()
    return StatusSubscriber.objects.create(
        tenant=world.tenant,
        email=email,
        language=language,
        token=f"token-{email}",
        created_at=now,
        confirmed_at=now,
        **extra,
    )


def test_each_subscriber_gets_each_update_once_in_their_language(acme, celery_processes, sink):
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    _subscriber(acme, "ana@example.com", "en")
    _subscriber(acme, "beto@example.com", "es")
    StatusSubscriber.objects.create(
        tenant=acme.tenant,
        email="pending@example.com",
        token="token-pending",
        created_at=timezone.now(),
    )
    incident = incident_create(
        tenant=acme.tenant,
        actor=acme.manager,
        title="Calls are not tracked",
        body="Looking into it.",
        affected={calls: ComponentStatus.MAJOR_OUTAGE},
        notify=False,
    )
    sink.start()
    celery_processes.start_worker()

    update = incident_update_post(
        incident=incident,
        actor=acme.manager,
        status=IncidentStatus.IDENTIFIED,
        body="A bad deploy; rolling back.",
    )
    received = {m.to[0]: m for m in sink.wait_for(2, timeout=WAIT)}
    assert set(received) == {"ana@example.com", "beto@example.com"}

    # The task again, twice at once, and the re-drive: nobody gets a second copy.
    notify_incident_update.delay(update.pk)
    notify_incident_update.delay(update.pk)
    assert incident_update_notify(update_id=update.pk) == 0
    assert incident_updates_redrive(now=timezone.now() + timedelta(minutes=5)) == 0
    time.sleep(3)
    assert len(sink.messages) == 2

    english = received["ana@example.com"]
    assert english.subject == "[Acme status] Identified: Calls are not tracked"
    assert "A bad deploy; rolling back." in english.text
    assert 'lang="en"' in english.html
    spanish = received["beto@example.com"]
    assert 'lang="es"' in spanish.html
    with translation.override("es"), timezone.override(acme.tenant.time_zone):
        posted = date_format(timezone.localtime(update.created_at), "DATETIME_FORMAT")
    assert posted in spanish.text
    with translation.override("en"), timezone.override(acme.tenant.time_zone):
        assert date_format(timezone.localtime(update.created_at), "DATETIME_FORMAT") in english.text

    # The unsubscribe link of the email works, and so does the one-click header.
    link = re.search(r"https?://\S+/status/unsubscribe/\S+/", english.text).group(0)
    path = "/" + link.split("/", 3)[3]
    page = Client(HTTP_HOST=acme.host).get(path)
    assert "You are unsubscribed" in page.content.decode()
    assert str(english.message["List-Unsubscribe"]).strip() == f"<{link}>"
    assert str(english.message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"

    incident_update_post(
        incident=incident, actor=acme.manager, status=IncidentStatus.RESOLVED, body="Fixed."
    )
    [last] = sink.wait_for(3, timeout=WAIT)[2:]
    assert last.to == ["beto@example.com"]
