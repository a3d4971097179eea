"""Full-text search on PostgreSQL: a trigger keeps ``search_vector`` current and a GIN index
serves the matches. Nothing to do on SQLite, which searches with LIKE instead."""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION knowledge_base_article_search_vector() RETURNS trigger AS $$
DECLARE
    cfg regconfig := COALESCE(NULLIF(NEW.language, ''), 'english')::regconfig;
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(cfg, COALESCE(NEW.title, '')), 'A')
        || setweight(to_tsvector(cfg, COALESCE(NEW.summary, '') || ' ' || COALESCE(NEW.tags_text, '')), 'B')
        || setweight(to_tsvector(cfg, COALESCE(NEW.body_text, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER knowledge_base_article_search_vector_update
    BEFORE INSERT OR UPDATE OF title, summary, tags_text, body_text, language
    ON knowledge_base_article
    FOR EACH ROW EXECUTE FUNCTION knowledge_base_article_search_vector()
""",
    "CREATE INDEX kb_article_search ON knowledge_base_article USING gin (search_vector)",
    # Index the rows that already exist.
    "UPDATE knowledge_base_article SET title = title",
]

DROP = [
    "DROP INDEX IF EXISTS kb_article_search",
    "DROP TRIGGER IF EXISTS knowledge_base_article_search_vector_update ON knowledge_base_article",
    "DROP FUNCTION IF EXISTS knowledge_base_article_search_vector()",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0002_articles"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
