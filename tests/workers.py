"""Real Celery processes for integration tests: workers and beat on a Redis broker, reading
the test database and sending to an SMTP sink.

    from tests import workers

    celery_processes, sink = workers.celery_processes, workers.sink  # the fixtures

    def test_something(celery_processes, sink):
        sink.start()
        worker = celery_processes.start_worker()            # every queue
        mail = celery_processes.start_worker("mail", queues="mail")
        beat = celery_processes.start_beat()

Until the first process starts, this process runs tasks in place (the test settings' eager
mode), so data seeded before then has had its own emails sent already; from then on it
publishes to the broker. The processes read the test database, so tests commit for real
(``transactional_db``). Every wait is bounded; each process's output is printed at
teardown, which pytest shows when the test failed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

from helpdesk.celery import app as celery_app
from tests.smtp_sink import SmtpSink

WAIT = 60  # seconds; generous for a loaded CI machine, still bounded


def broker_url_for(redis_url: str) -> str:
    # REDIS_URL's database also holds the cache, and every test starts with cache.clear(),
    # which flushes that whole database - queued tasks included, in this run or in another
    # developer's running at the same time. The broker gets the neighbouring database.
    parts = urlsplit(redis_url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db - 1 if db > 0 else db + 1}"))


def worker_database_url() -> str:
    db = connection.settings_dict
    auth = ""
    if db["USER"]:
        auth = quote(db["USER"], safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        auth += "@"
    host = db["HOST"] or "localhost"
    port = db["PORT"] or 5432
    return f"postgres://{auth}{host}:{port}/{quote(db['NAME'], safe='')}"


def forget_broker_connections() -> None:
    # Celery binds its producer pool to the broker URL of the first publish (eager runs
    # publish too) and has no public way to repoint it; after a fork it does this itself.
    celery_app._after_fork()


def empty_broker(url: str) -> None:
    """Drop tasks left by other runs, so only this test's tasks reach the workers."""
    celery_app.control.purge()
    # A killed worker's unacknowledged tasks wait here and are restored to the queue later.
    redis.Redis.from_url(url).delete("unacked", "unacked_index", "unacked_mutex")


def wait_until(condition, what: str, timeout: float = WAIT, interval: float = 0.2):
    """``condition()``'s first truthy result; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(interval)


class CeleryProcess:
    """One `celery worker` or `celery beat` process and its output."""

    def __init__(self, name: str, process: subprocess.Popen, log_path: Path):
        self.name = name
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def wait_until(self, condition, what: str, timeout: float = WAIT, interval: float = 0.2):
        """Like :func:`wait_until`, failing at once if this process exits meanwhile."""

        def check():
            result = condition()
            if not result and not self.running:
                raise AssertionError(
                    f"{self.name} exited ({self.process.returncode}) before {what}"
                )
            return result

        return wait_until(check, what, timeout, interval)

    def results(self, task: str) -> list[str]:
        """The logged return values of ``task``'s successful runs here, in order."""
        pattern = rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded in [0-9.]+s: (.*)"
        return re.findall(pattern, self.log())

    def received(self, task: str) -> int:
        return len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] received", self.log()))

    def stop(self) -> None:
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no rollback sent by the worker."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)


class CeleryProcesses:
    """Starts workers and beat for one test and stops them all at its end."""

    def __init__(self, *, settings, sink: SmtpSink, tmp_path: Path):
        self.settings = settings
        self.sink = sink
        self.tmp_path = tmp_path
        self.broker_url = broker_url_for(settings.REDIS_URL)
        self.processes: list[CeleryProcess] = []
        self._saved_conf = None

    def start_worker(
        self, name: str = "worker", *, queues: str | None = None, threads: int = 0
    ) -> CeleryProcess:
        """A worker consuming ``queues`` (as for ``-Q``; every queue when None). It runs one
        task at a time in its own process, so a kill stops that task mid-way, unless given
        ``threads`` to run that many at once. Returns once ready."""
        name = self._unique(name)
        command = [
            "worker",
            f"--hostname={name}@%h",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
        command += ["--pool=threads", f"--concurrency={threads}"] if threads else ["--pool=solo"]
        if queues:
            command.append(f"--queues={queues}")
        worker = self._start(name, command)
        worker.wait_until(lambda: re.search(r"\bready\.", worker.log()), f"{name} to be ready")
        return worker

    def start_beat(self, name: str = "beat") -> CeleryProcess:
        """Beat with the project's schedule and a schedule file of its own. Returns once it
        runs; like any fresh beat, it sends each entry one interval after starting."""
        name = self._unique(name)
        command = ["beat", "--loglevel=INFO", f"--schedule={self.tmp_path / name / 'schedule'}"]
        beat = self._start(name, command)
        beat.wait_until(lambda: "beat: Starting..." in beat.log(), f"{name} to start")
        return beat

    def stop_all(self) -> None:
        for process in self.processes:
            process.stop()
            # Shown by pytest only when the test failed.
            print(f"----- {process.name} output (exit code {process.process.returncode}) -----")
            print(process.log())

    def publish_to_broker(self) -> None:
        """From now on this process publishes tasks instead of running them in place."""
        if self._saved_conf is not None:
            return
        self._saved_conf = celery_app.conf.broker_url, celery_app.conf.task_always_eager
        self.settings.CELERY_TASK_ALWAYS_EAGER = False
        self.settings.CELERY_BROKER_URL = self.broker_url
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = self.broker_url
        forget_broker_connections()
        assert celery_app.conf.broker_url == self.broker_url, "CELERY_BROKER_URL in the env?"
        empty_broker(self.broker_url)

    def restore_publishing(self) -> None:
        if self._saved_conf is None:
            return
        try:
            empty_broker(self.broker_url)
        finally:
            celery_app.conf.broker_url, celery_app.conf.task_always_eager = self._saved_conf
            forget_broker_connections()
            self._saved_conf = None

    def _environment(self, var_dir: Path) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            # Celery reads CELERY_BROKER_URL from the environment over any setting.
            if not key.startswith(("CELERY_", "DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="helpdesk.settings",
            DEBUG="1",
            DATABASE_URL=worker_database_url(),
            REDIS_URL=self.broker_url,
            EMAIL_URL=self.sink.url,
            EMAIL_TIMEOUT="5",
            HELPDESK_VAR_DIR=str(var_dir),
            PYTHONUNBUFFERED="1",
        )
        return env

    def _unique(self, name: str) -> str:
        taken = {process.name for process in self.processes}
        if name not in taken:
            return name
        return next(f"{name}-{n}" for n in range(2, len(taken) + 2) if f"{name}-{n}" not in taken)

    def _start(self, name: str, command: list[str]) -> CeleryProcess:
        self.publish_to_broker()
        var_dir = self.tmp_path / name
        var_dir.mkdir(parents=True, exist_ok=True)
        log_path = var_dir / "celery.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "helpdesk", *command],
                cwd=self.settings.BASE_DIR,
                env=self._environment(var_dir),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        started = CeleryProcess(name, process, log_path)
        self.processes.append(started)
        return started


@pytest.fixture
def sink():
    """The workers' SMTP server: down until a test calls ``sink.start()``."""
    sink = SmtpSink()
    yield sink
    sink.stop()


@pytest.fixture
def celery_processes(
    require_postgres, require_redis, transactional_db, settings, sink, tmp_path, request
):
    processes = CeleryProcesses(settings=settings, sink=sink, tmp_path=tmp_path)
    # Finalizers run last-in first-out: the processes stop before the broker is emptied.
    request.addfinalizer(processes.restore_publishing)
    request.addfinalizer(processes.stop_all)
    return processes


@pytest.fixture
def worker(celery_processes):
    """One worker consuming every queue, ready."""
    return celery_processes.start_worker()
