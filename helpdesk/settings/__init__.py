"""Settings for the help desk, read from the environment (12-factor).

Development needs nothing set: SQLite in var/, a filesystem Celery broker, emails to the
console. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, an
EMAIL_URL and the S3 settings; `manage.py check --deploy` is then clean.
"""

# In this order: background work and security read what base settles (DEBUG, REDIS_URL…).
from .base import *  # noqa: F403, I001
from .background import *  # noqa: F403
from .api import *  # noqa: F403
from .security import *  # noqa: F403
