"""Email as a channel: messages are stored first (:mod:`.store`), then processed into
tickets and replies through the ticket services (:mod:`.process`). Mail arrives by IMAP
(:mod:`.imap`), from a mail server's pipe (``manage.py email_ingest``) or from a provider's
inbound webhook (:mod:`.webhooks`)."""
