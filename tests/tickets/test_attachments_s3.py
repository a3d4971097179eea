"""Attachments on S3 through django-storages, against a real S3 API (moto's server)."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage

from tickets.models import Attachment

from .conftest import open_ticket
from .factories import png, text_file

pytestmark = pytest.mark.django_db
BUCKET = "helpdesk-attachments"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    moto = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - local test server
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_server):
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = "test-key"
    settings.AWS_SECRET_ACCESS_KEY = "test-secret"  # noqa: S105
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",  # noqa: S106
    )
    existing = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)
    return client


def test_files_are_stored_in_the_bucket_under_random_keys(s3, acme, ticket_type):
    ticket = open_ticket(acme, ticket_type, files=[png("console.png"), text_file("app.log")])
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    keys = {obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    for attachment in Attachment.objects.filter(ticket=ticket):
        assert attachment.file.name in keys
        assert str(ticket.number) not in attachment.file.name
        assert attachment.original_name not in attachment.file.name
    body = s3.get_object(
        Bucket=BUCKET, Key=ticket.attachments.get(original_name="app.log").file.name
    )
    assert body["Body"].read() == b"ERROR connection refused\n"


def test_download_redirects_to_a_short_lived_presigned_url(s3, acme, ticket_type, login, settings):
    settings.ATTACHMENT_DOWNLOADS = "redirect"
    settings.AWS_QUERYSTRING_EXPIRE = 60
    ticket = open_ticket(acme, ticket_type, files=[text_file("app.log")])
    attachment = ticket.attachments.get()
    response = login(acme.customer).get(
        f"/tickets/{ticket.reference}/files/{attachment.public_id}/"
    )
    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Expires=60" in url and "X-Amz-Signature" in url
    with urllib.request.urlopen(url) as downloaded:  # noqa: S310 - local test server
        assert downloaded.read() == b"ERROR connection refused\n"
        assert "attachment" in downloaded.headers["Content-Disposition"]
        assert "app.log" in downloaded.headers["Content-Disposition"]


def test_download_streams_from_s3_when_configured(s3, acme, ticket_type, login, settings):
    settings.ATTACHMENT_DOWNLOADS = "stream"
    ticket = open_ticket(acme, ticket_type, files=[png("console.png")])
    attachment = ticket.attachments.get()
    response = login(acme.engineer).get(
        f"/tickets/{ticket.reference}/files/{attachment.public_id}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


def test_internal_file_on_s3_is_404_for_customer(s3, acme, ticket_type, login):
    from tickets.services import attachment_check, attachment_stage, ticket_reply

    ticket = open_ticket(acme, ticket_type)
    staged = attachment_stage(
        actor=acme.engineer, tenant=acme.tenant, checked=attachment_check(text_file("notes.txt"))
    )
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="internal",
        internal=True,
        attachment_ids=[staged.public_id],
        base_url="http://acme.localhost/",
    )
    url = f"/tickets/{ticket.reference}/files/{staged.public_id}/"
    assert login(acme.customer).get(url).status_code == 404
