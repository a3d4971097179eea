"""Settings for benchmarks: the test settings (fast hashing, plain static files) with a real
broker instead of eager tasks, so creating a ticket costs what it costs in production."""

import os

os.environ.setdefault(
    "HELPDESK_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "bench")
)

from helpdesk.settings_test import *  # noqa: E402,F403

CELERY_TASK_ALWAYS_EAGER = False
ALLOWED_HOSTS = ["*"]
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
