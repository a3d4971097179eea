"""The container deployment: the image, the compose stack and the production settings.

Docker itself is not needed: the compose file and Dockerfile are read as an operator's
`docker compose up` would use them, and the commands they run are run here directly.
"""

import ast
import http.client
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery.bin.celery import celery as celery_cli
from django.core.management import get_commands, load_command_class
from gunicorn.config import Config as GunicornConfig

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_FILES = sorted((ROOT / "helpdesk" / "settings").glob("*.py"))

REQUIRED_SERVICES = ("web", "worker", "beat", "postgres", "redis", "minio")

# What an operator exports before `docker compose up`.
OPERATOR_VARIABLES = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "POSTGRES_PASSWORD": secrets.token_hex(24),
    "MINIO_ROOT_PASSWORD": secrets.token_hex(24),
}


# --- reading the files ------------------------------------------------------------------


def _is_env_object(node: ast.expr) -> bool:
    """`env` or `environ.Env()`: the two ways the settings read the environment."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Attribute) and func.attr == "Env") or (
            isinstance(func, ast.Name) and func.id == "Env"
        )
    return False


def settings_env_names() -> set[str]:
    names = set()
    nodes = (node for path in SETTINGS_FILES for node in ast.walk(ast.parse(path.read_text())))
    for node in nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _is_env_object(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


SETTINGS_ENV_NAMES = settings_env_names()


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def app_services() -> dict[str, dict]:
    """The services that run this repository's code (built from it)."""
    return {name: svc for name, svc in services().items() if "build" in svc}


def environment(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: None if value is None else str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


_COMPOSE_VARIABLE = re.compile(
    r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})"
)


class MissingVariable(Exception):
    pass


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$$` substitution."""

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op") or "", match.group("arg")
        current = variables.get(name)
        unset = not current if op.startswith(":") else current is None
        if not unset:
            return current
        if op.endswith("-"):
            return arg
        if op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        return ""

    return _COMPOSE_VARIABLE.sub(substitute, value)


def resolved_environment(service: dict, variables: dict[str, str]) -> dict[str, str]:
    return {
        key: interpolate(value, variables)
        for key, value in environment(service).items()
        if value is not None
    }


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    instructions, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    return instructions


def dockerfile_values(keyword: str) -> list[str]:
    return [rest for kw, rest in dockerfile_instructions() if kw == keyword]


def dockerfile_cmd() -> list[str]:
    (cmd,) = dockerfile_values("CMD")
    return json.loads(cmd) if cmd.startswith("[") else shlex.split(cmd)


def dockerfile_env() -> dict[str, str]:
    env = {}
    for rest in dockerfile_values("ENV"):
        for item in shlex.split(rest):
            key, _, value = item.partition("=")
            env[key] = value
    return env


def workdir() -> str:
    return dockerfile_values("WORKDIR")[-1]


def command(service: dict) -> list[str]:
    cmd = service.get("command")
    if cmd is None:
        return dockerfile_cmd()
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


# --- what a command points at --------------------------------------------------------------


def module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def defines(path: Path, name: str) -> bool:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return True
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return True
    return False


def repo_path(token: str) -> Path | None:
    """The repository file a path inside the image stands for, if the token is one."""
    prefix = workdir().rstrip("/") + "/"
    if token.startswith(prefix):
        return ROOT / token[len(prefix) :]
    if token.startswith("./") or token.endswith((".py", ".sh")):
        return ROOT / token
    return None


def gunicorn_problems(args: list[str]) -> list[str]:
    try:
        parsed = GunicornConfig().parser().parse_args(args)
    except SystemExit:
        return [f"gunicorn rejects its arguments: {args}"]
    problems = []
    for target in parsed.args:
        module, _, attr = target.partition(":")
        path = module_file(module)
        if path is None:
            problems.append(f"gunicorn serves {target}, but there is no module {module}")
        elif not defines(path, attr or "application"):
            problems.append(f"gunicorn serves {target}, but {path.name} has no {attr}")
    if not parsed.args:
        problems.append("gunicorn is given no application to serve")
    return problems


def celery_problems(args: list[str]) -> list[str]:
    top_options = {opt for param in celery_cli.params for opt in param.opts}
    app, subcommand, rest, i = None, None, [], 0
    while i < len(args):
        token = args[i]
        name, _, inline = token.partition("=")
        if name in ("-A", "--app"):
            app = inline or args[i + 1]
            i += 1 if inline else 2
        elif name in top_options:
            i += 1
        else:
            subcommand, rest = token, args[i + 1 :]
            break
    problems = []
    if app is None:
        problems.append("celery is not told which app to load (-A)")
    else:
        module, _, attr = app.partition(":")
        # `-A helpdesk` loads helpdesk.celery's `app` when the package itself has none.
        places = [(module_file(module), attr or "app"), (module_file(f"{module}.celery"), "app")]
        if not any(path and defines(path, name) for path, name in places):
            problems.append(f"celery -A {app}: no Celery app found in the repository")
    if subcommand not in celery_cli.commands:
        return [*problems, f"celery has no subcommand {subcommand!r}"]
    sub = celery_cli.commands[subcommand]
    known = {opt for param in sub.params for opt in param.opts + param.secondary_opts}
    problems += [
        f"celery {subcommand} has no option {token}"
        for token in rest
        if token.startswith("-") and token.partition("=")[0] not in known
    ]
    return problems


def manage_py_problems(args: list[str]) -> list[str]:
    if not (ROOT / "manage.py").is_file():
        return ["manage.py is missing"]
    name, options = args[0], args[1:]
    app = get_commands().get(name)
    if app is None:
        return [f"manage.py has no command {name!r}"]
    parser = load_command_class(app, name).create_parser("manage.py", name)
    try:
        parser.parse_args(options)
    except SystemExit:
        return [f"manage.py {name} rejects {options}"]
    return []


def command_problems(argv: list[str]) -> list[str]:
    """Why this command would fail to start in the image, or [] if nothing points nowhere."""
    problems = [
        f"{token} does not exist in the repository"
        for token in argv
        if (path := repo_path(token)) is not None and not path.exists()
    ]
    program, args = Path(argv[0]).name, argv[1:]
    as_module = program.startswith("python") and args[:1] == ["-m"]
    if as_module:
        program, args = args[1], args[2:]
    if program == "gunicorn":
        return problems + gunicorn_problems(args)
    if program == "celery":
        return problems + celery_problems(args)
    if program.startswith("python") and args[:1] == ["manage.py"]:
        return problems + manage_py_problems(args[1:])
    if as_module:
        if module_file(program) is None:
            problems.append(f"python -m {program}: no such module in the repository")
    elif repo_path(argv[0]) is None:
        problems.append(f"unrecognised entry point {argv[0]!r}")
    return problems


def runs_beat(argv: list[str]) -> bool:
    if Path(argv[0]).name != "celery":
        return False
    return "beat" in argv or ("worker" in argv and bool({"-B", "--beat"} & set(argv)))


# --- subprocess helpers -------------------------------------------------------------------


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """This shell's environment without anything the settings or Django read, then `overrides`.

    Other tests leave Django variables behind (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE,
    which `check --deploy` rightly rejects), and a production process would not have them.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SETTINGS_ENV_NAMES and not key.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"
    env["HELPDESK_VAR_DIR"] = str(tmp_path / "var")
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stop(server: subprocess.Popen) -> str:
    """Stop a server started by a test and return what it logged."""
    server.terminate()
    try:
        log, _ = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        log, _ = server.communicate()
    return log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the compose stack ----------------------------------------------------------------------


def test_every_required_service_is_defined():
    missing = [name for name in REQUIRED_SERVICES if name not in services()]
    assert not missing, f"docker-compose.yml lacks services: {missing}"


def test_the_app_services_share_one_image_built_from_the_repository():
    apps = app_services()
    assert {"web", "worker", "beat"} <= set(apps)
    for name, svc in apps.items():
        build = svc["build"]
        build = {"context": build} if isinstance(build, str) else build
        context = (ROOT / build.get("context", ".")).resolve()
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert context.is_dir(), f"{name}: build context {context} does not exist"
        assert dockerfile.is_file(), f"{name}: {dockerfile} does not exist"
    assert len({svc.get("image") for svc in apps.values()}) == 1


@pytest.mark.parametrize("name", sorted(app_services()))
def test_app_service_command_points_at_code_in_the_repository(name):
    argv = command(services()[name])
    assert command_problems(argv) == []


def test_web_runs_gunicorn_on_the_wsgi_app():
    argv = command(services()["web"])
    assert Path(argv[0]).name == "gunicorn"
    assert "helpdesk.wsgi:application" in argv


def test_worker_and_beat_run_celery_for_the_helpdesk_app():
    worker, beat = command(services()["worker"]), command(services()["beat"])
    assert worker[:3] == ["celery", "-A", "helpdesk"] and "worker" in worker
    assert beat[:3] == ["celery", "-A", "helpdesk"] and "beat" in beat


def _queues_consumed(argv: list[str]) -> set[str]:
    for arg in argv:
        if arg.startswith("--queues="):
            return set(arg.removeprefix("--queues=").split(","))
    return set()


def test_the_workers_of_compose_and_of_make_run_consume_every_queue(settings):
    """A queue no worker consumes is work that never happens: webhooks never delivered,
    emails never sent."""
    queues = set(settings.CELERY_TASK_QUEUES)
    assert {"celery", "mail", "webhooks"} <= queues
    assert _queues_consumed(command(services()["worker"])) == queues
    procfile = dict(
        line.split(":", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if line
    )
    assert _queues_consumed(shlex.split(procfile["worker"])) == queues


def test_exactly_one_process_schedules_periodic_tasks():
    schedulers = [name for name, svc in app_services().items() if runs_beat(command(svc))]
    assert schedulers == ["beat"], "periodic tasks would be enqueued more or less than once"


@pytest.mark.parametrize("name", sorted(app_services()))
def test_app_service_environment_is_read_by_the_settings(name):
    unread = sorted(set(environment(services()[name])) - SETTINGS_ENV_NAMES)
    assert not unread, f"{name} sets variables helpdesk/settings/ never read: {unread}"


def test_app_environment_is_production():
    env = resolved_environment(services()["web"], OPERATOR_VARIABLES)
    assert env["DEBUG"] == "0"
    assert env["SECRET_KEY"] == OPERATOR_VARIABLES["SECRET_KEY"]
    assert env["SITE_SCHEME"] == "https"
    for key in (
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_S3_REGION_NAME",
        "SECURE_SSL_REDIRECT",
    ):
        assert env.get(key), f"web does not set {key}"


@pytest.mark.parametrize("secret", sorted(OPERATOR_VARIABLES))
def test_stack_refuses_to_start_without_each_secret(secret):
    variables = {k: v for k, v in OPERATOR_VARIABLES.items() if k != secret}
    with pytest.raises(MissingVariable, match=secret):
        for svc in services().values():
            resolved_environment(svc, variables)


def test_database_url_matches_the_postgres_service():
    url = urlsplit(resolved_environment(services()["web"], OPERATOR_VARIABLES)["DATABASE_URL"])
    postgres = resolved_environment(services()["postgres"], OPERATOR_VARIABLES)
    assert url.scheme in ("postgres", "postgresql")
    assert url.hostname == "postgres"
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == postgres["POSTGRES_DB"]


def test_redis_and_object_store_urls_name_services_of_the_stack():
    env = resolved_environment(services()["web"], OPERATOR_VARIABLES)
    assert urlsplit(env["REDIS_URL"]).hostname in services()
    assert urlsplit(env["AWS_S3_ENDPOINT_URL"]).hostname == "minio"


def test_app_signs_in_to_minio_and_uses_the_bucket_createbucket_makes():
    app = resolved_environment(services()["web"], OPERATOR_VARIABLES)
    minio = resolved_environment(services()["minio"], OPERATOR_VARIABLES)
    assert (app["AWS_ACCESS_KEY_ID"], app["AWS_SECRET_ACCESS_KEY"]) == (
        minio["MINIO_ROOT_USER"],
        minio["MINIO_ROOT_PASSWORD"],
    )
    createbucket = services()["createbucket"]
    assert createbucket["image"].startswith("minio/mc")
    shell_env = resolved_environment(createbucket, OPERATOR_VARIABLES)
    script = interpolate(" ".join(command(createbucket)), OPERATOR_VARIABLES)
    script = re.sub(r"\$(\w+)", lambda m: shell_env.get(m.group(1), m.group(0)), script)
    bucket = re.escape(app["AWS_STORAGE_BUCKET_NAME"])
    assert re.search(rf"mc mb [^&;]*/{bucket}\b", script), script
    assert depends_on(createbucket) == {"minio": "service_healthy"}


def test_web_waits_for_database_cache_and_migrations():
    deps = depends_on(services()["web"])
    assert deps.get("postgres") == "service_healthy"
    assert deps.get("redis") == "service_healthy"
    migrators = [
        name
        for name, svc in app_services().items()
        if command(svc)[:3] == ["python", "manage.py", "migrate"]
    ]
    assert migrators, "nothing runs `manage.py migrate` before the web starts"
    assert any(deps.get(name) == "service_completed_successfully" for name in migrators)
    assert all(services()[name].get("restart", "no") == "no" for name in migrators)


def test_workers_wait_for_migrations():
    for name in ("worker", "beat"):
        assert "service_completed_successfully" in depends_on(services()[name]).values()


@pytest.mark.parametrize("name", ["web", "postgres", "redis", "minio"])
def test_long_running_services_have_healthchecks(name):
    assert services()[name].get("healthcheck", {}).get("test")


@pytest.mark.parametrize("name", ["postgres", "minio"])
def test_stored_data_lives_in_named_volumes(name):
    declared = set(compose().get("volumes") or {})
    mounts = [str(v).split(":", 1)[0] for v in services()[name].get("volumes", [])]
    assert any(mount in declared for mount in mounts), f"{name} data would die with the container"


def test_web_healthcheck_calls_healthz_on_the_exposed_port():
    test = " ".join(services()["web"]["healthcheck"]["test"])
    url = urlsplit(re.search(r"http://[^'\"\s]+", test).group(0))
    assert url.path == "/healthz"
    assert url.port == 8000
    assert "8000" in dockerfile_values("EXPOSE")


# --- the image --------------------------------------------------------------------------------


def test_dockerfile_cmd_serves_the_wsgi_app_with_gunicorn():
    cmd = dockerfile_cmd()
    assert cmd[0] == "gunicorn"
    assert "helpdesk.wsgi:application" in cmd
    assert command_problems(cmd) == []
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
    assert cmd[cmd.index("--access-logfile") + 1] == "-"


def test_image_installs_the_project_without_dev_tools():
    (base,) = dockerfile_values("FROM")
    assert base.startswith("python:3.11-slim")
    installs = [run for run in dockerfile_values("RUN") if "pip install" in run]
    assert installs
    for run in installs:
        assert " -e " not in f" {run} " and "--editable" not in run
        assert "[dev]" not in run


def test_image_collects_static_files_at_build_time_without_keeping_the_key():
    collect = [run for run in dockerfile_values("RUN") if "collectstatic" in run]
    assert collect and "DEBUG=0" in collect[0] and "SECRET_KEY=" in collect[0]
    assert "SECRET_KEY" not in dockerfile_env()
    assert dockerfile_env().get("HELPDESK_VAR_DIR", "").startswith(workdir())


def test_image_runs_as_an_unprivileged_user():
    users = dockerfile_values("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_worker_in_the_image_finds_the_templates_next_to_the_code():
    # Celery does not put the working directory on sys.path, and templates/ and static/ are
    # not installed by `pip install .`, so the image must run the code from its source tree.
    assert dockerfile_env().get("PYTHONPATH") == workdir()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "templates" not in ignored and "static" not in ignored


def test_local_state_and_secrets_stay_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "var"} <= ignored


# --- the production settings, in a fresh process ----------------------------------------------


@pytest.mark.parametrize("source", ["operator", "compose"])
def test_check_deploy_is_clean(tmp_path, source):
    if source == "operator":
        overrides = {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "helpdesk.example.com",
        }
    else:
        overrides = resolved_environment(services()["web"], OPERATOR_VARIABLES)
    env = clean_env(tmp_path, **overrides)
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "warning" not in output.lower(), output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = clean_env(tmp_path, DEBUG="0", ALLOWED_HOSTS="helpdesk.example.com")
    result = manage(env, "check")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "SECRET_KEY must be set" in last_line, result.stderr


def test_container_healthcheck_passes_against_the_image_command(tmp_path):
    port = free_port()
    cmd = dockerfile_cmd()
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = resolved_environment(services()["web"], OPERATOR_VARIABLES)
    # Postgres and Redis are not running here: the app's own handling of the probe is the point.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.pop("REDIS_URL")
    server = subprocess.Popen(
        [sys.executable, "-m", *cmd],
        cwd=ROOT,
        env=clean_env(tmp_path, WEB_CONCURRENCY="1", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    probe = [
        sys.executable if part == "python" else part.replace(":8000/", f":{port}/")
        for part in services()["web"]["healthcheck"]["test"][1:]
    ]
    try:
        deadline = time.monotonic() + 30
        while True:
            check = subprocess.run(probe, capture_output=True, text=True, timeout=15)
            if check.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.5)
        assert check.returncode == 0, check.stderr

        # Everything but the probe is sent to https, as the proxy in front expects.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/", headers={"Host": "localhost"})
        response = conn.getresponse()
        assert response.status == 301
        assert response.getheader("Location") == "https://localhost/"
        conn.close()
    finally:
        log = stop(server)
    assert "GET /healthz" in log, log


# --- every request is bounded ----------------------------------------------------------------

STUCK_APP = """
def application(environ, start_response):
    if environ["PATH_INFO"] == "/stuck":
        while True:  # a request that never finishes, as a runaway render or loop would
            pass
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"fine"]
"""


def test_the_image_command_kills_a_worker_stuck_on_one_request():
    parsed = GunicornConfig().parser().parse_args(dockerfile_cmd()[1:])
    # gthread keeps beating its heartbeat while a request thread is stuck, so only
    # single-threaded sync workers let --timeout bound a request.
    assert parsed.worker_class == "sync"
    assert parsed.threads in (None, 1)
    assert 0 < parsed.timeout <= 60
    assert 0 < parsed.graceful_timeout <= parsed.timeout


def test_a_stuck_request_is_ended_and_the_server_keeps_serving(tmp_path):
    (tmp_path / "stuck_app.py").write_text(STUCK_APP)
    port = free_port()
    cmd = dockerfile_cmd()
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    cmd[cmd.index("helpdesk.wsgi:application")] = "stuck_app:application"
    cmd[cmd.index("--timeout") + 1] = "2"  # the image's own flags, with a short timeout
    server = subprocess.Popen(
        [sys.executable, "-m", *cmd, "--pythonpath", str(tmp_path)],
        cwd=tmp_path,
        env=clean_env(tmp_path, WEB_CONCURRENCY="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def get(path: str):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        except (ConnectionError, http.client.HTTPException):
            return None, b""
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 30
        while get("/")[0] != 200:
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        # The stuck request ends (the worker is killed) instead of holding it forever...
        status, _ = get("/stuck")
        assert status != 200
        # ...and a fresh worker serves the next person.
        assert get("/") == (200, b"fine")
    finally:
        log = stop(server)
    assert "WORKER TIMEOUT" in log, log


def test_the_web_service_database_cancels_queries_before_the_worker_timeout(
    tmp_path, require_postgres
):
    web = resolved_environment(services()["web"], OPERATOR_VARIABLES)
    limit_ms = int(web["DATABASE_STATEMENT_TIMEOUT_MS"])
    parsed = GunicornConfig().parser().parse_args(dockerfile_cmd()[1:])
    assert 0 < limit_ms < parsed.timeout * 1000
    for name in ("worker", "beat", "migrate"):
        assert "DATABASE_STATEMENT_TIMEOUT_MS" not in environment(services()[name])
    # The web process's connections to this machine's PostgreSQL carry the limit.
    database = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    env = clean_env(tmp_path, **{**web, "DATABASE_URL": database, "SECURE_SSL_REDIRECT": "0"})
    env.pop("REDIS_URL")
    result = manage(
        env,
        "shell",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout')\n"
        "    print(cursor.fetchone()[0])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{limit_ms // 1000}s"
