from celery import shared_task

from .services import MAX_ATTEMPTS, outbox_deliver, outbox_due_ids, retry_delay


@shared_task(bind=True, max_retries=MAX_ATTEMPTS)
def deliver_outbox_email(self, email_id: int):
    if outbox_deliver(email_id=email_id):
        return
    # Past the task's own retries the row stays pending and beat re-drives it.
    if self.request.is_eager or self.request.retries >= self.max_retries:
        return
    raise self.retry(countdown=retry_delay(self.request.retries + 1).total_seconds())


@shared_task
def outbox_redrive():
    for email_id in outbox_due_ids():
        deliver_outbox_email.delay(email_id)
