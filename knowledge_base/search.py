"""Article search: PostgreSQL full-text search, with a plain SQLite fallback.

On PostgreSQL every article carries a weighted ``search_vector`` (title A, summary and tags
B, body C) built with the article's own text-search configuration, behind a GIN index. A
query is stemmed with the same configuration as each article it is matched against, the
last word typed matches as a prefix (“passw” finds “password”), results are ranked with
``ts_rank`` (so a title match outranks a body match) and snippets come from ``ts_headline``.

All words must match; when nothing does, any word may (the deflection panel gets whole
sentences such as “cannot reset my password”). Visibility is applied by the caller's
queryset before any of this, so search never sees an article the viewer may not read. With
``prefer_language``, a match whose translation in that language matches too gives way to
it: the reader gets each article once, in their language when it matches there.

Matches are counted up to COUNT_CAP; a broader query is ranked first among the articles with
a query word in their title, summary or tags (see ``_PostgresSearch.page``), which keeps a
search of a large knowledge base fast whatever is typed.
"""

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Language
from .selectors.visibility import without_translated_twins

MAX_WORDS = 8
# Matches are counted up to this many; a broader query shows “more than 1,000 results”.
COUNT_CAP = 1000
MAX_QUERY_LENGTH = 200
# ts_rank weights for D, C, B, A: body (C) counts a fifth of a title (A).
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
# Marks around highlighted words that cannot occur in text (private-use code points), so the
# snippet can be HTML-escaped first and highlighted afterwards.
MARK_START = "\ue000"
MARK_STOP = "\ue001"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class SearchHit:
    article: Article
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchPage:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    matched_all_words: bool = True
    # True when there were more matches than were counted (``total`` is then the cap).
    more: bool = False

    @property
    def has_query(self) -> bool:
        return bool(query_words(self.query))


def query_words(text: str) -> list[str]:
    """The words of a query, lower-cased, at most MAX_WORDS of them."""
    return _WORD.findall((text or "")[:MAX_QUERY_LENGTH].lower())[:MAX_WORDS]


def tsquery_text(words: list[str], operator: str = "&", weights: str = "") -> str:
    """A ``to_tsquery`` expression: every word quoted, the last one as a prefix, optionally
    only where it carries one of ``weights`` (e.g. "AB": in the title, summary or tags).

    Words hold only letters and digits (see ``query_words``), so quoting cannot be escaped.
    """
    parts = [f"'{word}':{weights}" if weights else f"'{word}'" for word in words[:-1]]
    parts.append(f"'{words[-1]}':*{weights}")
    return f" {operator} ".join(parts)


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def _backend(articles, words: list[str], operator: str, languages, prefer_language):
    if uses_full_text_search():
        backend = _PostgresSearch(articles, words, operator, languages)
    else:
        backend = _FallbackSearch(articles, words, operator)
    backend.matches = without_translated_twins(backend.matches, language=prefer_language)
    return backend


def search_articles(
    articles,
    text: str,
    *,
    offset: int = 0,
    limit: int = 10,
    languages=None,
    prefer_language: str | None = None,
) -> SearchPage:
    """One page of ``articles`` (a visibility-filtered queryset) matching ``text``, with the
    total number of matches. ``languages``: the text-search configurations the articles are
    written in (all supported ones when not given); ``prefer_language``: the reader's."""
    page = SearchPage(query=text)
    words = query_words(text)
    if not words:
        return page
    for operator in ("&", "|") if len(words) > 1 else ("&",):
        backend = _backend(articles, words, operator, languages, prefer_language)
        page.hits, page.total, page.more = backend.page(offset, limit)
        if page.total:
            page.matched_all_words = operator == "&"
            break
    return page


def top_matches(
    articles, text: str, *, limit: int = 5, languages=None, prefer_language: str | None = None
) -> list[SearchHit]:
    """The best few matches without counting them all (suggestions, pickers)."""
    words = query_words(text)
    if not words:
        return []
    for operator in ("&", "|") if len(words) > 1 else ("&",):
        hits = _backend(articles, words, operator, languages, prefer_language).hits(0, limit)
        if hits:
            return hits
    return []


def highlight(text: str) -> SafeString:
    """HTML for a text with MARK_START/MARK_STOP around matches: escaped, then marked."""
    escaped = escape(text or "")
    return mark_safe(  # noqa: S308 - escaped above; only our own <mark> tags are added
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def _any(queries):
    combined = None
    for query in queries:
        combined = query if combined is None else combined | query
    return combined


class _PostgresSearch:
    def __init__(self, articles, words: list[str], operator: str, languages=None):
        raw = tsquery_text(words, operator)
        head = tsquery_text(words, "|", weights="AB")
        languages = sorted(set(languages or Language.values))
        self.queries = {
            language: SearchQuery(raw, search_type="raw", config=language) for language in languages
        }
        # One condition for the GIN index: the query stemmed in every language the articles
        # are written in. (Ranking and snippets use each article's own language.)
        self.matches = articles.filter(search_vector=_any(self.queries.values()))
        # Some query word in the title, summary or tags (see ``page``).
        self.head = _any(
            SearchQuery(head, search_type="raw", config=language) for language in languages
        )

    def _per_language(self, make, output_field):
        """An expression using the query stemmed like the row's own language."""
        if len(self.queries) == 1:
            ((language, query),) = self.queries.items()
            return make(language, query)
        whens = [
            When(language=language, then=make(language, query))
            for language, query in self.queries.items()
        ]
        return Case(*whens, output_field=output_field)

    def _ranked(self, matches, offset: int, limit: int) -> list[SearchHit]:
        """One page of ``matches`` in rank order, with highlighted titles and snippets.

        The headlines are expensive (they re-parse the text), and PostgreSQL computes such
        output columns only for the rows left after the sort and limit.
        """
        rank = self._per_language(
            lambda _lang, query: SearchRank(
                F("search_vector"), query, weights=RANK_WEIGHTS, normalization=Value(0)
            ),
            FloatField(),
        )
        title = self._per_language(
            lambda lang, query: SearchHeadline(
                "title",
                query,
                config=lang,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                highlight_all=True,
            ),
            TextField(),
        )
        snippet = self._per_language(
            lambda lang, query: SearchHeadline(
                "body_text",
                query,
                config=lang,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
            TextField(),
        )
        rows = (
            matches.annotate(rank=rank, title_marked=title, snippet_marked=snippet)
            .select_related("category")
            .defer("body", "body_html", "body_text", "search_vector")
            .order_by("-rank", F("published_at").desc(nulls_last=True), "pk")[
                offset : offset + limit
            ]
        )
        hits = []
        for row in rows:
            snippet_text = row.snippet_marked
            if MARK_START not in snippet_text and row.summary:
                snippet_text = row.summary
            hits.append(SearchHit(row, highlight(row.title_marked), highlight(snippet_text)))
        return hits

    def page(self, offset: int, limit: int) -> tuple[list[SearchHit], int, bool]:
        """A page of hits, the number of matches (counted up to COUNT_CAP) and whether there
        were more.

        Ranking reads the search vector of every candidate, so for a broad query (more than
        COUNT_CAP matches) the first pages are ranked among the articles that have a query
        word in their title, summary or tags, which is what readers expect first. For a
        one-word query that is exactly the top of the full ranking (weights A and B outrank
        any number of body occurrences at C); with several words an article holding them
        only in its body, close together, could have ranked a little higher. When that set
        is too small for the page, every match is ranked.
        """
        total = self.matches.order_by().values("pk")[: COUNT_CAP + 1].count()
        if not total:
            return [], 0, False
        more = total > COUNT_CAP
        hits = []
        if more:
            hits = self._ranked(self.matches.filter(search_vector=self.head), offset, limit)
        if len(hits) < limit:
            hits = self._ranked(self.matches, offset, limit)
        return hits, min(total, COUNT_CAP), more

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        """The best few matches, uncounted: first among articles with a query word in the
        title, summary or tags (see ``page``), then among all when those are too few."""
        hits = self._ranked(self.matches.filter(search_vector=self.head), offset, limit)
        if len(hits) < limit:
            hits = self._ranked(self.matches, offset, limit)
        return hits


class _FallbackSearch:
    """Substring matching scored by where the words occur; for SQLite and development.

    A crude suffix strip stands in for stemming so “passwords” still finds “password”.
    """

    def __init__(self, articles, words: list[str], operator: str):
        self.terms = [_crude_stem(word) for word in words]
        match = None
        for term in self.terms:
            anywhere = (
                Q(title__icontains=term)
                | Q(summary__icontains=term)
                | Q(tags_text__icontains=term)
                | Q(body_text__icontains=term)
            )
            if match is None:
                match = anywhere
            elif operator == "&":
                match &= anywhere
            else:
                match |= anywhere
        self.matches = articles.filter(match)

    def page(self, offset: int, limit: int) -> tuple[list[SearchHit], int, bool]:
        total = self.matches.count()
        return (self.hits(offset, limit) if total else []), total, False

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        score = Value(0, output_field=IntegerField())
        for term in self.terms:
            score = (
                score
                + Case(When(title__icontains=term, then=Value(10)), default=Value(0))
                + Case(
                    When(Q(summary__icontains=term) | Q(tags_text__icontains=term), then=Value(4)),
                    default=Value(0),
                )
                + Case(When(body_text__icontains=term, then=Value(1)), default=Value(0))
            )
        rows = list(
            self.matches.annotate(score=score)
            .select_related("category")
            .defer("body", "body_html", "search_vector")
            .order_by("-score", F("published_at").desc(nulls_last=True), "pk")[
                offset : offset + limit
            ]
        )
        return [
            SearchHit(
                row,
                highlight(_mark_terms(row.title, self.terms)),
                highlight(_fallback_snippet(row, self.terms)),
            )
            for row in rows
        ]


def _crude_stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _mark_terms(text: str, terms: list[str]) -> str:
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", text)


def _fallback_snippet(article: Article, terms: list[str], words_around: int = 15) -> str:
    body = html.unescape(article.body_text or "")
    lowered = body.lower()
    positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    if not positions:
        return article.summary or " ".join(body.split()[: words_around * 2])
    start = min(positions)
    before = body[:start].split()[-words_around:]
    after = body[start:].split()[: words_around * 2]
    snippet = " ".join(before + after)
    prefix = "… " if len(before) == words_around else ""
    return prefix + _mark_terms(snippet, terms) + " …"
