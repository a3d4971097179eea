"""The file field of the ticket forms: its help says the configured limit, and the files kept
from a rejected submission are listed, escaped."""

from types import SimpleNamespace

import pytest
from django.template import engines
from django.test import override_settings
from django.utils import translation

from tickets.forms import EvidenceForm

FIELD = engines["django"].from_string("{% load ticket_tags %}{% attachments_field form kept %}")


def _render(form, kept=()):
    return FIELD.render({"form": form, "kept": kept})


@override_settings(ATTACHMENT_MAX_BYTES=10 * 1024 * 1024)
def test_the_help_says_the_configured_limit_in_the_reader_s_language():
    form = EvidenceForm(prefix="evidence")
    assert "up to 10 MB each." in _render(form)
    with translation.override("es"):
        html = _render(form)
    assert "10 MB" in html and "up to" not in html and "(opcional)" in html


def test_kept_files_are_listed_escaped_with_their_size_and_errors_mark_the_field():
    form = EvidenceForm({"evidence-comment": "logs"}, {}, prefix="evidence")
    form.is_valid()
    form.add_error("files", "“<b>.exe” is not a file type we accept.")
    kept = [SimpleNamespace(original_name="<b>trace.log", size=2048)]
    html = _render(form, kept)
    assert '<div class="field field-invalid">' in html
    assert "“&lt;b&gt;.exe” is not a file type we accept." in html
    assert "<li>&lt;b&gt;trace.log <span" in html and "2.0\xa0KB" in html
    assert 'name="evidence-files"' in html and 'name="evidence-kept"' in html
    with translation.override("es"):
        html = _render(form, kept)
    assert "Ya cargados, se envían con este formulario:" in html
    assert "Varios archivos a la vez" in html


@pytest.mark.django_db
def test_the_new_ticket_page_shows_the_field(acme, login):
    page = login(acme.customer).get("/tickets/new/").content.decode()
    assert 'type="file" name="files"' in page
    assert "Several files at once: screenshots, logs, PDF, ZIP or Office documents" in page
