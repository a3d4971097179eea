"""What of a received email goes on the ticket: the new text and the files.

The text: the plain part when there is one, otherwise the HTML part sanitized (nh3) and
converted to Markdown; then cut at our "reply above this line" marker and stripped of the
quoted history and the signature by mailparser-reply. The full original stays with the
inbound email the message links to.

HTML mail never loads anything remote: images other than inline ones (``cid:``) are
dropped before conversion, and image syntax in the result is shown as text.
"""

import functools
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mailparser_reply import EmailMessage as ReplyText
from markdownify import MarkdownConverter

from helpdesk.markdown import text_max_length

from ..reply_address import REPLY_MARKER_PATTERN
from ..services import attachment_check, attachment_stage
from .parse import ParsedEmail, Part

logger = logging.getLogger(__name__)

REPLY_LANGUAGES = ("en", "es")
_HTML_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_QUOTED_TAIL = re.compile(r"(?:\n[ \t]*>[^\n]*)+\s*\Z")
_IMAGE_SYNTAX = re.compile(r"!\[")
# The line a mail client writes above what it quotes, left when the quote itself is gone
# (the parser's Spanish pattern misses Gmail's "El mar, 1 dic 2026, X escribió:").
_ATTRIBUTION = re.compile(
    r"(?:\A|\n)[ \t]*(?:On|El)\s[^\n]*(?:\n[^\n]*)?\s(?:wrote|escribi[oó])\s*:\s*\Z",
    re.IGNORECASE,
)


def _keep_inline_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    return value


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_HTML_TAGS,
        attributes={"a": {"href"}, "img": {"src", "alt"}},
        url_schemes={"http", "https", "mailto", "cid"},
        attribute_filter=_keep_inline_images_only,
        strip_comments=True,
        link_rel=None,
    )


class _Converter(MarkdownConverter):
    def convert_img(self, el, text, *args, **kwargs):
        # Inline images arrive as files of the message; the text names them.
        if not (el.get("src") or "").lower().startswith("cid:"):
            return ""
        alt = (el.get("alt") or "").strip()
        return _("[image: %(description)s]") % {"description": alt} if alt else _("[image]")


def html_to_markdown(html: str) -> str:
    cleaned = _cleaner().clean(html)
    converter = _Converter(heading_style="ATX", bullets="-", escape_misc=False)
    text = converter.convert(cleaned)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _strip_quoted(text: str) -> str:
    """The newest reply of ``text``: mailparser-reply finds the "On … wrote:" and "From:"
    headers and the signature. It strips every line while doing so; where its result
    lines up with the original lines, those are kept (indented logs and code stay)."""
    reply = ReplyText(text=text, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True).read()
    if not reply.replies:
        return text.strip()
    body = reply.replies[0].body
    original = text.replace("\r\n", "\n").strip("\n").split("\n")
    kept = body.split("\n")
    if len(kept) <= len(original) and all(
        line.strip() == want for line, want in zip(original, kept, strict=False)
    ):
        return "\n".join(original[: len(kept)]).rstrip()
    return body


def new_text(parsed: ParsedEmail, *, strip_quoted: bool = True) -> str:
    """The text the sender wrote, as Markdown, without what they quoted or signed.
    ``strip_quoted`` False (a new ticket): all of it above our marker, since what a
    customer forwards is part of their request."""
    text = parsed.text if parsed.text.strip() else html_to_markdown(parsed.html)
    text = text.replace("\r\n", "\n")
    marker = REPLY_MARKER_PATTERN.search(text)
    if marker:
        text = text[: marker.start()]
    if strip_quoted:
        text = _QUOTED_TAIL.sub("", _strip_quoted(text))
        text = _ATTRIBUTION.sub("", text.rstrip())
    text = text.strip()
    # Markdown image syntax would load a remote image on the ticket page.
    text = _IMAGE_SYNTAX.sub(r"!\\[", text)
    limit = text_max_length()
    if len(text) > limit:
        note = "\n\n" + _("(Shortened: the full email is kept with the message.)")
        text = text[: max(limit - len(note), 0)].rstrip() + note
    return text


@dataclass(frozen=True)
class Files:
    staged: tuple  # Attachment rows, pending uploads of the sender
    # One error per refused file, for the sender: read (``" ".join(error.messages)``) in
    # the language of the email that tells them.
    refused: tuple[ValidationError, ...]


# The files written for the message being processed: if its work is rolled back, their
# rows go with it and :func:`staged_files_delete` removes the files themselves.
staged_files: ContextVar[list | None] = ContextVar("staged_files", default=None)


def staged_files_delete(files: list) -> None:
    for file in files:
        try:
            file.storage.delete(file.name)
        except Exception:  # noqa: BLE001 - a leftover file is harmless; the message is not
            logger.warning("Could not remove %s after a failed message", file.name)


def files_stage(*, parts: tuple[Part, ...], actor, tenant) -> Files:
    """Put the email's files through the upload checks and stage those that pass as
    ``actor``'s pending uploads; at most ``ATTACHMENT_MAX_FILES``."""
    staged, refused = [], []
    limit = settings.ATTACHMENT_MAX_FILES
    for part in parts:
        if len(staged) >= limit:
            refused.append(
                ValidationError(
                    gettext_lazy(
                        "“%(name)s” was not added: a message carries at most %(limit)s files."
                    ),
                    params={"name": part.name, "limit": limit},
                )
            )
            continue
        upload = SimpleUploadedFile(part.name, part.data, content_type=part.content_type)
        try:
            checked = attachment_check(upload)
        except ValidationError as error:
            refused.append(error)
            continue
        attachment = attachment_stage(actor=actor, tenant=tenant, checked=checked)
        written = staged_files.get()
        if written is not None:
            written.append(attachment.file)
        staged.append(attachment)
    return Files(staged=tuple(staged), refused=tuple(refused))
