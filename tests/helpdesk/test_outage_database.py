"""A database outage: people get the branded 503 ("try again in a moment") instead of the
generic 500, nothing is half-saved, and web, worker and beat resume by themselves.

Everything runs as in production, each in its own process: gunicorn (DEBUG off), a Celery
worker and beat, a private PostgreSQL cluster and a private Redis that this test starts and
stops (the machine's shared servers are never touched), and an SMTP sink.
"""

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests import workers
from tests.conftest import service_missing
from tests.factories import PASSWORD
from tests.workers import WAIT, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

sink = workers.sink
private_redis = workers.private_redis

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "acme.localhost"
SEED = """
import json
import django
django.setup()
from tests.factories import CustomerFactory, OrganizationFactory, TenantFactory
from tests.tickets.factories import TicketTypeFactory
tenant = TenantFactory(slug="acme", name="Acme", portal_title="Acme Support")
customer = CustomerFactory(
    tenant=tenant, organization=OrganizationFactory(tenant=tenant), email="customer@acme.test"
)
from datetime import timedelta
from django.utils import timezone
from accounts.tokens import api_token_create
_, token = api_token_create(
    user=customer, name="CRM", can_write=True, expires_at=timezone.now() + timedelta(days=1)
)
print(json.dumps({"type": TicketTypeFactory(tenant=tenant).pk, "email": customer.email,
                  "token": token}))
"""


def environment(var_dir: Path, **settings) -> dict:
    """A production-mode process environment (DEBUG off) over plain HTTP."""
    var_dir.mkdir(parents=True, exist_ok=True)
    return workers.clean_environment(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="0",
        SECRET_KEY="database-outage-test-" + "k" * 50,
        ALLOWED_HOSTS=".localhost,localhost,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        TRUSTED_PROXY_COUNT="0",
        HELPDESK_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        **settings,
    )


def manage(env: dict, *command: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=5 * WAIT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def postgres_cluster():
    if shutil.which("runuser") is None or not workers.PostgresCluster.BIN.exists():
        service_missing("needs PostgreSQL's server binaries and runuser for a private cluster")
    cluster = workers.PostgresCluster().init()
    cluster.start()
    yield cluster
    print("----- postgres log -----")
    print(cluster.log())
    cluster.remove()


def count_rows(database_url: str, sql: str, *params) -> int:
    with psycopg.connect(database_url, connect_timeout=10) as conn:
        return conn.execute(sql, params).fetchone()[0]


def test_a_database_outage_answers_a_branded_503_and_web_worker_and_beat_resume_by_themselves(
    postgres_cluster, private_redis, sink, settings, tmp_path, request
):
    database_url = postgres_cluster.create_database("helpdesk_outage")
    env = environment(
        tmp_path / "web",
        DATABASE_URL=database_url,
        REDIS_URL=private_redis.url(0),
        EMAIL_URL=sink.url,
        EMAIL_TIMEOUT="5",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    seeded = json.loads(
        subprocess.run(
            [sys.executable, "-c", SEED],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=2 * WAIT,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    sink.start()
    processes = workers.CeleryProcesses(
        settings=settings,
        sink=sink,
        tmp_path=tmp_path,
        broker_url=private_redis.url(0),
        database_url=database_url,
    )
    processes.env["OUTBOX_REDRIVE_SECONDS"] = "5"
    request.addfinalizer(processes.restore_publishing)
    request.addfinalizer(processes.stop_all)
    worker = processes.start_worker()
    processes.start_beat()
    web = workers.WebServer(directory=tmp_path / "gunicorn", environment=env).start()
    request.addfinalizer(lambda: print(f"----- gunicorn -----\n{web.log()}"))
    request.addfinalizer(web.stop)

    # A customer signs in and opens a ticket; its emails go out.
    browser = workers.Browser(web.port, HOST)
    assert browser.get("/accounts/login/")[0] == 200
    status, headers, _ = browser.post(
        "/accounts/login/", {"login": seeded["email"], "password": PASSWORD}
    )
    assert status == 302, headers
    status, headers, page = browser.post(
        "/tickets/new/",
        {
            "title": "Payroll export fails",
            "ticket_type": seeded["type"],
            "priority": "P2",
            "affected_service": "Payroll",
            "text": "The export stops at 80 %.",
            "steps": "",
        },
        files={"files": ("export.log", b"ERROR timeout\n", "text/plain")},
    )
    assert status == 302, page
    ticket_page = headers["Location"]
    reference = ticket_page.strip("/").split("/")[-1]
    sink.wait_for(2, timeout=WAIT)  # the confirmation and the support address's copy

    postgres_cluster.stop()

    # Pages answer the branded 503 with Retry-After, not the generic 500.
    status, headers, page = browser.get(ticket_page)
    assert status == 503
    assert "We are back in a moment" in page and "try again in a moment" in page
    assert int(headers["Retry-After"]) > 0
    assert "Something went wrong" not in page
    # So does the help centre for a visitor (there the view itself meets the outage).
    status, headers, page = workers.Browser(web.port, HOST).get("/kb/")
    assert status == 503 and "We are back in a moment" in page and headers["Retry-After"]
    # A reply sent meanwhile is refused whole, and what was typed is shown back.
    typed = "Also the March run is missing."
    status, _, page = browser.post(f"/tickets/{reference}/reply/", {"reply-body": typed})
    assert status == 503
    assert "may not have been saved" in page and typed in page
    # So does the API: JSON with Retry-After, for a token that cannot even be looked up.
    api = {"Authorization": f"Bearer {seeded['token']}", "Content-Type": "application/json"}
    api_reply = json.dumps({"body": "From the CRM during the outage."}).encode()
    status, headers, body = browser.request(
        "POST", f"/api/v1/tickets/{reference}/replies/", body=api_reply, headers=api
    )
    assert status == 503, body
    assert "database" in json.loads(body)["detail"] and int(headers["Retry-After"]) > 0
    # The probes: liveness stays up, readiness names the database.
    assert browser.get("/healthz")[0] == 200
    status, _, body = browser.get("/readyz")
    assert status == 503
    checks = json.loads(body)
    assert checks["database"]["status"] == "failed" and checks["database"]["reason"]
    assert checks["cache"] == {"status": "ok"} and checks["broker"] == {"status": "ok"}
    redrives_before = len(worker.results("helpdesk.tasks.outbox_redrive"))

    postgres_cluster.start()
    restarted_at = datetime.now(UTC)

    # Web: pages answer again, on the processes and connections that saw the outage.
    wait_until(lambda: browser.get(ticket_page)[0] == 200, "the ticket page to answer again")
    assert browser.get("/readyz")[0] == 200
    saved = "SELECT count(*) FROM tickets_message WHERE body = %s"
    assert count_rows(database_url, saved, typed) == 0
    assert count_rows(database_url, saved, "From the CRM during the outage.") == 0
    # Worker: an email queued after the restart is delivered.
    status, _, page = browser.post(
        f"/tickets/{reference}/reply/", {"reply-body": "Sent again after the outage."}
    )
    assert status == 302, page
    [after] = wait_until(
        lambda: [m for m in sink.messages if m.received_at > restarted_at],
        "the reply's email, queued after the restart",
    )
    assert reference in after.subject
    # Beat: the every-few-seconds re-drive runs again on the worker.
    worker.wait_until(
        lambda: len(worker.results("helpdesk.tasks.outbox_redrive")) > redrives_before,
        "a re-drive sent by beat to succeed after the restart",
    )
    # The API answers again on the same processes.
    status, _, body = browser.request(
        "POST", f"/api/v1/tickets/{reference}/replies/", body=api_reply, headers=api
    )
    assert status == 201, body
