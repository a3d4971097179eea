"""Tickets in Django admin: the catalogue and tickets, mailboxes and received email."""

from . import catalogue, mail

__all__ = ["catalogue", "mail"]
