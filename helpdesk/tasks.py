from celery import shared_task

from .services import outbox_deliver, outbox_due_ids, retry_delay


@shared_task(bind=True, max_retries=6)
def deliver_outbox_email(self, email_id: int):
    if not outbox_deliver(email_id=email_id):
        if self.request.is_eager:
            return
        raise self.retry(countdown=retry_delay(self.request.retries + 1).total_seconds())


@shared_task
def outbox_redrive():
    for email_id in outbox_due_ids():
        deliver_outbox_email.delay(email_id)
