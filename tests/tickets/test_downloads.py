import pytest

from .conftest import open_ticket
from .factories import png, text_file

pytestmark = pytest.mark.django_db


def _download(client, ticket, attachment, query=""):
    return client.get(f"/tickets/{ticket.reference}/files/{attachment.public_id}/{query}")


def test_download_is_an_attachment_with_nosniff_and_no_cache(acme, ticket_type, login):
    ticket = open_ticket(acme, ticket_type, files=[text_file("app.log", "<script>x</script>")])
    attachment = ticket.attachments.get()
    response = _download(login(acme.customer), ticket, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="app.log"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"<script>x</script>"


def test_only_safe_images_may_open_inline(acme, ticket_type, login):
    ticket = open_ticket(acme, ticket_type, files=[png("shot.png"), text_file("page.txt")])
    client = login(acme.customer)
    image = ticket.attachments.get(original_name="shot.png")
    text = ticket.attachments.get(original_name="page.txt")
    assert _download(client, ticket, image, "?inline=1")["Content-Disposition"].startswith("inline")
    assert _download(client, ticket, text, "?inline=1")["Content-Disposition"].startswith(
        "attachment"
    )


def test_pending_upload_of_a_draft_cannot_be_fetched_through_a_ticket(acme, ticket_type, login):
    from tickets.services import attachment_check, attachment_stage

    ticket = open_ticket(acme, ticket_type)
    draft = attachment_stage(
        actor=acme.customer, tenant=acme.tenant, checked=attachment_check(png())
    )
    assert _download(login(acme.engineer), ticket, draft).status_code == 404


def test_ticket_pages_are_never_cached(acme, ticket_type, login):
    ticket = open_ticket(acme, ticket_type)
    client = login(acme.customer)
    for url in (
        "/tickets/",
        ticket.get_absolute_url(),
        ticket.get_absolute_url() + "conversation/",
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
