"""Background work: the email outbox's schedule and Celery (broker, queues, beat)."""

from .base import DEBUG, REDIS_URL, VAR_DIR, env

# Outbox delivery (helpdesk/services.py): transient SMTP failures are retried for
# EMAIL_RETRY_FOR seconds, with backoff from EMAIL_RETRY_BACKOFF doubling up to
# EMAIL_RETRY_BACKOFF_MAX; a queued delivery holds its row for EMAIL_CLAIM_SECONDS (more
# than the longest SMTP conversation) before the re-drive queues it again.
EMAIL_RETRY_FOR = env.int("EMAIL_RETRY_FOR", default=3 * 24 * 60 * 60)
EMAIL_RETRY_BACKOFF = env.float("EMAIL_RETRY_BACKOFF", default=30.0)
EMAIL_RETRY_BACKOFF_MAX = env.float("EMAIL_RETRY_BACKOFF_MAX", default=180.0)
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=600)
OUTBOX_REDRIVE_SECONDS = env.float("OUTBOX_REDRIVE_SECONDS", default=60.0)

# Webhook delivery (helpdesk/webhooks): one POST per attempt with WEBHOOK_TIMEOUT seconds per
# socket operation; failures are retried for WEBHOOK_RETRY_FOR seconds, with backoff from
# WEBHOOK_RETRY_BACKOFF doubling up to WEBHOOK_RETRY_BACKOFF_MAX; a queued delivery holds its
# row for WEBHOOK_CLAIM_SECONDS before the re-drive queues it again. Endpoints on private,
# loopback or link-local addresses (and plain http) are refused unless
# WEBHOOKS_ALLOW_PRIVATE, which development has on.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_RETRY_FOR = env.int("WEBHOOK_RETRY_FOR", default=24 * 60 * 60)
WEBHOOK_RETRY_BACKOFF = env.float("WEBHOOK_RETRY_BACKOFF", default=30.0)
WEBHOOK_RETRY_BACKOFF_MAX = env.float("WEBHOOK_RETRY_BACKOFF_MAX", default=60 * 60.0)
WEBHOOK_CLAIM_SECONDS = env.int("WEBHOOK_CLAIM_SECONDS", default=120)
WEBHOOK_REDRIVE_SECONDS = env.float("WEBHOOK_REDRIVE_SECONDS", default=60.0)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=DEBUG)

# Inbound email (tickets/intake): IMAP mailboxes are fetched every MAILBOX_FETCH_SECONDS;
# a stored message waits INBOUND_CLAIM_SECONDS for its processing task before the re-drive
# queues it again; a failed one is retried INBOUND_RETRIES times with backoff, then stays
# in the inbox for an admin. One automatic answer per sender and INBOUND_AUTO_REPLY_HOURS.
MAILBOX_FETCH_SECONDS = env.float("MAILBOX_FETCH_SECONDS", default=60.0)
MAILBOX_FETCH_BATCH = env.int("MAILBOX_FETCH_BATCH", default=200)
IMAP_TIMEOUT = env.float("IMAP_TIMEOUT", default=30.0)
INBOUND_CLAIM_SECONDS = env.int("INBOUND_CLAIM_SECONDS", default=300)
INBOUND_RETRIES = env.int("INBOUND_RETRIES", default=5)
INBOUND_AUTO_REPLY_HOURS = env.int("INBOUND_AUTO_REPLY_HOURS", default=24)
INBOUND_MAX_BYTES = env.int("INBOUND_MAX_BYTES", default=40 * 1024 * 1024)

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport in var/.
# The filesystem transport ignores the host; naming one keeps kombu from warning "No
# hostname was supplied" at every connection.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A dead broker must cost a request a moment, not the system's connect timeout: the
        # email is in the outbox already and beat re-drives it once the broker is back.
        "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=1.0),
        "socket_timeout": env.float("BROKER_TIMEOUT", default=2.0),
    }
# One immediate retry on a fresh connection (a pooled one dies with a Redis restart); past
# that the outbox re-drive takes over, so a hung broker costs a request at most two timeouts.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Emails and webhook deliveries have queues of their own, so a long escalation batch never
# holds them back and a slow webhook receiver never holds back the checks and the emails (a
# worker can be given to each). A worker started without -Q consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "mail": {}, "webhooks": {}}
CELERY_TASK_ROUTES = {
    "helpdesk.tasks.deliver_outbox_email": {"queue": "mail"},
    "helpdesk.tasks.deliver_webhook": {"queue": "webhooks"},
}
CELERY_BEAT_SCHEDULE = {
    "check-escalations": {
        "task": "escalation.tasks.check_escalations",
        "schedule": 60.0,
    },
    "record-sla-breaches": {
        "task": "tickets.tasks.record_sla_breaches",
        "schedule": 60.0,
    },
    "run-maintenance-windows": {
        "task": "tickets.tasks.run_maintenance_windows",
        "schedule": 60.0,
    },
    "compact-open-ticket-counts": {
        "task": "tickets.tasks.compact_open_ticket_counts",
        "schedule": 60.0,
    },
    "redrive-incident-notifications": {
        "task": "tickets.tasks.redrive_incident_notifications",
        "schedule": 60.0,
    },
    "fetch-mailboxes": {
        "task": "tickets.tasks.fetch_mailboxes",
        "schedule": MAILBOX_FETCH_SECONDS,
    },
    "redrive-inbound-email": {
        "task": "tickets.tasks.inbound_redrive",
        "schedule": OUTBOX_REDRIVE_SECONDS,
    },
    "redrive-outbox": {
        "task": "helpdesk.tasks.outbox_redrive",
        "schedule": OUTBOX_REDRIVE_SECONDS,
    },
    "redrive-webhooks": {
        "task": "helpdesk.tasks.webhook_redrive",
        "schedule": WEBHOOK_REDRIVE_SECONDS,
    },
    "announce-sla-at-risk": {
        "task": "tickets.tasks.announce_sla_at_risk",
        "schedule": 60.0,
    },
    "close-expired-resolved-tickets": {
        "task": "tickets.tasks.close_expired_resolved_tickets",
        "schedule": 15 * 60.0,
    },
    "purge-pending-uploads": {
        "task": "tickets.tasks.purge_pending_uploads",
        "schedule": 60 * 60.0,
    },
}
