"""Knowledge base articles, read with the portal's own rule: the reader is resolved by
``viewer_for`` and every read goes through ``listed_articles``, ``visible_articles`` or
``article_for_viewer``, so the API shows exactly what the pages show (staff may open
drafts, as on the article page; customers never see drafts or staff-only articles)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers as drf
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.links import absolute_url, tenant_base_url
from knowledge_base import search, selectors
from knowledge_base.models import ArticleStatus, Language

from .directory import PAGE_PARAMETERS, PageQuery, page_body, page_serializer, query_of
from .pagination import Key, decode_cursor, encode_cursor, page_after

BY_TITLE = (Key("title"), Key("id", kind=int))
# A search is ranked, not ordered by a column: its cursor is the offset of the next page.
SEARCH_OFFSET = (Key("offset", kind=int),)
# What a row of a list shows; the bodies are read on the article itself.
LIST_DEFERRED = ("body", "body_html", "body_text", "search_vector")


class CategorySerializer(drf.Serializer):
    slug = drf.CharField(read_only=True)
    name = drf.CharField(read_only=True)


class ArticleSerializer(drf.Serializer):
    """An article as a row of a list or a search."""

    title = drf.CharField(read_only=True)
    slug = drf.CharField(read_only=True)
    language = drf.ChoiceField(choices=Language.choices, read_only=True)
    summary = drf.CharField(read_only=True)
    status = drf.ChoiceField(
        choices=ArticleStatus.choices,
        read_only=True,
        help_text=_("Published for customers; staff also see drafts."),
    )
    category = CategorySerializer(read_only=True, allow_null=True)
    updated_at = drf.DateTimeField(read_only=True)
    published_at = drf.DateTimeField(read_only=True, allow_null=True)
    url = drf.SerializerMethodField(help_text=_("The article's page in the portal."))
    snippet_html = drf.SerializerMethodField(
        help_text=_("Searches: the matching passage, matches in <mark>.")
    )

    def get_url(self, article) -> str:
        return absolute_url(self.context["base_url"], article.get_absolute_url())

    def get_snippet_html(self, article) -> str | None:
        return self.context.get("snippets", {}).get(article.pk)


class TranslationSerializer(drf.Serializer):
    slug = drf.CharField(read_only=True)
    title = drf.CharField(read_only=True)
    language = drf.ChoiceField(choices=Language.choices, read_only=True)


class ArticleDetailSerializer(ArticleSerializer):
    snippet_html = None
    body = drf.CharField(read_only=True, help_text=_("Markdown, as written."))
    body_html = drf.CharField(read_only=True, help_text=_("The body rendered, sanitized."))
    tags = drf.SerializerMethodField()
    translation = drf.SerializerMethodField(
        help_text=_("The same article in the other language, when you may read it.")
    )

    def get_tags(self, article) -> list[str]:
        return [tag.name for tag in article.tags.all()]

    @extend_schema_field(TranslationSerializer(allow_null=True))
    def get_translation(self, article):
        translation = self.context.get("translation")
        return TranslationSerializer(translation).data if translation else None


ArticlePageSerializer = page_serializer("ArticlePage", ArticleSerializer)


class ArticleQuery(PageQuery):
    q = drf.CharField(required=False, default="", max_length=search.MAX_QUERY_LENGTH)


def _context(request, **more) -> dict:
    return {"base_url": tenant_base_url(tenant=request.tenant), **more}


class ArticleListView(APIView):
    @extend_schema(
        operation_id="articles_list",
        parameters=[
            OpenApiParameter("q", str, description="Words to search for: the best matches first."),
            *PAGE_PARAMETERS,
        ],
        responses=ArticlePageSerializer,
        summary="List or search articles",
        description="The published articles you may read, by title, each once (in your "
        "language when it is translated); with q, a search ranked as in the portal.",
    )
    def get(self, request):
        query = query_of(request, ArticleQuery)
        viewer = selectors.viewer_for(tenant=request.tenant, user=request.user)
        if search.query_words(query["q"]):
            return self._search(request, viewer, query)
        articles = (
            selectors.listed_articles(viewer).select_related("category").defer(*LIST_DEFERRED)
        )
        page = page_after(articles, order=BY_TITLE, cursor=query["cursor"], size=query["page_size"])
        rows = ArticleSerializer(page.rows, many=True, context=_context(request)).data
        return Response(page_body(request, rows=rows, next_cursor=page.next_cursor))

    def _search(self, request, viewer, query):
        offset = 0
        if query["cursor"]:
            (offset,) = decode_cursor(SEARCH_OFFSET, query["cursor"])
        offset = max(0, min(offset, search.COUNT_CAP))
        size = query["page_size"]
        results = search.search_articles(
            selectors.visible_articles(viewer),
            query["q"],
            offset=offset,
            limit=size,
            languages=selectors.article_languages(tenant=request.tenant),
            prefer_language=viewer.language,
        )
        articles = [hit.article for hit in results.hits]
        snippets = {hit.article.pk: str(hit.snippet_html) for hit in results.hits}
        next_cursor = None
        if offset + size < results.total:
            next_cursor = encode_cursor(SEARCH_OFFSET, SimpleNamespace(offset=offset + size))
        context = _context(request, snippets=snippets)
        rows = ArticleSerializer(articles, many=True, context=context).data
        return Response(page_body(request, rows=rows, next_cursor=next_cursor))


class ArticleDetailView(APIView):
    @extend_schema(
        operation_id="articles_read",
        responses=ArticleDetailSerializer,
        summary="Read an article",
        description="The same 404 for a missing article and one you may not read.",
    )
    def get(self, request, slug):
        viewer = selectors.viewer_for(tenant=request.tenant, user=request.user)
        article = selectors.article_for_viewer(viewer=viewer, slug=slug)
        translation = selectors.article_translation(viewer=viewer, article=article)
        context = _context(request, translation=translation)
        return Response(ArticleDetailSerializer(article, context=context).data)
