"""Cursor pagination over a keyset: each page starts after the last row of the previous
one, so a page costs the same at the millionth ticket as at the first, and rows changing
between requests are neither skipped twice nor repeated.

An order is a tuple of ``Key`` (a column, its direction, whether it can be empty); the last
key must be unique (the primary key). Empty values sort last in either direction, as on the
queue. The cursor is the last row's values, base64 JSON; it is opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


@dataclass(frozen=True)
class Key:
    column: str
    descending: bool = False
    nullable: bool = False
    kind: type = str

    def order_by(self):
        field = F(self.column)
        if self.descending:
            return field.desc(nulls_last=True)
        return field.asc(nulls_last=True)

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.column}__isnull": True})
        return Q(**{self.column: value})

    def after(self, value) -> Q | None:
        """Rows after ``value`` in this column alone (None: no row is)."""
        if value is None:
            return None  # empty values come last: nothing follows them
        after = Q(**{f"{self.column}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable:
            after |= Q(**{f"{self.column}__isnull": True})
        return after


def order_by(order: tuple[Key, ...]) -> list:
    return [key.order_by() for key in order]


def after_position(order: tuple[Key, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``order``: equal on the first i keys and after on
    key i, for some i."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(order, values, strict=True):
        after = key.after(value)
        if after is not None:
            condition |= equal & after
        equal &= key.equal(value)
    return condition


def _encode_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(order: tuple[Key, ...], row) -> str:
    values = [_encode_value(getattr(row, key.column)) for key in order]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: tuple[Key, ...], cursor: str) -> list:
    invalid = ValidationError(
        {"cursor": [_("This cursor is not valid; start from the first page.")]}
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error):
        raise invalid from None
    if not isinstance(values, list) or len(values) != len(order):
        raise invalid
    decoded = []
    for key, value in zip(order, values, strict=True):
        if value is None:
            if not key.nullable:
                raise invalid
            decoded.append(None)
        elif key.kind is datetime:
            moment = parse_datetime(value) if isinstance(value, str) else None
            if moment is None:
                raise invalid
            decoded.append(moment)
        elif key.kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise invalid
            decoded.append(value)
        else:
            if not isinstance(value, str):
                raise invalid
            decoded.append(value)
    return decoded


@dataclass
class CursorPage:
    rows: list
    next_cursor: str | None


def page_after(queryset, *, order: tuple[Key, ...], cursor: str | None, size: int) -> CursorPage:
    """One page of ``queryset`` in ``order`` after ``cursor``: ``size`` rows and the cursor
    of the next page (None on the last). One query."""
    if cursor:
        queryset = queryset.filter(after_position(order, decode_cursor(order, cursor)))
    rows = list(queryset.order_by(*order_by(order))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return CursorPage(rows=rows, next_cursor=encode_cursor(order, rows[-1]) if more else None)
