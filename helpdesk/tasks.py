from celery import shared_task

from . import services, webhooks


@shared_task
def deliver_outbox_email(email_id: int) -> str:
    # No retries here: the row's next_attempt_at is its only schedule, and the re-drive
    # queues the next attempt once it is due.
    return services.outbox_deliver(email_id=email_id)


@shared_task
def outbox_redrive() -> int:
    return services.outbox_redrive()


@shared_task
def deliver_webhook(delivery_id: int) -> str:
    # As for emails: the row's next_attempt_at is its only schedule.
    return webhooks.webhook_deliver(delivery_id=delivery_id)


@shared_task
def webhook_redrive() -> int:
    return webhooks.webhook_redrive()
