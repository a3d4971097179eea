"""What a Spanish-speaking reader would find in English.

Two independent checks:

* :class:`MissingTranslations` records every message looked up in Spanish that no Spanish
  catalogue (ours, Django's, allauth's, django-otp's) translates — a string marked for
  translation whose ``msgstr`` is missing, empty or fuzzy shows in English.
* :func:`english_leftovers` reads a rendered page or email the way a person does (visible
  text, button values, placeholders, titles, labels for screen readers) and reports the texts
  that are English — a string nobody marked for translation.
"""

import re
from contextlib import contextmanager
from html.parser import HTMLParser

from django.utils.translation.trans_real import CONTEXT_SEPARATOR, DjangoTranslation

# Words a Spanish text never contains, but nearly every English sentence or label does.
_ENGLISH = """
    the and of to in on at by for with from your you this that these those is are was were
    be been has have had will would can could should must not or an it its our we they them
    their here there what when where which who how why all any each more than then if into
    out up about after before yes please thanks
    save cancel search sign reply send submit close open new edit delete remove add back
    next previous page home settings profile password status priority due breached queue
    queues knowledge article articles members security administration help desk support
    customer customers engineer engineers organization organizations assigned assignee
    unassigned none hours hour minutes minute days day week today yesterday tomorrow ago left
    note notes internal message messages attachment attachments file files download upload
    request requests type types level levels plans target targets calendar holidays
    change changes changed view show hide more less optional required only
"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|\b[A-Z]{2,6}-\d+\b|\{\{.*?\}\}|\S*[/_]\S*|\bMessage-ID\b"
)
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
_WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ']+")
_SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "svg"}
_VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"}


def english_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() in ENGLISH_WORDS]


def looks_english(text: str) -> bool:
    """A text with an English function or interface word in it.

    Addresses, links, ticket numbers, time-zone names, email header names and code are not
    read as words.
    """
    text = NOT_WORDS.sub(" ", text)
    return bool(english_words(text))


class _Reader(HTMLParser):
    """Visible texts of a page, skipping what is not read (scripts, code, typed text) and
    what is marked as another language (``lang="en"``: the switch's "English", an English
    article's title)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []
        # Texts marked as another language: the same words elsewhere (an English article's
        # title in the page's <title>) are that text quoted, not the interface's.
        self.foreign: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def _foreign(self) -> bool:
        return any(skip == "foreign" for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        foreign = attrs.get("lang") not in (None, "") and not attrs["lang"].startswith("es")
        skip = "foreign" if foreign and tag != "html" else tag in _SKIPPED_TAGS
        skip = skip or "hidden" in attrs and tag != "input"
        if tag == "html":
            skip = False
        if not skip and not self._skipping():
            for name in ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data.strip():
            return
        if not self._skipping():
            self.texts.append(" ".join(data.split()))
        elif self._foreign():
            self.foreign.append(" ".join(data.split()))


def readable_texts(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    foreign = sorted(set(reader.foreign), key=len, reverse=True)
    texts = []
    for text in reader.texts:
        for quoted in foreign:
            text = text.replace(quoted, " ")
        texts.append(text.strip())
    return texts


def english_leftovers(html: str, *, plain: bool = False, data=()) -> list[str]:
    """The texts of ``html`` (or of a plain-text email with ``plain``) that read as English.

    ``data``: what people wrote in English (an English article's title, its tags), which is
    theirs, not the interface's.
    """
    texts = [line.strip() for line in html.splitlines()] if plain else readable_texts(html)
    for quoted in sorted(set(data), key=len, reverse=True):
        texts = [text.replace(quoted, " ").strip() for text in texts]
    return sorted({text for text in texts if text and looks_english(text)})


class MissingTranslations:
    """Records messages looked up in Spanish that no catalogue translates."""

    def __init__(self):
        self.messages: set[str] = set()

    @staticmethod
    def _readable(message) -> str:
        if isinstance(message, tuple):
            message = message[0]
        context, _sep, text = str(message).rpartition(CONTEXT_SEPARATOR)
        return f"{text} (context {context!r})" if context else text

    def _record(self, translation: DjangoTranslation, key, plural_key) -> None:
        if not translation.language().startswith("es"):
            return
        catalog = translation._catalog
        if key in catalog or plural_key in catalog:
            return
        text = key if isinstance(key, str) else key[0]
        if not _WORD.search(text):
            return
        self.messages.add(self._readable(text))

    @contextmanager
    def watching(self):
        gettext = DjangoTranslation.gettext
        ngettext = DjangoTranslation.ngettext
        recorder = self

        def recording_gettext(self, message):
            recorder._record(self, message, (message, 0))
            return gettext(self, message)

        def recording_ngettext(self, msgid1, msgid2, n):
            recorder._record(self, (msgid1, 0), (msgid1, 1))
            return ngettext(self, msgid1, msgid2, n)

        own = {name: name in vars(DjangoTranslation) for name in ("gettext", "ngettext")}
        DjangoTranslation.gettext = recording_gettext
        DjangoTranslation.ngettext = recording_ngettext
        try:
            yield self
        finally:
            for name, original in (("gettext", gettext), ("ngettext", ngettext)):
                if own[name]:
                    setattr(DjangoTranslation, name, original)
                else:
                    delattr(DjangoTranslation, name)

    def report(self) -> str:
        return "\n".join(sorted(self.messages))
