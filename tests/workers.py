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

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.db import connection

from helpdesk.celery import app as celery_app
from tests.smtp_sink import SmtpSink, free_port

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


def clean_environment(**settings: str) -> dict:
    """This process's environment without the settings of the services it uses (Celery
    reads CELERY_BROKER_URL from the environment over any setting), plus ``settings``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(settings)
    return env


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

    def __init__(
        self,
        *,
        settings,
        sink: SmtpSink,
        tmp_path: Path,
        broker_url: str | None = None,
        database_url: str | None = None,
    ):
        self.settings = settings
        self.sink = sink
        self.tmp_path = tmp_path
        # Outage tests hand in a private Redis and PostgreSQL they can stop.
        self.broker_url = broker_url or broker_url_for(settings.REDIS_URL)
        self.database_url = database_url
        self.processes: list[CeleryProcess] = []
        self._saved_conf = None
        # Settings for the processes started from now on, e.g. {"SITE_PORT": "8000"}.
        self.env: dict[str, str] = {}

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
        env = clean_environment()
        env.update(
            DJANGO_SETTINGS_MODULE="helpdesk.settings",
            DEBUG="1",
            DATABASE_URL=self.database_url or worker_database_url(),
            REDIS_URL=self.broker_url,
            EMAIL_URL=self.sink.url,
            EMAIL_TIMEOUT="5",
            HELPDESK_VAR_DIR=str(var_dir),
            PYTHONUNBUFFERED="1",
            # The "received", "succeeded" and "beat: Starting..." lines these helpers read.
            TASK_LOG_LEVEL="INFO",
        )
        env.update(self.env)
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
def private_redis(tmp_path):
    """A private Redis, up, that the test may stop, hang and start again."""
    if shutil.which("redis-server") is None:
        from tests.conftest import service_missing

        service_missing("needs redis-server to start a private Redis")
    server = RedisServer(tmp_path / "redis").start()
    yield server
    if server.process is not None:
        server.resume()  # in case the test left it hanging
    server.stop()


@pytest.fixture
def worker(celery_processes):
    """One worker consuming every queue, ready."""
    return celery_processes.start_worker()


def terminate(process: subprocess.Popen | None, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def read_log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


class RedisServer:
    """A private ``redis-server`` on a free port, for tests that take Redis away (never the
    machine's shared one). Nothing is persisted: a restart starts empty, like a new node."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / "redis.log").open("ab") as log_file:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers():
            try:
                return client.ping()
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None:
                    raise AssertionError(f"redis-server exited: {self.log()}") from None
                return False

        wait_until(answers, f"redis-server on port {self.port}", timeout=30)
        return self

    def stop(self) -> None:
        terminate(self.process)
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: connections open but nothing answers (a hung node); data is kept."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def log(self) -> str:
        return read_log(self.directory / "redis.log")


class PostgresCluster:
    """A private PostgreSQL cluster (initdb into a temporary directory, run as the postgres
    user) on a free port, for tests that take the database away; the machine's shared server
    is never touched."""

    # The newest server installed (Debian keeps each major version in its own folder).
    BIN = max(
        Path("/usr/lib/postgresql").glob("*/bin"),
        default=Path("/nonexistent"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )

    def __init__(self):
        # Not under pytest's tmp_path: the postgres user must be able to enter it.
        self.directory = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
        shutil.chown(self.directory, "postgres", "postgres")
        self.data = self.directory / "data"
        self.port = free_port()

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _as_postgres(self, *command: str, timeout: float = WAIT) -> str:
        result = subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(f"{command[0]} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def init(self) -> PostgresCluster:
        self._as_postgres(
            str(self.BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._as_postgres(
            str(self.BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"),
            "-o", options, "-w", "-t", str(WAIT), "start",
        )  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown: sessions are cut off as in a crash or failover."""
        self._as_postgres(
            str(self.BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
            "-t", str(WAIT), "stop",
        )  # fmt: skip

    @property
    def running(self) -> bool:
        status = subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.BIN / "pg_ctl"), "-D", str(self.data),
             "status"],
            capture_output=True,
        )  # fmt: skip
        return status.returncode == 0

    def create_database(self, name: str) -> str:
        self._as_postgres(
            str(self.BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
            "postgres", name,
        )  # fmt: skip
        return self.url(name)

    def log(self) -> str:
        return read_log(self.directory / "log")

    def remove(self) -> None:
        if self.running:
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class WebServer:
    """gunicorn serving the app in production mode (DEBUG off) as its own process."""

    def __init__(self, *, directory: Path, environment: dict):
        self.directory = directory
        self.port = free_port()
        self.environment = environment
        self.process: subprocess.Popen | None = None

    def start(self, workers: int = 2) -> WebServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / "gunicorn.log").open("ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "helpdesk.wsgi:application"]
                + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
                + ["--timeout", "60", "--access-logfile", "-"],
                cwd=Path(__file__).resolve().parent.parent,
                env=self.environment,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, "gunicorn to answer /healthz")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.log()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": "localhost"})
            return connection.getresponse().status == 200
        except OSError:
            return False

    def stop(self) -> None:
        terminate(self.process, timeout=30)

    def log(self) -> str:
        return read_log(self.directory / "gunicorn.log")


class Browser:
    """A minimal HTTP client for a :class:`WebServer`: keeps cookies (ignoring the Secure
    flag of production cookies, as the proxy in front would carry them) and the CSRF token."""

    def __init__(self, port: int, host: str):
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes = b"", headers=None):
        """``(status, headers, text)``; redirects are not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        sent = {"Host": self.host, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        text = response.read().decode(errors="replace")
        connection.close()
        return response.status, response.headers, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields: dict, files: dict | None = None):
        """A multipart form post with the CSRF token, like a browser's."""
        boundary = uuid.uuid4().hex
        parts = []
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": f"http://{self.host}{path}",
            },
        )
