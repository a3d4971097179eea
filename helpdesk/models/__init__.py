from .outbox import BouncedAddress, OutboxEmail
from .webhooks import Webhook, WebhookDelivery, WebhookEvent

__all__ = ["BouncedAddress", "OutboxEmail", "Webhook", "WebhookDelivery", "WebhookEvent"]
