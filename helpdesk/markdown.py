"""Markdown written by people (tickets, replies, notes, articles) rendered to safe HTML.

Rendering happens once, when a text is written: services store the sanitized HTML beside
the source together with ``RENDERER_VERSION``, and pages and emails show the stored HTML.
Rows rendered by an older version are rendered again in batches by the
``rerender_markdown`` command (and by a data migration when the version changes), never
while a page is being served.

The renderer is cmark-gfm (CommonMark with GitHub's tables and strikethrough), whose cost
is linear in the input: Python-Markdown took seconds on a few kilobytes of ``![`` or ``[``.
``bench/markdown_bench.py`` times adversarial inputs. Line breaks are kept as typed.

Two layers keep the output safe: cmark's safe mode drops raw HTML and links to dangerous
schemes, then nh3 (an allow-list) removes anything else: no scripts, no event handlers, no
style attributes, and only http(s), mailto and relative links. Raw HTML is dropped rather
than handed to the sanitizer on purpose: deeply nested raw tags cost its HTML parser
quadratic time (12,500 ``<div>`` took 0.75 s), while cmark's own tags are well formed and
their nesting is bounded below.
"""

import functools
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import migrations, models, transaction
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

RENDERER_NAME = "cmark-gfm"
# Bump whenever the renderer, its options or the allow-list change what is stored; then run
# `manage.py rerender_markdown` (or ship a data migration that calls `rerender_stale`).
RENDERER_VERSION = 2

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["table", "strikethrough"]
OPTIONS = Options.CMARK_OPT_HARDBREAKS | Options.CMARK_OPT_VALIDATE_UTF8

# How deep one line may nest quotes and lists. cmark caps list nesting (at about 150) but
# not quotes, and the sanitizer's HTML parser slows down with depth times size (50,000 ``>``
# took seconds, 60 levels of lists in quotes 0.1 s). Nesting needs a marker per level on
# every line (indentation costs more characters per level than it can make the parser
# pay), so the first marker beyond the limit is escaped: it and the rest of the line are
# shown as text.
MAX_NESTING = 16
_MARKER = r"[ \t]*+(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
_TOO_DEEP = re.compile(
    f"^((?:{_MARKER}){{{MAX_NESTING}}}[ \t]*+)(?:([>])|([-+*])(?=[ \t])|(\\d{{1,9}})(?=[.)][ \t]))",
    re.MULTILINE,
)


def _escape_marker(match: re.Match) -> str:
    allowed, quote, bullet, number = match.groups()
    return f"{allowed}{number}\\" if number else f"{allowed}\\{quote or bullet}"


def _limit_nesting(text: str) -> str:
    return _TOO_DEEP.sub(_escape_marker, text)


# cmark puts a line break between table tags. Inside a table each one is a text node the
# sanitizer's HTML parser must move out of the table ("foster parenting"), which made a
# long table its slowest input (a 50,000-character table: 49 ms, 26 ms without). Between
# table tags white space means nothing to a browser; code cannot contain such a tag, since
# cmark escapes ``<`` in code and drops raw HTML.
_TABLE_GAP = re.compile(r">\n(?=</?(?:table|thead|tbody|tr|th|td)\b)")


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Return sanitized HTML for ``text``; safe to insert into any page."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    html = cmarkgfm.markdown_to_html_with_extensions(
        _limit_nesting(text), options=OPTIONS, extensions=EXTENSIONS
    )
    cleaned = _cleaner().clean(_TABLE_GAP.sub(">", html))
    return mark_safe(cleaned)  # noqa: S308 - output of an allow-list sanitizer


class RenderedMarkdownField(models.TextField):
    """Sanitized HTML that ``render_markdown`` stored; read back as safe for templates.

    Only services write it (never a form), so what comes out of the database is what the
    sanitizer produced."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else mark_safe(value)  # noqa: S308 - see docstring


# --- length limits ----------------------------------------------------------------------------


def text_max_length() -> int:
    """Characters allowed in a ticket's description or steps, a reply or a note."""
    return settings.MARKDOWN_TEXT_MAX_LENGTH


def article_max_length() -> int:
    """Characters allowed in a knowledge-base article's body."""
    return settings.MARKDOWN_ARTICLE_MAX_LENGTH


def too_long_message(limit: int, length: int) -> str:
    return ngettext(
        "Keep this to %(limit)s character or fewer (it has %(length)s).",
        "Keep this to %(limit)s characters or fewer (it has %(length)s).",
        limit,
    ) % {
        "limit": number_format(limit, force_grouping=True),
        "length": number_format(length, force_grouping=True),
    }


def markdown_check_length(*, fields: dict[str, str], limit: int) -> None:
    """Refuse Markdown longer than ``limit``, with one error per field that is too long; for
    every caller of the services (forms check the same first, so people keep their text)."""
    errors = {
        name: too_long_message(limit, len(value or ""))
        for name, value in fields.items()
        if len(value or "") > limit
    }
    if errors:
        raise ValidationError(errors)


class MarkdownFormField(forms.CharField):
    """A Markdown textarea limited to ``limit()`` characters (a setting, read per form).

    Line breaks are stored as typed in the browser (one character each), so the limit the
    server checks is the one the textarea's ``maxlength`` counts."""

    def __init__(self, *, limit, **kwargs):
        self.limit = limit
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        field.widget.attrs["maxlength"] = str(self.limit())
        return field

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")

    def validate(self, value):
        super().validate(value)
        limit = self.limit()
        if len(value) > limit:
            raise ValidationError(too_long_message(limit, len(value)), code="max_length")


# --- re-rendering stored HTML -----------------------------------------------------------------


# Every Markdown field of the product: model, then source field -> stored HTML field.
MARKDOWN_FIELDS = {
    "tickets.Ticket": {"text": "text_html", "steps": "steps_html"},
    "tickets.Message": {"body": "body_html"},
    "knowledge_base.Article": {"body": "body_html"},
}


def rerender_operation(*labels: str) -> migrations.RunPython:
    """The data-migration step that renders again the stored HTML of the rows of
    ``labels`` (``"tickets.Message"``…) written by another renderer version. Migrations
    using it set ``atomic = False``: each batch commits on its own, and running it again
    (or ``manage.py rerender_markdown``) continues where it stopped."""

    def render_existing(apps, schema_editor):
        for label in labels:
            rerender_stale(apps.get_model(label), MARKDOWN_FIELDS[label])

    return migrations.RunPython(render_existing, migrations.RunPython.noop, elidable=True)


def rerender_stale(model, fields: dict[str, str], *, batch_size: int = 500) -> int:
    """Render again every row of ``model`` stored by another renderer version; returns how
    many rows changed. ``fields`` maps each Markdown source field to its HTML field.

    Batches are locked while they are rendered, so a concurrent edit waits and is not
    overwritten with HTML of its old text; a second run finds nothing to do. Works with the
    historical models a data migration gets too."""
    manager = model._base_manager
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                manager.select_for_update()
                .filter(pk__gt=last_pk)
                .exclude(markdown_version=RENDERER_VERSION)
                .order_by("pk")
                .only("pk", *fields)[:batch_size]
            )
            if not batch:
                return done
            for row in batch:
                for source, target in fields.items():
                    setattr(row, target, render_markdown(getattr(row, source)))
                row.markdown_version = RENDERER_VERSION
            manager.bulk_update(batch, [*fields.values(), "markdown_version"])
        done += len(batch)
        last_pk = batch[-1].pk
