"""Writes to the knowledge base: articles and their status, votes, views and deflections."""

from .articles import (
    TRANSITIONS,
    article_check_audience,
    article_create,
    article_index_tags,
    article_save,
    article_transition,
    article_update,
    category_check,
    category_save,
    markdown_plain_text,
    tags_from_names,
)
from .feedback import article_record_view, deflection_record, feedback_record
from .translations import article_check_translation, article_link_translation

__all__ = [
    "TRANSITIONS",
    "article_check_audience",
    "article_check_translation",
    "article_create",
    "article_index_tags",
    "article_link_translation",
    "article_record_view",
    "article_save",
    "article_transition",
    "article_update",
    "category_check",
    "category_save",
    "deflection_record",
    "feedback_record",
    "markdown_plain_text",
    "tags_from_names",
]
