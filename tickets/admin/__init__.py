"""Tickets in Django admin: the catalogue and tickets, mailboxes and received email, and
the status page."""

from . import catalogue, mail, status

__all__ = ["catalogue", "mail", "status"]
