"""`make run`'s processes (web, worker, beat under honcho) start without warnings and stop on
Ctrl-C by themselves: no ERROR lines, no SIGKILL, no make error."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTED = ("Starting development server", "celery@", "beat: Starting")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(path: Path, needles, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace")
        if all(needle in text for needle in needles):
            return text
        time.sleep(0.2)
    raise AssertionError(f"not all of {needles} within {timeout} s:\n{text}")


@pytest.mark.skipif(not (ROOT / ".venv/bin/python").exists(), reason="needs the checkout's venv")
def test_serve_starts_quietly_and_stops_cleanly_on_ctrl_c(tmp_path):
    log = tmp_path / "serve.log"
    # As `make run` has it: development settings, SQLite and the embedded filesystem broker
    # (here in a var/ of the test's own), no Redis.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CI")
    }
    env.update(HELPDESK_VAR_DIR=str(tmp_path / "var"), LOG_LEVEL="INFO", DEBUG="1")
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PORT={free_port()}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's foreground job
        )
    try:
        started = wait_for(log, ("ready.", *STARTED[:1]), timeout=90)
        assert "No hostname was supplied" not in started
        # Ctrl-C in a terminal: SIGINT to the whole foreground process group.
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = log.read_text(errors="replace")
    assert "SIGINT received" in output
    for line in output.splitlines():
        assert "ERROR" not in line, output
        assert "SIGKILL" not in line, output
        assert "make: ***" not in line, output
    for name in ("web", "worker", "beat"):
        assert f"{name}.1 stopped (rc=0)" in output, output
    # Celery's per-task lines ("Task … received", "succeeded") do not fill the terminal.
    assert not re.search(r"Task \S+\[[-0-9a-f]+\] (received|succeeded)", output)
