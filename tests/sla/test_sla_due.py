"""``manage.py sla_due``: one JSON object from the tenant's seeded tables, exit 2 on bad input."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import seed_tenants
from sla.demo import seed_sla

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded():
    seed_tenants(base_url_format="http://{host}/")
    seed_sla()


def due(*args) -> dict:
    out = StringIO()
    call_command("sla_due", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_the_issue_example(seeded):
    # Premium P2: first response 4 bh → Mon 13:00 PST; resolution 10 bd (90 h) skips
    # Presidents' Day (Mon 16 Feb) → Tue 17 Feb 09:00 PST.
    assert due(
        "--tenant",
        "invoca",
        "--plan",
        "Premium",
        "--priority",
        "P2",
        "--opened",
        "2026-02-02T09:00:00-08:00",
    ) == {"first_response_due": "2026-02-02T21:00:00Z", "resolution_due": "2026-02-17T17:00:00Z"}


def test_pauses_push_resolution_only(seeded):
    # On hold Mon 10:00 → Tue 10:00 holds 9 business hours: Wed 18 Feb 09:00 PST.
    assert due(
        "--tenant",
        "invoca",
        "--plan",
        "premium",
        "--priority",
        "p2",
        "--opened",
        "2026-02-02T17:00:00Z",
        "--pause",
        "2026-02-02T10:00:00-08:00/2026-02-03T10:00:00-08:00",
    ) == {"first_response_due": "2026-02-02T21:00:00Z", "resolution_due": "2026-02-18T17:00:00Z"}


def test_open_pause_and_no_target(seeded):
    assert due(
        "--tenant",
        "invoca",
        "--plan",
        "Core",
        "--priority",
        "P1",
        "--opened",
        "2026-02-06T16:00:00-08:00",
        "--pause",
        "2026-02-06T16:30:00-08:00/",
    ) == {"first_response_due": "2026-02-09T23:00:00Z", "resolution_due": None}


def test_mission_critical_first_response_is_24_7(seeded):
    assert due(
        "--tenant",
        "invoca",
        "--plan",
        "Mission Critical",
        "--priority",
        "P1",
        "--opened",
        "2026-02-07T23:30:00-08:00",
    ) == {"first_response_due": "2026-02-08T08:30:00Z", "resolution_due": "2026-02-19T01:00:00Z"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["--tenant", "acme"], "Unknown tenant “acme”"),
        (["--plan", "Gold"], "Unknown plan “Gold” for invoca"),
        (["--priority", "P5"], "Unknown priority “P5”"),
        (["--opened", "next tuesday"], "is not an ISO 8601 time"),
        (["--opened", "2026-02-02T09:00:00"], "has no UTC offset"),
        (["--pause", "2026-02-02T10:00:00Z"], "must be START/END"),
        (["--pause", "2026-02-03T10:00:00Z/2026-02-02T10:00:00Z"], "ends before it starts"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(seeded, args, message):
    base = {
        "--tenant": "invoca",
        "--plan": "Premium",
        "--priority": "P2",
        "--opened": "2026-02-02T09:00:00-08:00",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in base.items() for part in pair]
    with pytest.raises(CommandError, match=message) as caught:
        call_command("sla_due", *flat, stdout=StringIO())
    assert caught.value.returncode == 2


@pytest.mark.parametrize(
    "opened,priority,message",
    [
        ("yesterday", "P2", "“yesterday” is not an ISO 8601 time"),
        ("2026-02-02T09:00:00-08:00", "urgent", "Unknown priority “urgent”"),
    ],
)
def test_exit_code_in_a_real_process(tmp_path, opened, priority, message):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings_test",
        "HELPDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    command = [sys.executable, "manage.py", "sla_due", "--tenant", "invoca", "--plan", "Premium"]
    bad = subprocess.run(
        [*command, "--priority", priority, "--opened", opened],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2, bad.stderr
    assert message in bad.stderr
    assert bad.stdout == ""
