"""The API describes itself: a valid OpenAPI 3 schema and browsable docs on the host."""

import pytest
import yaml
from openapi_spec_validator import validate

from .conftest import TokenClient, token_for

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_and_names_every_endpoint(acme):
    client = TokenClient(host=acme.host, token=token_for(acme.engineer))
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/tickets/",
        "/api/v1/tickets/{reference}/",
        "/api/v1/tickets/{reference}/replies/",
        "/api/v1/tickets/{reference}/notes/",
        "/api/v1/tickets/{reference}/messages/",
        "/api/v1/tickets/{reference}/attachments/",
        "/api/v1/tickets/{reference}/attachments/{public_id}/download/",
        "/api/v1/tickets/{reference}/sla/",
        "/api/v1/tickets/{reference}/escalations/",
        "/api/v1/uploads/",
    } <= paths
    schemes = schema["components"]["securitySchemes"]
    assert schemes["personalAccessToken"]["scheme"] == "bearer"
    create = schema["paths"]["/api/v1/tickets/"]["post"]
    assert "201" in create["responses"]


def test_the_docs_page_loads_its_files_from_the_help_desk_itself(acme, client):
    client.force_login(acme.engineer)
    response = client.get("/api/docs/", HTTP_HOST=acme.host)
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/" in page


def test_an_address_the_api_does_not_have_answers_json(acme):
    client = TokenClient(host=acme.host, token=token_for(acme.customer))
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
