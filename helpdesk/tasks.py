from celery import shared_task

from . import services


@shared_task
def deliver_outbox_email(email_id: int) -> str:
    # No retries here: the row's next_attempt_at is its only schedule, and the re-drive
    # queues the next attempt once it is due.
    return services.outbox_deliver(email_id=email_id)


@shared_task
def outbox_redrive() -> int:
    return services.outbox_redrive()
