"""What a Redis outage costs a request: cache reads, rate-limit hits and handing an email to
the broker, with Redis up, stopped (connections refused) and hung (SIGSTOP: connections
open, nothing answers). Uses a private ``redis-server`` on a free port, never a shared one,
and the project's own cache and Celery settings. Prints median and worst milliseconds.

    .venv/bin/python bench/outage_bench.py [--runs 50]
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.workers import RedisServer  # noqa: E402


def timed(operation, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        # A failed publish costs what it costs; the outbox re-drive sends the email later.
        with contextlib.suppress(Exception):
            operation()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    server = RedisServer(Path(tempfile.mkdtemp(prefix="outage-bench-"))).start()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="1",
        REDIS_URL=server.url(0),
        LOG_LEVEL="ERROR",
        HELPDESK_VAR_DIR=tempfile.mkdtemp(prefix="outage-bench-var-"),
    )
    import django

    django.setup()
    from django.core.cache import cache

    from helpdesk.ratelimit import limit_exceeded
    from helpdesk.tasks import deliver_outbox_email

    operations = {
        "cache.get": lambda: cache.get("bench:key"),
        "rate-limit hit": lambda: limit_exceeded(
            scope="bench", key=1, limit=10**9, window_seconds=3600
        ),
        "email handed to the broker": lambda: deliver_outbox_email.apply_async((0,)),
    }
    # Publishing to a hung broker costs seconds each: fewer runs.
    runs = {"email handed to the broker": max(3, args.runs // 10)}
    states = {}
    try:
        for state in ("up", "stopped", "hung"):
            if state == "stopped":
                server.stop()
            elif state == "hung":
                server.start()
                cache.get("bench:key")  # the cache notices Redis is back
                time.sleep(float(os.environ.get("CACHE_RETRY_AFTER", 5)) + 0.5)
                cache.get("bench:key")
                server.pause()
            states[state] = {
                name: timed(operation, runs.get(name, args.runs))
                for name, operation in operations.items()
            }
    finally:
        if server.process is not None:
            server.resume()
        server.stop()

    print(f"Redis outage cost per call, ms (median / worst; {args.runs} runs, publishes fewer)")
    header = f"| {'operation':<28} |" + "".join(f" {'Redis ' + s:>17} |" for s in states)
    print(header)
    print("|" + "-" * 30 + "|" + "-------------------|" * len(states))
    for name in operations:
        cells = "".join(
            f" {statistics.median(states[s][name]):>7.1f} / {max(states[s][name]):>7.1f} |"
            for s in states
        )
        print(f"| {name:<28} |{cells}")


if __name__ == "__main__":
    main()
