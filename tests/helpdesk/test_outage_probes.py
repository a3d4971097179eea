"""The deployment's probes in production mode: /healthz (liveness) and /readyz (readiness)
answer over plain HTTP on any host, while every other page is sent to HTTPS."""

import json
import subprocess
import sys
from pathlib import Path

from tests.workers import clean_environment

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json
import django
django.setup()
from django.test import Client
pod = Client(HTTP_HOST="10.1.2.3")  # a pod address: no tenant, not in ALLOWED_HOSTS
site = Client(HTTP_HOST="helpdesk.example.com")
answers = {}
for client, path in ((pod, "/healthz"), (pod, "/readyz"), (site, "/")):
    response = client.get(path)
    answers[path] = {
        "status": response.status_code,
        "location": response.get("Location"),
        "body": response.content.decode(),
    }
print(json.dumps(answers))
"""


def test_probes_answer_over_http_on_any_host_in_production(tmp_path):
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="0",
        SECRET_KEY="probe-test-" + "k" * 50,
        ALLOWED_HOSTS="helpdesk.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        HELPDESK_VAR_DIR=str(tmp_path / "var"),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["/healthz"]["status"] == 200
    assert answers["/healthz"]["body"] == "ok"
    assert answers["/readyz"]["status"] == 200, answers["/readyz"]
    assert json.loads(answers["/readyz"]["body"]) == {
        "status": "ok",
        "database": {"status": "ok"},
        "cache": {"status": "ok"},
        "broker": {"status": "ok"},
    }
    # Everything else still goes to HTTPS first.
    assert answers["/"]["status"] == 301
    assert answers["/"]["location"].startswith("https://")
